//! Prints the raw (unsmoothed, unrepaired) left and right shoulder, hip and knee (`points`) and
//! ankle, heel and toe (`feet`) the landmark network gives per frame, as JSON lines: a debugging
//! aid for comparing with MediaPipe and with the renderer's truth.
//!
//!     cargo run --release --example raw_pose -- VIDEO [--nudge PX] [--model full|lite|heavy] > raw.jsonl
//!
//! `--nudge PX` moves every body crop PX pixels right: two runs, with and without, show how
//! much the network's answers depend on where it looks (docs/body.md). `--model` picks the
//! landmark model, as `formcheck analyze --model` does (default full).

use clap::ValueEnum;
use formcheck::analyze::{track_video, AnalyzeOptions};
use formcheck::track::body::engine::LandmarkModel;
use formcheck::track::body::landmarks::PoseFrame;
use formcheck::track::body::post::{SidePoints, LEFT, RIGHT};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).ok_or("usage: raw_pose VIDEO [--nudge PX] [--model full|lite|heavy]")?;
    let value = |flag: &str| {
        args.iter().position(|a| a == flag).map(|i| args.get(i + 1).ok_or(format!("{flag} needs a value")))
    };
    let nudge = match value("--nudge") {
        Some(v) => v?.parse()?,
        None => 0.0,
    };
    let model = match value("--model") {
        Some(v) => LandmarkModel::from_str(v?, true)?,
        None => LandmarkModel::default(),
    };
    let options = AnalyzeOptions { crop_nudge_px: nudge, body: Some(model), ..AnalyzeOptions::default() };
    let tracks = track_video(path.as_ref(), &options, &mut |_, _| {})?;
    let body = tracks.body.ok_or("no body model")?;
    for (i, f) in body.raw.frames.iter().enumerate() {
        let row = f.as_ref().map(|f| both_sides(f, |s| [s.shoulder, s.hip, s.knee]));
        let feet = f.as_ref().map(|f| both_sides(f, |s| [s.ankle, s.heel, s.toe]));
        println!("{}", serde_json::json!({ "i": i, "points": row, "feet": feet }));
    }
    Ok(())
}

/// The picked points of the left, then the right side, as [x, y, visibility] in OpenCV pixels.
fn both_sides(f: &PoseFrame, pick: impl Fn(&SidePoints) -> [usize; 3]) -> Vec<[f64; 3]> {
    [LEFT, RIGHT]
        .iter()
        .flat_map(pick)
        .map(|k| [f.points[k].x - 0.5, f.points[k].y - 0.5, f.points[k].visibility])
        .collect()
}
