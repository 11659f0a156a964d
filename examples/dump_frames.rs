//! Writes every frame as formcheck's decoder produces it (after its rotation handling) as
//! raw BGR bytes to stdout, after one header line `WIDTH HEIGHT FPS`, so a reference
//! pipeline can be fed exactly the pixels formcheck sees:
//!
//!     cargo run --release --example dump_frames -- VIDEO.mp4 > frames.bgr
//!
//! Used by scripts/models/mediapipe_reference.py --formcheck-decode.

use formcheck::video::Video;
use opencv::core::Mat;
use opencv::prelude::*;
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: dump_frames VIDEO")?;
    let mut video = Video::open(std::path::Path::new(&path))?;
    let meta = video.meta().clone();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(out, "{} {} {}", meta.width, meta.height, meta.fps)?;
    let mut frame = Mat::default();
    while video.read_into(&mut frame)?.is_some() {
        if !frame.is_continuous() {
            frame = frame.try_clone()?;
        }
        out.write_all(frame.data_bytes()?)?;
    }
    out.flush()?;
    Ok(())
}
