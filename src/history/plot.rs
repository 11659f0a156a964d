//! The trend plot of a comparison: one small chart per measured metric (sessions over time,
//! the baseline as a grey line, the regression zone past the margin shaded red, regressions
//! as red dots) and one chart of how often each fault was labelled.

use super::compare::{Comparison, MetricRow, Verdict};
use super::metrics::Worse;
use crate::error::{Error, Result};
use crate::report::plot::{register_font, rep_colour, FONT_FAMILY};
use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

const PANEL_W: u32 = 560;
const PANEL_H: u32 = 300;
const TITLE_H: u32 = 56;
const BASELINE: RGBColor = RGBColor(120, 120, 120);
const REGRESSION: RGBColor = RGBColor(213, 0, 0);
const VALUE: RGBColor = RGBColor(0, 114, 178);

/// Draws the trend plot to a PNG or SVG file (by extension).
pub fn draw_trend(c: &Comparison, out: &Path) -> Result<()> {
    register_font();
    let rows: Vec<&MetricRow> = c.metrics.iter().filter(|m| m.values.iter().any(|v| v.value.is_some())).collect();
    let panels = rows.len() + usize::from(!c.faults.is_empty());
    let cols = if panels > 1 { 2 } else { 1 };
    let grid_rows = panels.div_ceil(cols).max(1);
    let size = (PANEL_W * cols as u32, TITLE_H + PANEL_H * grid_rows as u32);
    let is_svg = out.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if is_svg {
        let root = SVGBackend::new(out, size).into_drawing_area();
        draw_on(&root, c, &rows, (grid_rows, cols))?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    } else {
        let root = BitMapBackend::new(out, size).into_drawing_area();
        draw_on(&root, c, &rows, (grid_rows, cols))?;
        root.present().map_err(|e| plot_error(e.to_string()))?;
    }
    Ok(())
}

/// Enough x labels that plotters puts one on every session (integer positions).
fn n_labels((lo, hi): (f64, f64)) -> usize {
    (hi - lo).round() as usize + 1
}

fn plot_error(why: String) -> Error {
    Error::Plot { what: "the trend plot".into(), why }
}

fn draw_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &Comparison,
    rows: &[&MetricRow],
    grid: (usize, usize),
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| plot_error(e.to_string());
    root.fill(&WHITE).map_err(err)?;
    let (title, body) = root.split_vertically(TITLE_H);
    let regressions = c.regressions.len();
    title
        .draw_text(
            &format!("{}: technique over time, baseline {} ({})", c.lifter, c.baseline.date, c.baseline.rule),
            &(FONT_FAMILY, 20).into_font().color(&BLACK),
            (14, 8),
        )
        .map_err(err)?;
    title
        .draw_text(
            &if regressions == 0 {
                "No regression past the margins. Shaded: past the margin toward a fault.".to_string()
            } else {
                format!(
                    "{regressions} regression{} (red dots). Shaded: past the margin toward a fault.",
                    if regressions == 1 { "" } else { "s" }
                )
            },
            &(FONT_FAMILY, 14).into_font().color(&RGBColor(60, 60, 60)),
            (14, 34),
        )
        .map_err(err)?;

    let areas = body.split_evenly(grid);
    // Sessions are evenly spaced (one a month is the plan) and labelled with their dates.
    let dates: Vec<NaiveDate> = c.sessions.iter().map(|s| s.date).collect();
    let n = dates.len().max(1);
    let xs: Vec<f64> = (0..dates.len()).map(|i| i as f64).collect();
    let x_range = (-0.5, n as f64 - 0.5);
    let step = n.div_ceil(5).max(1);
    let date_label = move |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 1e-6 || i < 0.0 {
            return String::new();
        }
        let i = i as usize;
        match dates.get(i) {
            Some(d) if i % step == 0 || i + 1 == dates.len() => d.format("%Y-%m-%d").to_string(),
            _ => String::new(),
        }
    };

    let mut k = 0;
    for row in rows {
        metric_panel(&areas[k], row, &xs, x_range, &date_label)?;
        k += 1;
    }
    if !c.faults.is_empty() {
        fault_panel(&areas[k], c, &xs, x_range, &date_label)?;
        k += 1;
    }
    if k == 0 {
        areas[0]
            .draw_text(
                "No metric measured in these sessions yet.",
                &(FONT_FAMILY, 16).into_font().color(&BLACK),
                (20, 20),
            )
            .map_err(err)?;
    }
    Ok(())
}

