//! Heights of bar, hip and shoulder over time: the whole set on top, and below it one panel
//! per rep aligned at lift-off showing how far each point has risen from its setup height,
//! so hips that rise before the bar stand out at a glance.

use super::*;
use crate::report::series::Series;

pub struct TimelineFigure<'a> {
    pub a: &'a Analysis,
    pub s: Series,
    pub title: String,
}

const WIDTH: u32 = 1280;
const TOP_H: u32 = 400;
const PANEL_H: u32 = 300;
const PANELS_PER_ROW: usize = 4;
const LEGEND_H: u32 = 36;

impl<'a> TimelineFigure<'a> {
    pub fn new(a: &'a Analysis, title: &str) -> Self {
        TimelineFigure { a, s: Series::new(a), title: title.to_string() }
    }

    fn panel_rows(&self) -> u32 {
        self.a.reps.len().div_ceil(PANELS_PER_ROW) as u32
    }

    /// Panels per row: as many as there are reps, up to `PANELS_PER_ROW`.
    fn panel_cols(&self) -> usize {
        self.a.reps.len().clamp(1, PANELS_PER_ROW)
    }
}

/// A line of a per-rep panel: name, points (s from lift-off, cm of rise), colour, width.
type Rise = (&'static str, Vec<(f64, f64)>, RGBColor, u32);

/// Value at the setup of a rep: the last value at or before the setup frame (within 0.5 s).
fn at_setup(v: &[Option<f64>], r: &Rep, fps: f64) -> Option<f64> {
    let setup = r.setup_frame_or_before_liftoff();
    let reach = (0.5 * fps) as usize;
    (setup.saturating_sub(reach)..=setup.min(v.len().checked_sub(1)?)).rev().find_map(|i| v[i])
}

impl Figure for TimelineFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (WIDTH, 74 + LEGEND_H + TOP_H + self.panel_rows() * PANEL_H + 10)
    }

    fn what(&self) -> &'static str {
        "the height timeline"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let subtitle = if self.s.has_body {
            "Bar, hip and shoulder height above the floor. Below: each pull from lift-off, rise from its setup height."
        } else {
            "Bar height above the floor. Below: each pull from lift-off, rise from its setup height."
        };
        let body = header(root, &self.title, subtitle)?;
        let (legend_row, rest) = body.split_vertically(LEGEND_H);
        let (top, panels) = rest.split_vertically(TOP_H);
        self.draw_legend(&legend_row)?;
        self.draw_top(&top, root)?;
        if !self.a.reps.is_empty() {
            let rows = self.panel_rows() as usize;
            let areas = panels.split_evenly((rows, self.panel_cols()));
            for (k, area) in areas.iter().enumerate() {
                if let Some(r) = self.a.reps.get(k) {
                    self.draw_panel(area, r)?;
                }
            }
        }
        Ok(())
    }
}

