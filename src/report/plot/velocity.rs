//! Bar velocity per rep: mean and peak concentric velocity with the loss from the best rep
//! (a 20-30% drop marks fatigue), and the velocity curve of every pull.

use super::*;
use crate::report::series::Series;

pub struct VelocityFigure<'a> {
    pub a: &'a Analysis,
    pub s: Series,
    pub title: String,
}

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 560;
/// Velocity loss from the best rep at which fatigue is marked (faults.md: 20-30%).
pub const FATIGUE_LOSS_PCT: f64 = 20.0;

impl<'a> VelocityFigure<'a> {
    pub fn new(a: &'a Analysis, title: &str) -> Self {
        VelocityFigure { a, s: Series::new(a), title: title.to_string() }
    }
}

impl Figure for VelocityFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (WIDTH, HEIGHT)
    }

    fn what(&self) -> &'static str {
        "the velocity plot"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let reps = &self.a.reps;
        let worst = reps.iter().max_by(|a, b| a.velocity_loss_pct.total_cmp(&b.velocity_loss_pct));
        let subtitle = match worst {
            Some(r) if reps.len() > 1 => format!(
                "Velocity loss from the fastest rep: up to {:.0}% (rep {}); a loss of {FATIGUE_LOSS_PCT:.0}% or more marks fatigue.",
                r.velocity_loss_pct, r.index
            ),
            Some(_) => "One rep: no velocity loss to measure.".to_string(),
            None => "No complete rep.".to_string(),
        };
        let body = header(root, &self.title, &subtitle)?;
        let (w, _) = body.dim_in_pixel();
        let (left, right) = body.split_horizontally(w * 46 / 100);
        self.draw_bars(&left)?;
        self.draw_curves(&right)?;
        Ok(())
    }
}

