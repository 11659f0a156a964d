//! Decoding on its own thread, so that on two cores one decodes while the other tracks.
//!
//! Frames travel through a bounded channel (memory stays flat however long the video) and
//! come back through a pool once used, so the hot loop does not allocate a frame buffer
//! per frame.

use super::Video;
use crate::error::Result;
use crossbeam_channel::{bounded, Receiver, Sender};
use opencv::core::Mat;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One decoded frame and its index in the stream.
pub struct DecodedFrame {
    pub index: usize,
    pub image: Mat,
    /// Time the decoder spent on this frame (for `analyze --timings` and the benchmarks).
    pub decode_time: Duration,
}

/// Hands used frame buffers back to the decoder for reuse.
#[derive(Clone)]
pub struct FramePool {
    give_back: Sender<Mat>,
}

impl FramePool {
    pub fn recycle(&self, image: Mat) {
        // The decoder may already have finished; then the buffer is simply dropped.
        let _ = self.give_back.try_send(image);
    }
}

/// The decoder thread: it gives the video back with how decoding ended.
pub type DecoderHandle = JoinHandle<(Video, Result<()>)>;

/// Starts decoding `video` on a new thread. The returned handle yields the video back with
/// the decode outcome, so the caller can tell a clean end from a decode error.
pub fn spawn_decoder(mut video: Video, capacity: usize) -> (Receiver<DecodedFrame>, FramePool, DecoderHandle) {
    let (frames_tx, frames_rx) = bounded::<DecodedFrame>(capacity);
    let (pool_tx, pool_rx) = bounded::<Mat>(capacity + 4);
    let handle = std::thread::Builder::new()
        .name("formcheck-decode".into())
        .spawn(move || {
            let outcome = decode_loop(&mut video, &frames_tx, &pool_rx);
            (video, outcome)
        })
        .expect("spawning the decode thread");
    (frames_rx, FramePool { give_back: pool_tx }, handle)
}

fn decode_loop(video: &mut Video, out: &Sender<DecodedFrame>, pool: &Receiver<Mat>) -> Result<()> {
    loop {
        let mut image = pool.try_recv().unwrap_or_default();
        let started = Instant::now();
        let Some(index) = video.read_into(&mut image)? else {
            return Ok(());
        };
        let decode_time = started.elapsed();
        if out.send(DecodedFrame { index, image, decode_time }).is_err() {
            // The consumer stopped early (an error downstream); stop decoding.
            return Ok(());
        }
    }
}