impl TimelineFigure<'_> {
    fn lines(&self) -> Vec<(&'static str, &[Option<f64>], RGBColor, u32)> {
        let mut v: Vec<(&'static str, &[Option<f64>], RGBColor, u32)> = Vec::new();
        if self.s.has_body {
            v.push(("shoulder", &self.s.shoulder_height_cm, SHOULDER_COLOUR, 2));
            v.push(("hip", &self.s.hip_height_cm, HIP_COLOUR, 3));
        }
        v.push(("bar", &self.s.bar_height_cm, BAR_COLOUR, 3));
        v
    }

    fn draw_legend<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let mut x = 90;
        let mut item = |label: &str, kind: LegendKind, colour: RGBColor| -> DrawResult<DB> {
            let e = LegendEntry { label: label.to_string(), colour, kind };
            legend(area, (x, 4), std::slice::from_ref(&e))?;
            let (w, _) = area.estimate_text_size(label, &font(15.0))?;
            x += 34 + w as i32 + 28;
            Ok(())
        };
        item("bar", LegendKind::Line(3), BAR_COLOUR)?;
        if self.s.has_body {
            item("hip", LegendKind::Line(3), HIP_COLOUR)?;
            item("shoulder", LegendKind::Line(2), SHOULDER_COLOUR)?;
        }
        item("lift-off", LegendKind::Dashed(2), LIKELY_COLOUR)?;
        item("pull (lift-off to lockout)", LegendKind::Swatch, RGBColor(236, 239, 243))?;
        Ok(())
    }

    fn draw_top<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        root: &DrawingArea<DB, Shift>,
    ) -> DrawResult<DB> {
        let s = &self.s;
        let t_hi = s.t_s.last().copied().unwrap_or(1.0).max(0.5);
        let y_hi =
            self.lines().iter().flat_map(|(_, v, _, _)| v.iter().flatten()).fold(50.0f64, |m, &v| m.max(v)) * 1.08;
        let mut chart = ChartBuilder::on(area)
            .margin_left(10)
            .margin_right(24)
            .margin_top(6)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..t_hi, 0.0..y_hi)?;
        draw_mesh(&mut chart, "time (s)", "height above floor (cm)")?;
        for r in &self.a.reps {
            chart.draw_series([Rectangle::new(
                [(r.liftoff_s, 0.0), (r.lockout_s, y_hi)],
                RGBColor(236, 239, 243).filled(),
            )])?;
        }
        for (_, v, colour, w) in self.lines() {
            for run in runs(&s.t_s, v) {
                chart.draw_series(LineSeries::new(run, ShapeStyle::from(&colour).stroke_width(w)))?;
            }
        }
        for r in &self.a.reps {
            chart.draw_series(DashedLineSeries::new(
                [(r.liftoff_s, 0.0), (r.liftoff_s, y_hi)],
                6,
                4,
                ShapeStyle::from(&LIKELY_COLOUR).stroke_width(2),
            ))?;
            chart.draw_series([Text::new(
                format!("rep {}", r.index),
                (0.5 * (r.liftoff_s + r.lockout_s), y_hi * 0.985),
                font(14.0).color(&MUTED).pos(Pos::new(HPos::Center, VPos::Top)),
            )])?;
        }
        if !s.has_body {
            let (x0, y0) = chart.backend_coord(&(0.0, y_hi));
            note_box(root, (x0 + 14, y0 + 30), "Body points not tracked: hip and shoulder heights are not available.")?;
        }
        Ok(())
    }

    fn draw_panel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, r: &Rep) -> DrawResult<DB> {
        let s = &self.s;
        let fps = s.fps;
        let before = 0.6;
        let after = self
            .a
            .reps
            .iter()
            .map(|r| match r.knee_pass_s {
                Some(k) => (k - r.liftoff_s) + 0.25,
                None => 0.7,
            })
            .fold(0.5f64, f64::max)
            .min(1.5);
        let i0 = r.liftoff_frame.saturating_sub((before * fps).ceil() as usize);
        let i1 = (r.liftoff_frame + (after * fps).ceil() as usize).min(s.len().saturating_sub(1));
        let mut rises: Vec<Rise> = Vec::new();
        // The bar first and wide, so the shoulder (which rises with it) shows on top.
        let mut lines = self.lines();
        lines.reverse();
        for (name, v, colour, w) in lines {
            let w = if name == "bar" { 5 } else { w };
            let Some(base) = at_setup(v, r, fps) else { continue };
            let pts: Vec<(f64, f64)> = (i0..=i1)
                .filter_map(|i| v.get(i).copied().flatten().map(|y| (s.t_s[i] - r.liftoff_s, y - base)))
                .collect();
            rises.push((name, pts, colour, w));
        }
        let y_hi = rises.iter().flat_map(|(_, p, _, _)| p.iter().map(|q| q.1)).fold(10.0f64, f64::max) * 1.1;
        let y_lo = rises.iter().flat_map(|(_, p, _, _)| p.iter().map(|q| q.1)).fold(-3.0f64, f64::min) - 1.0;
        let (w, _) = area.dim_in_pixel();
        let faulted = r.faults.iter().any(|f| f.id == "hips_rise_early");
        let caption = match (r.hip_rise_before_bar_cm, r.hip_rise_before_bar_ms) {
            (Some(cm), Some(ms)) if ms >= 1.0 => {
                format!("Rep {}: hips +{cm:.1} cm, {ms:.0} ms before the bar", r.index)
            }
            (Some(cm), Some(_)) => format!("Rep {}: hips +{cm:.1} cm before the bar", r.index),
            (Some(cm), None) => format!("Rep {}: hips +{cm:.1} cm before the bar", r.index),
            _ => format!("Rep {}", r.index),
        };
        let (cap, plot) = area.split_vertically(30);
        cap.draw(&Text::new(
            caption,
            (w as i32 / 2, 16),
            font(16.0).color(if faulted { &LIKELY_COLOUR } else { &INK }).pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(6)
            .margin_right(16)
            .margin_bottom(6)
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d(-before..after, y_lo..y_hi)?;
        chart
            .configure_mesh()
            .x_desc("s from lift-off")
            .y_desc("rise (cm)")
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(13.0).color(&INK))
            .axis_desc_style(font(14.0).color(&INK))
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .draw()?;
        if faulted {
            if let Some(ms) = r.hip_rise_before_bar_ms {
                chart.draw_series([Rectangle::new(
                    [(-(ms / 1000.0).min(before), y_lo), (0.0, y_hi)],
                    LIKELY_COLOUR.mix(0.12).filled(),
                )])?;
            }
        }
        chart.draw_series(LineSeries::new(
            [(-before, 0.0), (after, 0.0)],
            ShapeStyle::from(&RGBColor(190, 190, 190)).stroke_width(1),
        ))?;
        chart.draw_series(DashedLineSeries::new(
            [(0.0, y_lo), (0.0, y_hi)],
            6,
            4,
            ShapeStyle::from(&LIKELY_COLOUR).stroke_width(2),
        ))?;
        if let Some(k) = r.knee_pass_s {
            let x = k - r.liftoff_s;
            if x < after {
                chart.draw_series(DashedLineSeries::new(
                    [(x, y_lo), (x, y_hi)],
                    3,
                    4,
                    ShapeStyle::from(&MUTED).stroke_width(1),
                ))?;
                chart.draw_series([Text::new(
                    "knee".to_string(),
                    (x, y_hi),
                    font(13.0).color(&MUTED).pos(Pos::new(HPos::Left, VPos::Top)),
                )])?;
            }
        }
        for (_, pts, colour, w) in rises {
            chart.draw_series(LineSeries::new(pts, ShapeStyle::from(&colour).stroke_width(w)))?;
        }
        Ok(())
    }
}

/// Splits a series into runs of consecutive present samples, as (t, value) points.
pub(crate) fn runs(t: &[f64], v: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (i, x) in v.iter().enumerate() {
        match x {
            Some(y) => cur.push((t[i], *y)),
            None if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}
