//! H.264 output: raw BGR frames piped to the `ffmpeg` CLI (libx264, yuv420p, faststart).

use std::io::Write;
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};

use super::RenderError;

pub struct Encoder {
    child: Child,
    stdin: Option<ChildStdin>,
    frames: usize,
    frame_bytes: usize,
}

impl Encoder {
    pub fn start(path: &Path, w: u32, h: u32, fps: f64, crf: u32, preset: &str) -> Result<Encoder, RenderError> {
        let mut child = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-nostdin", "-y"])
            .args(["-f", "rawvideo", "-pix_fmt", "bgr24"])
            .args(["-s", &format!("{w}x{h}")])
            .args(["-framerate", &format!("{fps}")])
            .args(["-i", "-", "-an"])
            .args(["-c:v", "libx264", "-preset", preset, "-crf", &crf.to_string()])
            .args(["-pix_fmt", "yuv420p", "-movflags", "+faststart"])
            .args(["-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1"])
            .arg(path)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(RenderError::io("starting ffmpeg (is it installed?)"))?;
        let stdin = child.stdin.take();
        Ok(Encoder { child, stdin, frames: 0, frame_bytes: w as usize * h as usize * 3 })
    }

    pub fn write(&mut self, bgr: &[u8]) -> Result<(), RenderError> {
        assert_eq!(bgr.len(), self.frame_bytes);
        let s = self.stdin.as_mut().expect("encoder open");
        if let Err(e) = s.write_all(bgr) {
            // Collect ffmpeg's message if it died.
            let _ = self.stdin.take();
            let out =
                std::mem::replace(&mut self.child, Command::new("true").spawn().map_err(RenderError::io("spawn"))?)
                    .wait_with_output()
                    .map_err(RenderError::io("waiting for ffmpeg"))?;
            return Err(RenderError::Invalid(format!(
                "ffmpeg stopped ({e}): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        self.frames += 1;
        Ok(())
    }

    pub fn finish(mut self) -> Result<usize, RenderError> {
        drop(self.stdin.take());
        let out = self.child.wait_with_output().map_err(RenderError::io("waiting for ffmpeg"))?;
        if !out.status.success() {
            return Err(RenderError::Invalid(format!(
                "ffmpeg failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(self.frames)
    }
}
