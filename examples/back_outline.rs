//! Prints the back outline read from the person mask per frame, as JSON lines: the back
//! side's offsets from the shoulder-hip line (shares of the chord, hip end first), for
//! looking at what the rounding measure sees.
//!
//!     cargo run --release --example back_outline -- VIDEO > outline.jsonl

use formcheck::analyze::{track_video, AnalyzeOptions};
use formcheck::schema::Facing;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: back_outline VIDEO")?;
    let tracks = track_video(path.as_ref(), &AnalyzeOptions::default(), &mut |_, _| {})?;
    let body = tracks.body.ok_or("no body model")?;
    let right = body.facing != Some(Facing::Left);
    for (i, f) in body.raw.frames.iter().enumerate() {
        if let Some(o) = f.as_ref().and_then(|f| f.outline) {
            println!("{}", serde_json::json!({ "i": i, "back": o.back(right), "front": o.back(!right) }));
        }
    }
    Ok(())
}