fn metric_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    row: &MetricRow,
    xs: &[f64],
    (x_lo, x_hi): (f64, f64),
    date_label: &dyn Fn(&f64) -> String,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| plot_error(e.to_string());
    let d = &row.def;
    let mut ys: Vec<f64> = row.values.iter().filter_map(|v| v.value).collect();
    if let Some(b) = row.baseline {
        ys.push(b);
        match d.worse {
            Worse::Higher => ys.push(b + d.margin),
            Worse::Lower => ys.push(b - d.margin),
            Worse::AwayFrom(c) => {
                let r = (b - c).abs() + d.margin;
                ys.push(c + r);
                ys.push(c - r);
            }
        }
    }
    let lo = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = ((hi - lo) * 0.15).max(d.margin * 0.5);
    let (y_lo, y_hi) = (lo - pad, hi + pad);
    let unit = if d.unit.is_empty() { String::new() } else { format!(" ({})", d.unit) };
    let mut chart = ChartBuilder::on(area)
        .caption(format!("{}{unit}", d.label), (FONT_FAMILY, 16))
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(52)
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels(n_labels((x_lo, x_hi)))
        .y_labels(5)
        .x_label_formatter(date_label)
        .label_style((FONT_FAMILY, 12))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()
        .map_err(err)?;
    if let Some(b) = row.baseline {
        let zones: Vec<(f64, f64)> = match d.worse {
            Worse::Higher => vec![(b + d.margin, y_hi)],
            Worse::Lower => vec![(y_lo, b - d.margin)],
            Worse::AwayFrom(c) => {
                let r = (b - c).abs() + d.margin;
                vec![(c + r, y_hi), (y_lo, c - r)]
            }
        };
        for (z0, z1) in zones {
            if z1 > z0 {
                chart
                    .draw_series([Rectangle::new(
                        [(x_lo, z0), (x_hi, z1)],
                        ShapeStyle::from(&REGRESSION.mix(0.10)).filled(),
                    )])
                    .map_err(err)?;
            }
        }
        chart
            .draw_series(LineSeries::new([(x_lo, b), (x_hi, b)], ShapeStyle::from(&BASELINE).stroke_width(1)))
            .map_err(err)?;
    }
    // Lines between consecutive measured sessions; a gap where one is unmeasured.
    let mut segment: Vec<(f64, f64)> = Vec::new();
    let mut segments = Vec::new();
    for (x, v) in xs.iter().zip(&row.values) {
        match v.value {
            Some(y) => segment.push((*x, y)),
            None => segments.push(std::mem::take(&mut segment)),
        }
    }
    segments.push(segment);
    for seg in segments.into_iter().filter(|s| s.len() > 1) {
        chart.draw_series(LineSeries::new(seg, ShapeStyle::from(&VALUE).stroke_width(2))).map_err(err)?;
    }
    for (x, v) in xs.iter().zip(&row.values) {
        let Some(y) = v.value else { continue };
        let (colour, r) = match v.verdict {
            Verdict::Regression => (REGRESSION, 6),
            Verdict::Baseline => (BLACK, 5),
            _ => (VALUE, 4),
        };
        chart.draw_series([Circle::new((*x, y), r, ShapeStyle::from(&colour).filled())]).map_err(err)?;
    }
    Ok(())
}

fn fault_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &Comparison,
    xs: &[f64],
    (x_lo, x_hi): (f64, f64),
    date_label: &dyn Fn(&f64) -> String,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| plot_error(e.to_string());
    let mut chart = ChartBuilder::on(area)
        .caption("Reps with a fault label (share of the set)", (FONT_FAMILY, 16))
        .margin(10)
        .x_label_area_size(28)
        .y_label_area_size(52)
        .build_cartesian_2d(x_lo..x_hi, -0.05f64..1.05f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels(n_labels((x_lo, x_hi)))
        .y_labels(6)
        .x_label_formatter(date_label)
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .label_style((FONT_FAMILY, 12))
        .light_line_style(RGBColor(238, 238, 238))
        .draw()
        .map_err(err)?;
    for (k, f) in c.faults.iter().enumerate() {
        let colour = rep_colour(k);
        let pts: Vec<(f64, f64)> =
            xs.iter().zip(&f.per_session).filter_map(|(x, n)| n.share().map(|s| (*x, s))).collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), ShapeStyle::from(&colour).stroke_width(2)))
            .map_err(err)?
            .label(f.label.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], ShapeStyle::from(&colour).stroke_width(2)));
        chart
            .draw_series(pts.into_iter().map(|p| Circle::new(p, 4, ShapeStyle::from(&colour).filled())))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT_FAMILY, 12))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(err)?;
    Ok(())
}
