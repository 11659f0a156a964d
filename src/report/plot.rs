//! Plots drawn with plotters and a font compiled into the binary, so a plot looks the same
//! on every machine whatever fonts it has installed.
//!
//! Every picture is a [`Figure`]: it knows its pixel size and draws itself on any plotters
//! backend, so the same code writes PNG files, SVG files and the PNG bytes the HTML report
//! embeds. The figures: the bar path ([`BarPathFigure`], here), the height timeline
//! ([`timeline`]), bar velocity per rep ([`velocity`]) and the per-rep fault strip
//! ([`faults`]).

pub mod faults;
pub mod timeline;
pub mod velocity;

use super::series::{rep_frames, Reference, Series};
use crate::error::{Error, Result};
use crate::schema::*;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::sync::Once;

const FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
pub const FONT_FAMILY: &str = "formcheck-sans";

/// Distinct, colour-blind-friendly colours for reps (Okabe–Ito; its yellow is replaced by a
/// purple that stays readable on white).
pub const REP_COLOURS: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(117, 112, 179),
    RGBColor(0, 0, 0),
];

/// Colour of rep `index` counted from 0.
pub fn rep_colour(index: usize) -> RGBColor {
    REP_COLOURS[index % REP_COLOURS.len()]
}

/// The mid-foot (reference) line, in every plot and in the video.
pub const MIDFOOT_COLOUR: RGBColor = RGBColor(60, 60, 60);
pub const INK: RGBColor = RGBColor(33, 37, 41);
pub const MUTED: RGBColor = RGBColor(108, 117, 125);
pub const GRID: RGBColor = RGBColor(232, 234, 237);
pub const BAR_COLOUR: RGBColor = RGBColor(33, 37, 41);
pub const HIP_COLOUR: RGBColor = RGBColor(213, 94, 0);
pub const SHOULDER_COLOUR: RGBColor = RGBColor(0, 114, 178);
pub const LIKELY_COLOUR: RGBColor = RGBColor(200, 55, 45);
pub const WATCH_COLOUR: RGBColor = RGBColor(235, 170, 30);
pub const CLEAR_COLOUR: RGBColor = RGBColor(200, 230, 201);
pub const NA_COLOUR: RGBColor = RGBColor(238, 238, 238);

pub fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT).is_err() {
            unreachable!("the bundled font is valid");
        }
    });
}

/// The bundled font at a pixel size.
pub fn font(size: f64) -> TextStyle<'static> {
    register_font();
    TextStyle::from((FONT_FAMILY, size).into_font())
}

/// Drawing result inside a figure: any backend error.
pub type DrawResult<DB> = std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A picture that can be drawn on any plotters backend.
pub trait Figure {
    /// Width and height in pixels.
    fn size(&self) -> (u32, u32);
    /// What it shows, for error messages ("the bar path").
    fn what(&self) -> &'static str;
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

fn plot_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Plot { what: what.to_string(), why: e.to_string() }
}

/// Writes a figure as PNG or SVG, chosen by the file's extension.
pub fn write_figure<F: Figure>(fig: &F, out: &Path) -> Result<()> {
    let bytes = if is_svg(out) { svg_string(fig)?.into_bytes() } else { png_bytes(fig)? };
    super::write_atomically(out, &bytes)
}

pub fn is_svg(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("svg"))
}

/// The figure as an SVG document.
pub fn svg_string<F: Figure>(fig: &F) -> Result<String> {
    register_font();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, fig.size()).into_drawing_area();
        fig.draw(&root).map_err(|e| plot_error(fig.what(), e))?;
        root.present().map_err(|e| plot_error(fig.what(), e))?;
    }
    Ok(s)
}

/// The figure as PNG bytes (8-bit RGB).
pub fn png_bytes<F: Figure>(fig: &F) -> Result<Vec<u8>> {
    register_font();
    let (w, h) = fig.size();
    let mut buf = vec![255u8; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        fig.draw(&root).map_err(|e| plot_error(fig.what(), e))?;
        root.present().map_err(|e| plot_error(fig.what(), e))?;
    }
    let img = image::RgbImage::from_raw(w, h, buf).expect("buffer matches the size");
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).map_err(|e| plot_error(fig.what(), e))?;
    Ok(out.into_inner())
}