impl VelocityFigure<'_> {
    fn draw_bars<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let reps = &self.a.reps;
        let n = reps.len().max(1) as f64;
        let v_hi = reps.iter().map(|r| r.peak_velocity_m_s.max(r.mean_velocity_m_s)).fold(0.5f64, f64::max) * 1.3;
        let mut chart = ChartBuilder::on(area)
            .margin_left(10)
            .margin_right(20)
            .margin_top(8)
            .x_label_area_size(44)
            .y_label_area_size(70)
            .build_cartesian_2d(0.4..n + 0.6, 0.0..v_hi)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(reps.len().max(1))
            .x_label_formatter(&|v| {
                let k = v.round();
                if (v - k).abs() < 0.01 && k >= 1.0 {
                    format!("rep {k:.0}")
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|v| format!("{v:.2}"))
            .y_desc("concentric velocity (m/s)")
            .label_style(font(15.0).color(&INK))
            .axis_desc_style(font(16.0).color(&INK))
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .draw()?;
        let best = reps.iter().map(|r| r.mean_velocity_m_s).fold(0.0f64, f64::max);
        if best > 0.0 && reps.len() > 1 {
            let y = best * (1.0 - FATIGUE_LOSS_PCT / 100.0);
            chart.draw_series(DashedLineSeries::new(
                [(0.4, y), (n + 0.6, y)],
                8,
                6,
                ShapeStyle::from(&LIKELY_COLOUR).stroke_width(2),
            ))?;
        }
        for (k, r) in reps.iter().enumerate() {
            let x = (k + 1) as f64;
            let colour = rep_colour(k);
            chart.draw_series([Rectangle::new([(x - 0.32, 0.0), (x + 0.32, r.mean_velocity_m_s)], colour.filled())])?;
            chart.draw_series([
                PathElement::new(
                    [(x - 0.32, r.peak_velocity_m_s), (x + 0.32, r.peak_velocity_m_s)],
                    ShapeStyle::from(&INK).stroke_width(3),
                ),
                PathElement::new(
                    [(x, r.mean_velocity_m_s), (x, r.peak_velocity_m_s)],
                    ShapeStyle::from(&INK).stroke_width(1),
                ),
            ])?;
            chart.draw_series([Text::new(
                format!("{:.2}", r.mean_velocity_m_s),
                (x, r.mean_velocity_m_s * 0.5),
                font(15.0).color(&WHITE).pos(Pos::new(HPos::Center, VPos::Center)),
            )])?;
            let loss = if reps.len() > 1 {
                if r.velocity_loss_pct < 0.5 {
                    "best".to_string()
                } else {
                    format!("-{:.0}%", r.velocity_loss_pct)
                }
            } else {
                String::new()
            };
            let colour_text = if r.velocity_loss_pct >= FATIGUE_LOSS_PCT { LIKELY_COLOUR } else { INK };
            chart.draw_series([Text::new(
                loss,
                (x, r.peak_velocity_m_s + v_hi * 0.02),
                font(16.0).color(&colour_text).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )])?;
        }
        let mut x = 90;
        let mut entries = vec![
            LegendEntry { label: "mean".into(), colour: MUTED, kind: LegendKind::Swatch },
            LegendEntry { label: "peak".into(), colour: INK, kind: LegendKind::Line(3) },
        ];
        if best > 0.0 && reps.len() > 1 {
            entries.push(LegendEntry {
                label: format!("{FATIGUE_LOSS_PCT:.0}% below the best mean"),
                colour: LIKELY_COLOUR,
                kind: LegendKind::Dashed(2),
            });
        }
        for e in &entries {
            legend(area, (x, 8), std::slice::from_ref(e))?;
            let (w, _) = area.estimate_text_size(&e.label, &font(15.0))?;
            x += 34 + w as i32 + 24;
        }
        Ok(())
    }

    fn draw_curves<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let s = &self.s;
        let reps = &self.a.reps;
        let mut curves = Vec::new();
        for r in reps {
            let i0 = r.liftoff_frame.saturating_sub(2);
            let i1 = (r.lockout_frame + 2).min(s.len().saturating_sub(1));
            let pts: Vec<(f64, f64)> = (i0..=i1)
                .filter_map(|i| s.bar_velocity_m_s.get(i).copied().flatten().map(|v| (s.t_s[i] - r.liftoff_s, v)))
                .collect();
            curves.push(pts);
        }
        let t_hi = curves.iter().flat_map(|c| c.last().map(|p| p.0)).fold(0.8f64, f64::max) + 0.05;
        let v_hi = curves.iter().flatten().map(|p| p.1).fold(0.5f64, f64::max) * 1.15;
        let mut chart = ChartBuilder::on(area)
            .margin_left(10)
            .margin_right(24)
            .margin_top(8)
            .x_label_area_size(44)
            .y_label_area_size(62)
            .build_cartesian_2d(-0.1..t_hi, -0.1..v_hi)?;
        chart
            .configure_mesh()
            .x_desc("s from lift-off")
            .y_desc("bar velocity, up (m/s)")
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&|v| format!("{v:.1}"))
            .label_style(font(15.0).color(&INK))
            .axis_desc_style(font(16.0).color(&INK))
            .bold_line_style(GRID)
            .light_line_style(WHITE)
            .draw()?;
        chart.draw_series(LineSeries::new(
            [(-0.1, 0.0), (t_hi, 0.0)],
            ShapeStyle::from(&RGBColor(190, 190, 190)).stroke_width(1),
        ))?;
        for (k, c) in curves.into_iter().enumerate() {
            chart.draw_series(LineSeries::new(c, ShapeStyle::from(&rep_colour(k)).stroke_width(3)))?;
        }
        let entries: Vec<LegendEntry> = reps
            .iter()
            .enumerate()
            .map(|(k, r)| LegendEntry {
                label: format!("rep {}", r.index),
                colour: rep_colour(k),
                kind: LegendKind::Line(3),
            })
            .collect();
        let (w, _) = area.dim_in_pixel();
        let per_col = 4;
        for (col, chunk) in entries.chunks(per_col).enumerate() {
            legend(area, (w as i32 - 120 - 100 * col as i32, 10), chunk)?;
        }
        Ok(())
    }
}
