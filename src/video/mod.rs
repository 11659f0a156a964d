//! Decoding: open a video, check it is one, and stream its frames in order.
//!
//! Frames are streamed, never collected: a two-minute 1080p clip would not fit in memory
//! as decoded frames. Time stamps are `index / fps` because FFmpeg's position property
//! returns 0 for the last frames of many phone clips.

mod decode;
mod hash;

pub use decode::{spawn_decoder, DecodedFrame, FramePool};
pub use hash::sha256_file;

use crate::error::{Error, Result};
use opencv::core::Mat;
use opencv::prelude::*;
use opencv::videoio;
use std::path::{Path, PathBuf};

/// Frame rates outside this range are not a real camera's; such files are refused rather
/// than producing velocities off by a factor of ten.
const SANE_FPS: std::ops::RangeInclusive<f64> = 5.0..=480.0;

/// What the container says about a video, with the frame size taken from the first decoded
/// frame (phone rotation metadata is applied by `Video`, so a portrait clip is portrait).
#[derive(Debug, Clone, PartialEq)]
pub struct VideoMeta {
    pub path: PathBuf,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// The container's frame count; only an estimate for some files.
    pub reported_frames: usize,
}

impl VideoMeta {
    pub fn time_of(&self, index: usize) -> f64 {
        index as f64 / self.fps
    }
}

/// An open video that yields frames in order.
pub struct Video {
    capture: videoio::VideoCapture,
    meta: VideoMeta,
    /// The first frame, decoded during `open` to learn the upright size.
    first: Option<Mat>,
    next_index: usize,
    /// How to turn a decoded frame upright (phone rotation metadata), and the buffer the
    /// decoder writes into before that turn.
    upright: Option<opencv::core::RotateFlags>,
    stored: Mat,
}

impl Video {
    /// Opens `path` and decodes its first frame, so that a file which is not a playable
    /// video fails here with a clear message instead of deep inside the pipeline.
    pub fn open(path: &Path) -> Result<Self> {
        check_file(path)?;
        let not_a_video = || Error::NotAVideo { path: path.to_path_buf() };
        let mut capture =
            videoio::VideoCapture::from_file(path.as_os_str(), videoio::CAP_FFMPEG).map_err(|_| not_a_video())?;
        if !capture.is_opened().unwrap_or(false) {
            return Err(not_a_video());
        }
        let fps = capture.get(videoio::CAP_PROP_FPS).unwrap_or(0.0);
        let reported = capture.get(videoio::CAP_PROP_FRAME_COUNT).unwrap_or(0.0);
        let upright = upright_turn(&mut capture);
        let mut stored = Mat::default();
        let got = capture.read(&mut stored).unwrap_or(false);
        if !got || stored.empty() {
            return Err(Error::NoFrames { path: path.to_path_buf() });
        }
        let first = match upright {
            Some(turn) => turn_upright(&stored, turn)?,
            None => std::mem::take(&mut stored),
        };
        if !fps.is_finite() || !SANE_FPS.contains(&fps) {
            return Err(Error::BadFrameRate { path: path.to_path_buf(), fps });
        }
        let size = first.size().map_err(Error::opencv("reading the first frame's size"))?;
        let meta = VideoMeta {
            path: path.to_path_buf(),
            width: size.width as u32,
            height: size.height as u32,
            fps,
            reported_frames: reported.max(0.0) as usize,
        };
        Ok(Video { capture, meta, first: Some(first), next_index: 0, upright, stored })
    }

    pub fn meta(&self) -> &VideoMeta {
        &self.meta
    }

    /// Decodes the next frame into `frame` (BGR, 8 bit) and returns its index, or `None`
    /// at the end of the stream.
    pub fn read_into(&mut self, frame: &mut Mat) -> Result<Option<usize>> {
        if let Some(first) = self.first.take() {
            *frame = first;
        } else if let Some(turn) = self.upright {
            let got = self.capture.read(&mut self.stored).map_err(Error::opencv("decoding a frame"))?;
            if !got || self.stored.empty() {
                return Ok(None);
            }
            opencv::core::rotate(&self.stored, frame, turn as i32).map_err(Error::opencv("turning a frame upright"))?;
        } else {
            let got = self.capture.read(frame).map_err(Error::opencv("decoding a frame"))?;
            if !got || frame.empty() {
                return Ok(None);
            }
        }
        let index = self.next_index;
        self.next_index += 1;
        Ok(Some(index))
    }

