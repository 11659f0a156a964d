//! Shared helpers of the report tests: fixtures built from the renderer's truth, a small
//! rendered video, and checks on images and videos.
#![allow(dead_code)]

use formcheck::render::{self, FaultSpec, RenderSpec};
use formcheck::report::fixture::analysis_from_truth;
use formcheck::schema::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// A small, quick set: 3 reps at 640x360, drift in reps 2-3 and early hips in rep 3.
pub fn small_spec() -> RenderSpec {
    RenderSpec {
        seed: 7,
        reps: 3,
        width: 640,
        height: 360,
        fps: 30.0,
        cm_per_px: 0.6,
        standing_intro: false,
        faults: vec![
            FaultSpec::parse("bar_drift=7@2,3").expect("valid fault"),
            FaultSpec::parse("hips_rise_early=6@3").expect("valid fault"),
        ],
        ..RenderSpec::default()
    }
}

/// The analysis a perfect pipeline would give for `small_spec()`, without drawing a frame.
pub fn fixture() -> Analysis {
    let (truth, _) = render::plan_truth(&small_spec()).expect("the spec plans");
    analysis_from_truth(&truth, "small.mp4")
}

/// The same analysis with no body points, no mid-foot, no faults: what the bar-only
/// pipeline writes.
pub fn bar_only(mut a: Analysis) -> Analysis {
    for f in &mut a.frames {
        f.body = None;
    }
    a.midfoot_x_px = None;
    a.midfoot_source = None;
    a.facing = None;
    a.view = View { kind: ViewKind::Unknown, usable: false, reason: Some("body not tracked".into()) };
    for r in &mut a.reps {
        r.faults.clear();
        r.bar_drift_max_cm = None;
        r.bar_start_offset_cm = None;
        r.hip_rise_before_bar_cm = None;
        r.hip_rise_before_bar_ms = None;
        r.hip_to_shoulder_rise_ratio = None;
        r.setup = Setup::default();
        r.trunk_chord_change_pct = None;
        r.lockout_trunk_lean_back_deg = None;
        r.liftoff_accel_ratio = None;
        r.hold_before_liftoff_ms = None;
        r.bar_drift_from_start_cm = Some(6.5);
    }
    a.summary.faults_by_rep = vec![Vec::new(); a.reps.len()];
    a
}

/// Where tests keep what they make (kept after the run, for looking at).
pub fn out_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("creating the test output folder");
    d
}

/// `small_spec()` rendered once per test binary: (video, analysis from its truth).
pub fn rendered() -> &'static (PathBuf, Analysis) {
    static R: OnceLock<(PathBuf, Analysis)> = OnceLock::new();
    R.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{}_src", env!("CARGO_CRATE_NAME")));
        std::fs::create_dir_all(&dir).expect("creating the render folder");
        let truth = render::render(&small_spec(), &dir, "small").expect("rendering the test video");
        let video = dir.join("small.mp4");
        let a = analysis_from_truth(&truth, &video.display().to_string());
        (video, a)
    })
}

/// ffprobe's view of a video's first stream, counting frames by decoding them.
pub fn ffprobe(path: &Path) -> serde_json::Value {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_streams", "-of", "json"])
        .arg(path)
        .output()
        .expect("ffprobe runs (scripts/setup.sh installs ffmpeg, which has it)");
    assert!(out.status.success(), "ffprobe failed: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("ffprobe writes JSON");
    v["streams"][0].clone()
}

/// Image statistics: size, share of pixels that are not (near) white, distinct colours.
pub struct ImageStats {
    pub width: u32,
    pub height: u32,
    pub ink_share: f64,
    pub colours: usize,
    pub image: image::RgbImage,
}

pub fn png_stats(bytes: &[u8]) -> ImageStats {
    let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png).expect("a valid PNG").to_rgb8();
    let mut colours = std::collections::HashSet::new();
    let mut ink = 0usize;
    for p in img.pixels() {
        colours.insert(p.0);
        if p.0.iter().any(|&c| c < 235) {
            ink += 1;
        }
    }
    ImageStats {
        width: img.width(),
        height: img.height(),
        ink_share: ink as f64 / (img.width() as f64 * img.height() as f64),
        colours: colours.len(),
        image: img,
    }
}

/// Pixels of exactly this colour.
pub fn count_colour(img: &image::RgbImage, rgb: (u8, u8, u8)) -> usize {
    img.pixels().filter(|p| p.0 == [rgb.0, rgb.1, rgb.2]).count()
}

/// `polyline` elements of an SVG with this stroke colour: their point lists.
pub fn svg_polylines(svg: &str, stroke_hex: &str) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    for el in svg.split('<').filter(|e| e.starts_with("polyline")) {
        let stroke = attr(el, "stroke");
        if !stroke.is_some_and(|s| s.eq_ignore_ascii_case(stroke_hex)) {
            continue;
        }
        let pts = attr(el, "points").unwrap_or_default();
        let parsed: Vec<(f64, f64)> = pts
            .split_whitespace()
            .filter_map(|p| {
                let (x, y) = p.split_once(',')?;
                Some((x.parse().ok()?, y.parse().ok()?))
            })
            .collect();
        out.push(parsed);
    }
    out
}

fn attr<'a>(el: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = el.find(&key)? + key.len();
    let end = el[start..].find('"')? + start;
    Some(&el[start..end])
}

pub fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// The text of every `<text>` element of an SVG, trimmed and unescaped.
pub fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            let end = t.find("</text>")?;
            Some(
                t[start..end]
                    .trim()
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

/// True when some `<text>` of the SVG is exactly `s`.
pub fn svg_has_text(svg: &str, s: &str) -> bool {
    svg_texts(svg).iter().any(|t| t == s)
}