/// Title and subtitle at the top of a figure; returns the area below them.
/// The mesh of the cm plots: whole-number ticks, the report's fonts and its light grid.
pub(crate) fn draw_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x_desc: &str,
    y_desc: &str,
) -> std::result::Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .label_style(font(15.0).color(&INK))
        .axis_desc_style(font(16.0).color(&INK))
        .bold_line_style(GRID)
        .light_line_style(RGBColor(246, 247, 248))
        .draw()
}

pub(crate) fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> std::result::Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    let h = if subtitle.is_empty() { 46 } else { 74 };
    let (top, rest) = root.split_vertically(h);
    top.draw(&Text::new(title.to_string(), (18, 12), font(26.0).color(&INK)))?;
    if !subtitle.is_empty() {
        top.draw(&Text::new(subtitle.to_string(), (18, 46), font(17.0).color(&MUTED)))?;
    }
    Ok(rest)
}

/// A note drawn in a pale box (e.g. "body points not tracked").
pub(crate) fn note_box<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    text: &str,
) -> DrawResult<DB> {
    let style = font(15.0).color(&RGBColor(120, 70, 0));
    let (w, h) = area.estimate_text_size(text, &style)?;
    area.draw(&Rectangle::new(
        [(x - 8, y - 6), (x + w as i32 + 8, y + h as i32 + 6)],
        RGBColor(255, 243, 205).filled(),
    ))?;
    area.draw(&Rectangle::new([(x - 8, y - 6), (x + w as i32 + 8, y + h as i32 + 6)], RGBColor(230, 190, 100)))?;
    area.draw(&Text::new(text.to_string(), (x, y), style))
}

/// One entry of a hand-drawn legend.
#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub colour: RGBColor,
    pub kind: LegendKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum LegendKind {
    Line(u32),
    Dashed(u32),
    Dot,
    Triangle,
    Square,
    Swatch,
}

