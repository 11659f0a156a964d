//! Plots drawn with plotters and a font compiled into the binary, so a plot looks the same
//! on every machine whatever fonts it has installed.

use crate::error::{Error, Result};
use crate::schema::*;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

const FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
pub const FONT_FAMILY: &str = "formcheck-sans";

/// Distinct, colour-blind-friendly colours for reps (Okabe–Ito).
pub const REP_COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

pub fn rep_colour(index: usize) -> RGBColor {
    REP_COLOURS[index % REP_COLOURS.len()]
}

pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT).is_err() {
            unreachable!("the bundled font is valid");
        }
    });
}

fn plot_error(what: &str) -> impl Fn(Box<dyn std::error::Error>) -> Error + '_ {
    move |e| Error::Plot {
        what: what.to_string(),
        why: e.to_string(),
    }
}

/// The bar path of each rep in centimetres, as a lifter would see it from the camera.
#[derive(Debug, Clone, PartialEq)]
pub struct BarPath {
    /// Per rep: (x forward of the reference line, height above the floor) in cm.
    pub reps: Vec<Vec<(f64, f64)>>,
    /// Per rep: index into its points of lift-off, knee pass (when known) and lockout.
    pub marks: Vec<RepMarks>,
    /// What x = 0 is.
    pub reference: String,
    /// What +x means.
    pub forward_label: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepMarks {
    pub liftoff: usize,
    pub knee_pass: Option<usize>,
    pub lockout: usize,
}

/// Bar path in cm from a result: x relative to mid-foot when known (else the bar at the first
/// setup), positive in the lifter's forward direction when the facing is known; height
/// above the floor assuming the plate rests on it at setup.
pub fn bar_path(a: &Analysis) -> Option<BarPath> {
    let first = a.reps.first()?;
    let cm = a.calibration.cm_per_px;
    let bar_at = |i: usize| a.frames.get(i).and_then(|f| f.bar);
    let setup = (0..=first.liftoff_frame).rev().find_map(bar_at)?;
    let (x0, reference) = match a.midfoot_x_px {
        Some(m) => (m, "mid-foot".to_string()),
        None => (setup.x_px, "bar at first setup".to_string()),
    };
    let (sign, forward_label) = match a.facing {
        Some(f) => (f.sign(), "forward".to_string()),
        None => (1.0, "image right".to_string()),
    };
    let floor_y = setup.y_px;
    let radius_cm = a.calibration.plate_diameter_cm / 2.0;
    let mut reps = Vec::new();
    let mut marks = Vec::new();
    for r in &a.reps {
        let start = ((r.start_s * a.video.fps).round() as usize)
            .max(r.liftoff_frame.saturating_sub((0.3 * a.video.fps) as usize));
        let end = (r.end_s * a.video.fps).round() as usize;
        let mut pts = Vec::new();
        let mut m = RepMarks {
            liftoff: 0,
            knee_pass: None,
            lockout: 0,
        };
        for i in start..=end.min(a.frames.len().saturating_sub(1)) {
            let Some(b) = bar_at(i) else { continue };
            if i <= r.liftoff_frame {
                m.liftoff = pts.len();
            }
            if i <= r.lockout_frame {
                m.lockout = pts.len();
            }
            if r.knee_pass_frame.is_some_and(|k| i <= k) {
                m.knee_pass = Some(pts.len());
            }
            pts.push((
                (b.x_px - x0) * cm * sign,
                radius_cm + (floor_y - b.y_px) * cm,
            ));
        }
        reps.push(pts);
        marks.push(m);
    }
    Some(BarPath {
        reps,
        marks,
        reference,
        forward_label,
    })
}

/// Draws the bar path to a PNG or SVG (by extension), with equal cm scales on both axes.
pub fn draw_bar_path(path_cm: &BarPath, title: &str, out: &Path) -> Result<()> {
    register_font();
    let all: Vec<(f64, f64)> = path_cm.reps.iter().flatten().copied().collect();
    let (mut x_lo, mut x_hi) = all
        .iter()
        .fold((-10.0f64, 10.0f64), |(l, h), p| (l.min(p.0), h.max(p.0)));
    let y_hi = all.iter().fold(60.0f64, |h, p| h.max(p.1)) + 8.0;
    let span = (x_hi - x_lo).max(40.0);
    let mid = 0.5 * (x_lo + x_hi);
    x_lo = mid - span / 2.0 - 3.0;
    x_hi = mid + span / 2.0 + 3.0;
    let plot_h = 760.0;
    let px_per_cm = plot_h / y_hi;
    let width = ((x_hi - x_lo) * px_per_cm + 110.0).round() as u32;
    let size = (width.max(420), (plot_h + 110.0) as u32);
    let is_svg = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if is_svg {
        let root = SVGBackend::new(out, size).into_drawing_area();
        draw_bar_path_on(&root, path_cm, title, (x_lo, x_hi), y_hi)?;
        root.present()
            .map_err(|e| plot_error("the bar path")(Box::new(e)))?;
    } else {
        let root = BitMapBackend::new(out, size).into_drawing_area();
        draw_bar_path_on(&root, path_cm, title, (x_lo, x_hi), y_hi)?;
        root.present()
            .map_err(|e| plot_error("the bar path")(Box::new(e)))?;
    }
    Ok(())
}

fn draw_bar_path_on<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    path_cm: &BarPath,
    title: &str,
    (x_lo, x_hi): (f64, f64),
    y_hi: f64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| Error::Plot {
        what: "the bar path".into(),
        why: e.to_string(),
    };
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT_FAMILY, 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(x_lo..x_hi, 0.0..y_hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!(
            "cm from {} (+ = {})",
            path_cm.reference, path_cm.forward_label
        ))
        .y_desc("height above floor, cm")
        .label_style((FONT_FAMILY, 13))
        .axis_desc_style((FONT_FAMILY, 14))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            [(0.0, 0.0), (0.0, y_hi)],
            ShapeStyle::from(&RGBColor(120, 120, 120)).stroke_width(2),
        ))
        .map_err(err)?
        .label(path_cm.reference.clone())
        .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], RGBColor(120, 120, 120)));
    for (k, (pts, m)) in path_cm.reps.iter().zip(&path_cm.marks).enumerate() {
        let colour = rep_colour(k);
        chart
            .draw_series(LineSeries::new(
                pts.iter().copied(),
                ShapeStyle::from(&colour).stroke_width(3),
            ))
            .map_err(err)?
            .label(format!("rep {}", k + 1))
            .legend(move |(x, y)| {
                PathElement::new(
                    [(x, y), (x + 18, y)],
                    ShapeStyle::from(&colour).stroke_width(3),
                )
            });
        let marks = [Some(m.liftoff), m.knee_pass, Some(m.lockout)];
        for i in marks.into_iter().flatten() {
            if let Some(&p) = pts.get(i) {
                chart
                    .draw_series([Circle::new(p, 5, ShapeStyle::from(&colour).filled())])
                    .map_err(err)?;
            }
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font((FONT_FAMILY, 13))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)?;
    Ok(())
}
