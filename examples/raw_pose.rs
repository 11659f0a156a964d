//! Prints the raw (unsmoothed, unrepaired) left and right shoulder, hip and knee the landmark
//! network gives per frame, as JSON lines: a debugging aid for comparing with MediaPipe.
//!
//!     cargo run --release --example raw_pose -- VIDEO > raw.jsonl

use formcheck::analyze::{track_video, AnalyzeOptions};
use formcheck::track::body::post::{LEFT, RIGHT};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: raw_pose VIDEO")?;
    let tracks = track_video(path.as_ref(), &AnalyzeOptions::default(), &mut |_, _| {})?;
    let body = tracks.body.ok_or("no body model")?;
    for (i, f) in body.raw.frames.iter().enumerate() {
        let row: Option<Vec<[f64; 3]>> = f.as_ref().map(|f| {
            [LEFT, RIGHT]
                .iter()
                .flat_map(|s| [s.shoulder, s.hip, s.knee])
                .map(|k| [f.points[k].x - 0.5, f.points[k].y - 0.5, f.points[k].visibility])
                .collect()
        });
        println!("{}", serde_json::json!({ "i": i, "points": row }));
    }
    Ok(())
}
