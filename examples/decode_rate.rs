//! Decode-only rate of a video through formcheck's own decoder thread (the floor under
//! `analyze`'s speed): every frame decoded and handed over, nothing tracked.
//!
//!     cargo run --release --example decode_rate -- VIDEO.mp4
//!
//! Prints `frames seconds frames_per_second`. Used by scripts/bench/e2e.sh.

use formcheck::video::{self, Video};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: decode_rate VIDEO")?;
    let started = Instant::now();
    let video = Video::open(std::path::Path::new(&path))?;
    let (frames, pool, decoder) = video::spawn_decoder(video, 4);
    let mut n = 0usize;
    for frame in frames.iter() {
        n += 1;
        pool.recycle(frame.image);
    }
    let (_, outcome) = decoder.join().map_err(|_| "the decode thread panicked")?;
    outcome?;
    let secs = started.elapsed().as_secs_f64();
    println!("{n} {secs:.3} {:.1}", n as f64 / secs);
    Ok(())
}