    /// Frames handed out so far.
    pub fn frames_read(&self) -> usize {
        self.next_index
    }
}

/// The turn that shows a clip upright, from the container's rotation (phones film portrait
/// as a landscape picture plus a "rotate 90" display matrix). formcheck applies it itself
/// rather than leaving it to OpenCV, because OpenCV 4.6.0 (Debian bookworm's) turns such
/// clips the wrong way, so they come out upside down (opencv/opencv#22088: its orientation
/// value has the wrong sign; 4.5 and 4.7+ are right).
fn upright_turn(capture: &mut videoio::VideoCapture) -> Option<opencv::core::RotateFlags> {
    use opencv::core::RotateFlags;
    let meta = capture.get(videoio::CAP_PROP_ORIENTATION_META).unwrap_or(0.0);
    // Decode the picture as stored; a backend without the property keeps it as is anyway.
    let _ = capture.set(videoio::CAP_PROP_ORIENTATION_AUTO, 0.0);
    let wrong_sign = opencv::core::get_version_major() == 4 && opencv::core::get_version_minor() == 6;
    let clockwise = (meta.round() as i64).rem_euclid(360);
    match if wrong_sign { (360 - clockwise) % 360 } else { clockwise } {
        90 => Some(RotateFlags::ROTATE_90_CLOCKWISE),
        180 => Some(RotateFlags::ROTATE_180),
        270 => Some(RotateFlags::ROTATE_90_COUNTERCLOCKWISE),
        _ => None,
    }
}

fn turn_upright(stored: &Mat, turn: opencv::core::RotateFlags) -> Result<Mat> {
    let mut out = Mat::default();
    opencv::core::rotate(stored, &mut out, turn as i32).map_err(Error::opencv("turning a frame upright"))?;
    Ok(out)
}

/// Distinguishes "no such file" and "empty file" from "not a video" before FFmpeg is asked,
/// because FFmpeg reports all three the same way.
fn check_file(path: &Path) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => Error::VideoNotFound { path: path.to_path_buf() },
        _ => Error::io(path, source),
    })?;
    if meta.is_dir() {
        return Err(Error::NotAVideo { path: path.to_path_buf() });
    }
    if meta.len() == 0 {
        return Err(Error::EmptyFile { path: path.to_path_buf() });
    }
    Ok(())
}

/// A decoded stream shorter than this share of the container's own frame count is a cut-off
/// file (an interrupted copy or upload), not a variable-frame-rate estimate.
pub const TRUNCATION_SHARE: f64 = 0.9;

/// Whether a stream that yielded `decoded` frames looks cut off.
pub fn looks_truncated(meta: &VideoMeta, decoded: usize) -> bool {
    meta.reported_frames > 10 && (decoded as f64) < TRUNCATION_SHARE * meta.reported_frames as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_reported_as_missing() {
        let err = Video::open(Path::new("/nonexistent/set.mp4")).err().unwrap();
        assert!(matches!(err, Error::VideoNotFound { .. }), "{err}");
    }

    #[test]
    fn zero_byte_file_is_reported_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.mp4");
        std::fs::write(&path, b"").unwrap();
        let err = Video::open(&path).err().unwrap();
        assert!(matches!(err, Error::EmptyFile { .. }), "{err}");
    }

    #[test]
    fn text_file_is_not_a_video() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.mp4");
        std::fs::write(&path, "deadlift 3x5 @ 140 kg\n".repeat(100)).unwrap();
        let err = Video::open(&path).err().unwrap();
        assert!(matches!(err, Error::NotAVideo { .. } | Error::NoFrames { .. }), "{err}");
    }

    #[test]
    fn truncation_needs_a_real_shortfall() {
        let meta = VideoMeta { path: "x".into(), width: 1, height: 1, fps: 30.0, reported_frames: 300 };
        assert!(looks_truncated(&meta, 100));
        assert!(!looks_truncated(&meta, 295));
    }
}
