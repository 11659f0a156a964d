//! Prints the estimated camera motion per frame as JSON lines: where three probe points of
//! frame i land in the first frame's coordinates, for checking the steadying against the
//! renderer's truth shake.
//!
//!     cargo run --release --example camera_motion -- VIDEO > camera.jsonl

use formcheck::analyze::{track_video, AnalyzeOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: camera_motion VIDEO")?;
    let tracks = track_video(path.as_ref(), &AnalyzeOptions::default(), &mut |_, _| {})?;
    for (i, s) in tracks.camera.to_first.iter().enumerate() {
        let t = tracks.camera.trusted.get(i).copied().unwrap_or(false);
        println!("{}", serde_json::json!({ "i": i, "a": s.a, "b": s.b, "tx": s.tx, "ty": s.ty, "trusted": t }));
    }
    Ok(())
}