/// Draws legend entries in a column starting at (x, y); returns the height used.
pub(crate) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    entries: &[LegendEntry],
) -> std::result::Result<i32, DrawingAreaErrorKind<DB::ErrorType>> {
    let row = 26;
    for (k, e) in entries.iter().enumerate() {
        let cy = y + k as i32 * row + 10;
        let c = e.colour;
        match e.kind {
            LegendKind::Line(w) => {
                area.draw(&PathElement::new([(x, cy), (x + 26, cy)], ShapeStyle::from(&c).stroke_width(w)))?
            }
            LegendKind::Dashed(w) => {
                for k in 0..3 {
                    area.draw(&PathElement::new(
                        [(x + k * 10, cy), (x + k * 10 + 6, cy)],
                        ShapeStyle::from(&c).stroke_width(w),
                    ))?;
                }
            }
            LegendKind::Dot => area.draw(&Circle::new((x + 13, cy), 6, c.filled()))?,
            LegendKind::Triangle => area.draw(&TriangleMarker::new((x + 13, cy), 8, c.filled()))?,
            LegendKind::Square => area.draw(&Rectangle::new([(x + 7, cy - 6), (x + 19, cy + 6)], c.filled()))?,
            LegendKind::Swatch => area.draw(&Rectangle::new([(x + 2, cy - 8), (x + 24, cy + 8)], c.filled()))?,
        }
        area.draw(&Text::new(
            e.label.clone(),
            (x + 34, cy),
            font(15.0).color(&INK).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
    }
    Ok(entries.len() as i32 * row)
}

/// Draws a marker of a kind at a backend pixel.
pub(crate) fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kind: LegendKind,
    (x, y): (i32, i32),
    colour: RGBColor,
) -> DrawResult<DB> {
    let ring = ShapeStyle::from(&WHITE).stroke_width(2);
    match kind {
        LegendKind::Triangle => {
            area.draw(&TriangleMarker::new((x, y), 10, ring))?;
            area.draw(&TriangleMarker::new((x, y), 8, colour.filled()))
        }
        LegendKind::Square => {
            area.draw(&Rectangle::new([(x - 7, y - 7), (x + 7, y + 7)], ring))?;
            area.draw(&Rectangle::new([(x - 6, y - 6), (x + 6, y + 6)], colour.filled()))
        }
        _ => {
            area.draw(&Circle::new((x, y), 8, ring))?;
            area.draw(&Circle::new((x, y), 7, colour.filled()))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Bar path
// ---------------------------------------------------------------------------------------

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
    /// True when x = 0 is the mid-foot line.
    pub midfoot: bool,
    /// Plate radius, for the outline of the plate at the first setup.
    pub plate_radius_cm: f64,
    /// Knee height at setup (cm above the floor) when the body was tracked.
    pub knee_height_cm: Option<f64>,
    /// The most forward point of any rep's pull (lift-off to lockout).
    pub max_drift: Option<MaxDrift>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RepMarks {
    pub liftoff: usize,
    pub knee_pass: Option<usize>,
    pub lockout: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MaxDrift {
    /// Rep index counted from 0.
    pub rep: usize,
    pub point: (f64, f64),
}

/// Bar path in cm from a result: x relative to mid-foot when known (else the bar at the first
/// setup), positive in the lifter's forward direction when the facing is known; height
/// above the floor assuming the plate rests on it at setup.
pub fn bar_path(a: &Analysis) -> Option<BarPath> {
    a.reps.first()?;
    let s = Series::new(a);
    if s.reference == Reference::None {
        return None;
    }
    let forward_label = match a.facing {
        Some(_) => "forward".to_string(),
        None => "image right".to_string(),
    };
    let mut reps = Vec::new();
    let mut marks = Vec::new();
    let mut max_drift: Option<MaxDrift> = None;
    for (k, r) in a.reps.iter().enumerate() {
        let (start, end) = rep_frames(a, r);
        let start = start.max(r.liftoff_frame.saturating_sub((0.3 * s.fps) as usize));
        let mut pts = Vec::new();
        let mut m = RepMarks { liftoff: 0, knee_pass: None, lockout: 0 };
        for i in start..=end {
            let (Some(x), Some(y)) = (s.bar_x_cm[i], s.bar_height_cm[i]) else {
                continue;
            };
            if i <= r.liftoff_frame {
                m.liftoff = pts.len();
            }
            if i <= r.lockout_frame {
                m.lockout = pts.len();
            }
            if r.knee_pass_frame.is_some_and(|kp| i <= kp) {
                m.knee_pass = Some(pts.len());
            }
            if (r.liftoff_frame..=r.lockout_frame).contains(&i) && max_drift.is_none_or(|d| x > d.point.0) {
                max_drift = Some(MaxDrift { rep: k, point: (x, y) });
            }
            pts.push((x, y));
        }
        reps.push(pts);
        marks.push(m);
    }
    Some(BarPath {
        reps,
        marks,
        reference: s.reference.label().to_string(),
        forward_label,
        midfoot: s.reference == Reference::Midfoot,
        plate_radius_cm: a.calibration.plate_diameter_cm / 2.0,
        knee_height_cm: s.knee_height_at_setup(a),
        max_drift,
    })
}

/// Draws the bar path to a PNG or SVG (by extension), with equal cm scales on both axes.
pub fn draw_bar_path(path_cm: &BarPath, title: &str, out: &Path) -> Result<()> {
    write_figure(&BarPathFigure::new(path_cm, title), out)
}

/// The bar-path picture: equal cm scales, mid-foot line, rep colours, lift-off / knee /
/// lockout marks and the point of maximum drift.
pub struct BarPathFigure<'a> {
    pub path: &'a BarPath,
    pub title: String,
    x_range: (f64, f64),
    y_hi: f64,
}

const BAR_PLOT_H: f64 = 720.0;
const BAR_LEGEND_W: u32 = 200;
const BAR_HEADER_H: u32 = 74;

impl<'a> BarPathFigure<'a> {
    pub fn new(path: &'a BarPath, title: &str) -> Self {
        let all: Vec<(f64, f64)> = path.reps.iter().flatten().copied().collect();
        let r = path.plate_radius_cm;
        // Room for the plate outline at the first setup and a little air.
        let setup_x = path.reps.first().and_then(|p| p.first()).map_or(0.0, |p| p.0);
        let (lo, hi) =
            all.iter().fold(((setup_x - r).min(-12.0), (setup_x + r).max(12.0)), |(l, h), p| (l.min(p.0), h.max(p.0)));
        let y_hi = all.iter().fold(2.0 * r, |h, p| h.max(p.1)) + 10.0;
        let span = (hi - lo).max(50.0) + 8.0;
        let mid = 0.5 * (lo + hi);
        BarPathFigure { path, title: title.to_string(), x_range: (mid - span / 2.0, mid + span / 2.0), y_hi }
    }

    fn subtitle(&self) -> String {
        match self.path.max_drift {
            Some(d) if self.path.midfoot => {
                let (x, _) = d.point;
                let side = if x >= 0.0 { "in front of" } else { "behind" };
                format!("Most forward point: {:.1} cm {side} mid-foot (rep {})", x.abs(), d.rep + 1)
            }
            Some(d) => format!(
                "Largest forward travel from the start: {:.1} cm (rep {}); mid-foot unknown",
                d.point.0,
                d.rep + 1
            ),
            None => String::new(),
        }
    }
}

impl Figure for BarPathFigure<'_> {
    fn size(&self) -> (u32, u32) {
        let (lo, hi) = self.x_range;
        let px_per_cm = BAR_PLOT_H / self.y_hi;
        let w = ((hi - lo) * px_per_cm).round() as u32 + 90 + 20 + BAR_LEGEND_W;
        (w.max(640), BAR_PLOT_H as u32 + 70 + BAR_HEADER_H + 24)
    }

    fn what(&self) -> &'static str {
        "the bar path"
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        let body = header(root, &self.title, &self.subtitle())?;
        let (w, _) = body.dim_in_pixel();
        let (plot_area, legend_area) = body.split_horizontally(w - BAR_LEGEND_W);
        let (x_lo, x_hi) = self.x_range;
        let mut chart = ChartBuilder::on(&plot_area)
            .margin(12)
            .margin_right(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(x_lo..x_hi, 0.0..self.y_hi)?;
        let p = self.path;
        draw_mesh(
            &mut chart,
            &format!("cm from {} (+ = {})", p.reference, p.forward_label),
            "height above floor (cm)",
        )?;

        // The plate resting on the floor at the first setup, for scale.
        if let Some(&(sx, _)) = p.reps.first().and_then(|r| r.first()) {
            let r = p.plate_radius_cm;
            let circle: Vec<(f64, f64)> = (0..=96)
                .map(|k| {
                    let a = k as f64 / 96.0 * std::f64::consts::TAU;
                    (sx + r * a.cos(), r + r * a.sin())
                })
                .collect();
            chart.draw_series(LineSeries::new(circle, ShapeStyle::from(&RGBColor(205, 208, 212)).stroke_width(2)))?;
        }
        // Knee height at setup.
        if let Some(k) = p.knee_height_cm {
            chart.draw_series(DashedLineSeries::new(
                [(x_lo, k), (x_hi, k)],
                8,
                6,
                ShapeStyle::from(&MUTED).stroke_width(1),
            ))?;
            chart.draw_series([Text::new(
                "knee height at setup".to_string(),
                (x_lo + 0.5, k + 0.8),
                font(14.0).color(&MUTED).pos(Pos::new(HPos::Left, VPos::Bottom)),
            )])?;
        }
        // The reference (mid-foot) line.
        chart.draw_series(LineSeries::new(
            [(0.0, 0.0), (0.0, self.y_hi)],
            ShapeStyle::from(&MIDFOOT_COLOUR).stroke_width(2),
        ))?;
        chart.draw_series([Text::new(
            p.reference.clone(),
            (0.6, self.y_hi - 1.0),
            font(15.0).color(&MIDFOOT_COLOUR).pos(Pos::new(HPos::Left, VPos::Top)),
        )])?;

        // Setup and lowering thin under every pull, then the pulls thick.
        for (k, pts) in p.reps.iter().enumerate() {
            chart.draw_series(LineSeries::new(
                pts.iter().copied(),
                ShapeStyle::from(&rep_colour(k).mix(0.45)).stroke_width(2),
            ))?;
        }
        for (k, (pts, m)) in p.reps.iter().zip(&p.marks).enumerate() {
            if let Some(pull) = pts.get(m.liftoff..=m.lockout.min(pts.len().saturating_sub(1))) {
                chart.draw_series(LineSeries::new(
                    pull.iter().copied(),
                    ShapeStyle::from(&rep_colour(k)).stroke_width(4),
                ))?;
            }
        }
        // Marks on top of every line.
        for (k, (pts, m)) in p.reps.iter().zip(&p.marks).enumerate() {
            let colour = rep_colour(k);
            let marks = [
                (Some(m.liftoff), LegendKind::Dot),
                (m.knee_pass, LegendKind::Triangle),
                (Some(m.lockout), LegendKind::Square),
            ];
            for (i, kind) in marks {
                if let Some(&pt) = i.and_then(|i| pts.get(i)) {
                    let px = chart.backend_coord(&pt);
                    marker(root, kind, px, colour)?;
                }
            }
        }
        // The point of maximum drift: ring, dimension line from the reference, value.
        // (Backend coordinates are absolute, so these draw on the root area.)
        if let Some(d) = p.max_drift {
            let plot_area = root;
            let (x, y) = d.point;
            let c = chart.backend_coord(&(x, y));
            let o = chart.backend_coord(&(0.0, y));
            plot_area.draw(&Circle::new(c, 13, ShapeStyle::from(&LIKELY_COLOUR).stroke_width(2)))?;
            plot_area
                .draw(&PathElement::new([(o.0, c.1), (c.0, c.1)], ShapeStyle::from(&LIKELY_COLOUR).stroke_width(2)))?;
            for e in [o.0, c.0] {
                plot_area.draw(&PathElement::new(
                    [(e, c.1 - 7), (e, c.1 + 7)],
                    ShapeStyle::from(&LIKELY_COLOUR).stroke_width(2),
                ))?;
            }
            let label = format!("max {:.1} cm", x);
            let right = x >= 0.0;
            let tx = if right { c.0 + 22 } else { c.0 - 22 };
            let hpos = if right { HPos::Left } else { HPos::Right };
            let style = font(17.0).color(&LIKELY_COLOUR).pos(Pos::new(hpos, VPos::Center));
            let (tw, th) = plot_area.estimate_text_size(&label, &style)?;
            let (bx0, bx1) = if right { (tx - 4, tx + tw as i32 + 4) } else { (tx - tw as i32 - 4, tx + 4) };
            plot_area.draw(&Rectangle::new(
                [(bx0, c.1 - th as i32 / 2 - 3), (bx1, c.1 + th as i32 / 2 + 3)],
                WHITE.mix(0.85).filled(),
            ))?;
            plot_area.draw(&Text::new(label, (tx, c.1), style))?;
        }

        // Legend, beside the plot.
        let mut entries =
            vec![LegendEntry { label: p.reference.clone(), colour: MIDFOOT_COLOUR, kind: LegendKind::Line(2) }];
        for k in 0..p.reps.len() {
            entries.push(LegendEntry {
                label: format!("rep {}", k + 1),
                colour: rep_colour(k),
                kind: LegendKind::Line(4),
            });
        }
        entries.push(LegendEntry { label: "lift-off".into(), colour: MUTED, kind: LegendKind::Dot });
        if p.marks.iter().any(|m| m.knee_pass.is_some()) {
            entries.push(LegendEntry { label: "knee pass".into(), colour: MUTED, kind: LegendKind::Triangle });
        }
        entries.push(LegendEntry { label: "lockout".into(), colour: MUTED, kind: LegendKind::Square });
        let used = legend(&legend_area, (8, 20), &entries)?;
        legend_area.draw(&Text::new("thick: the pull".to_string(), (8, 40 + used), font(14.0).color(&MUTED)))?;
        legend_area.draw(&Text::new("thin: setup, lowering".to_string(), (8, 60 + used), font(14.0).color(&MUTED)))?;
        if !p.midfoot {
            note_box(&legend_area, (12, 100 + used), "mid-foot unknown")?;
        }
        Ok(())
    }
}
