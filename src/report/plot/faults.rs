//! The per-rep fault strip: one row per fault, one column per rep, each cell coloured by
//! what was seen (likely, watch, clear, not measured) and labelled with the value.

use super::*;
use crate::report::coach::{self, Cell, FAULTS};

pub struct FaultStripFigure<'a> {
    pub a: &'a Analysis,
    pub title: String,
}

const NAME_W: i32 = 330;
const ROW_H: i32 = 46;
const HEAD_H: i32 = 40;
const LEGEND_H: i32 = 56;

impl<'a> FaultStripFigure<'a> {
    pub fn new(a: &'a Analysis, title: &str) -> Self {
        FaultStripFigure { a, title: title.to_string() }
    }

    fn cols(&self) -> usize {
        self.a.reps.len().max(1)
    }

    fn col_w(&self) -> i32 {
        (880 / self.cols() as i32).clamp(70, 180)
    }
}

impl Figure for FaultStripFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let w = (NAME_W + self.col_w() * self.cols() as i32 + 30).max(960);
        let h = 74 + HEAD_H + ROW_H * FAULTS.len() as i32 + LEGEND_H + 10;
        (w as u32, h as u32)
    }

    fn what(&self) -> &'static str {
        "the fault strip"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let judged = coach::faults_judged(self.a);
        let subtitle = if self.a.reps.is_empty() {
            "No complete rep: nothing to judge.".to_string()
        } else if !judged {
            "Faults were not judged for this video (see the view verdict); bar measures are shown where known."
                .to_string()
        } else {
            let n: usize = self.a.reps.iter().map(|r| r.faults.len()).sum();
            format!(
                "{n} fault label{} over {} rep{}; values are the measurement behind each label.",
                if n == 1 { "" } else { "s" },
                self.a.reps.len(),
                if self.a.reps.len() == 1 { "" } else { "s" }
            )
        };
        let area = header(root, &self.title, &subtitle)?;
        let cw = self.col_w();
        let x0 = NAME_W;
        for (c, r) in self.a.reps.iter().enumerate() {
            let cx = x0 + c as i32 * cw + cw / 2;
            area.draw(&Text::new(
                format!("rep {}", r.index),
                (cx, HEAD_H / 2),
                font(17.0).color(&INK).pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        }
        for (k, info) in FAULTS.iter().enumerate() {
            let y = HEAD_H + k as i32 * ROW_H;
            area.draw(&Text::new(
                format!("{}  {}", info.number, info.name),
                (16, y + ROW_H / 2),
                font(17.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
            for (c, r) in self.a.reps.iter().enumerate() {
                let x = x0 + c as i32 * cw;
                let (fill, text, text_colour) = match coach::cell(r, info.id, judged) {
                    Cell::Fault(f) => {
                        let fill = match f.severity {
                            Severity::Likely => LIKELY_COLOUR,
                            Severity::Watch => WATCH_COLOUR,
                        };
                        let tc = match f.severity {
                            Severity::Likely => WHITE,
                            Severity::Watch => INK,
                        };
                        (fill, coach::format_fault_value(&f, f.value), tc)
                    }
                    Cell::Clear(v) => (
                        CLEAR_COLOUR,
                        v.map_or_else(|| "ok".into(), |v| coach::format_value(info.id, v)),
                        RGBColor(30, 90, 40),
                    ),
                    Cell::NotMeasured => (NA_COLOUR, "n/a".to_string(), RGBColor(150, 150, 150)),
                };
                area.draw(&Rectangle::new([(x + 3, y + 3), (x + cw - 3, y + ROW_H - 3)], fill.filled()))?;
                area.draw(&Text::new(
                    text,
                    (x + cw / 2, y + ROW_H / 2),
                    font(15.0).color(&text_colour).pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
            if k > 0 {
                area.draw(&PathElement::new([(12, y), (x0 - 8, y)], ShapeStyle::from(&GRID).stroke_width(1)))?;
            }
        }
        let ly = HEAD_H + ROW_H * FAULTS.len() as i32 + 16;
        let entries =
            [("likely", LIKELY_COLOUR), ("watch", WATCH_COLOUR), ("clear", CLEAR_COLOUR), ("not measured", NA_COLOUR)];
        let mut x = 16;
        for (label, colour) in entries {
            legend(&area, (x, ly), &[LegendEntry { label: label.to_string(), colour, kind: LegendKind::Swatch }])?;
            let (w, _) = area.estimate_text_size(label, &font(15.0))?;
            x += 34 + w as i32 + 30;
        }
        Ok(())
    }
}
