//! Helpers shared by the integration tests: the real binary, the committed samples, the
//! real clips in ../shared (optional), temporary folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> PathBuf {
    repo().join("sample_videos").join(name)
}

/// The real `formcheck` binary.
pub const BIN: &str = env!("CARGO_BIN_EXE_formcheck");

/// Runs the real `formcheck` binary (no stdin: nothing may wait for input).
pub fn formcheck(args: &[&str]) -> Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).output().expect("running formcheck")
}

/// The stdout of a run that must have succeeded.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "formcheck failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The real clips folder, or `None` with the reason printed (tests then skip).
pub fn realvids(test: &str) -> Option<PathBuf> {
    let dir = repo().join("../shared/realvids");
    if dir.join("INDEX.tsv").is_file() {
        Some(dir)
    } else {
        println!("skipped {test}: ../shared/realvids is not present (real clips are not redistributable)");
        None
    }
}

/// A temporary folder removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let mut p = std::env::temp_dir();
        p.push(format!("formcheck-test-{tag}-{}-{:?}", std::process::id(), std::thread::current().id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A short H.264 video of a plain, slowly brightening wall: a video with nothing in it.
pub fn write_plain_video(path: &Path, frames: usize, width: i32, height: i32) {
    use opencv::core::{Mat, Scalar, Size, CV_8UC3};
    use opencv::prelude::*;
    use opencv::videoio::VideoWriter;
    let fourcc = VideoWriter::fourcc('a', 'v', 'c', '1').unwrap();
    let mut w = VideoWriter::new(path.to_str().unwrap(), fourcc, 30.0, Size::new(width, height), true).unwrap();
    assert!(w.is_opened().unwrap());
    for i in 0..frames {
        let v = 90.0 + i as f64;
        let frame =
            Mat::new_rows_cols_with_default(height, width, CV_8UC3, Scalar::new(v, v + 5.0, v + 10.0, 0.0)).unwrap();
        w.write(&frame).unwrap();
    }
    w.release().unwrap();
}

/// Luma of a BGR pixel (nearest pixel).
pub fn luma(m: &opencv::core::Mat, x: f64, y: f64) -> f64 {
    use opencv::prelude::*;
    let p = m.at_2d::<opencv::core::Vec3b>(y.round() as i32, x.round() as i32).unwrap();
    0.114 * p[0] as f64 + 0.587 * p[1] as f64 + 0.299 * p[2] as f64
}

pub fn luma_bilinear(m: &opencv::core::Mat, x: f64, y: f64) -> f64 {
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let l = |xx: f64, yy: f64| luma(m, xx, yy);
    let a = l(x0, y0) * (1.0 - fx) + l(x0 + 1.0, y0) * fx;
    let b = l(x0, y0 + 1.0) * (1.0 - fx) + l(x0 + 1.0, y0 + 1.0) * fx;
    a * (1.0 - fy) + b * fy
}

/// Centre of the bright steel hub (radius 0.2 R) from its edge against the dark plate
/// face, found along 24 rays from the truth centre.
pub fn hub_centre(m: &opencv::core::Mat, bx: f64, by: f64, r: f64) -> (f64, f64) {
    let inner = luma_bilinear(m, bx + 0.15 * r, by);
    let face = luma_bilinear(m, bx + 0.4 * r, by);
    let mid = 0.5 * (inner.max(luma_bilinear(m, bx - 0.15 * r, by)) + face);
    let (mut sx, mut sy) = (0.0, 0.0);
    let n = 24;
    for k in 0..n {
        let a = k as f64 * std::f64::consts::TAU / n as f64;
        let (c, s) = (a.cos(), a.sin());
        let mut rr = 0.12 * r;
        while rr < 0.35 * r && luma_bilinear(m, bx + rr * c, by + rr * s) > mid {
            rr += 0.05;
        }
        sx += bx + rr * c;
        sy += by + rr * s;
    }
    (sx / n as f64, sy / n as f64)
}

/// One frame of a stored MediaPipe reference (`scripts/reference/compact_mediapipe.py`):
/// `[side][joint] = [x, y, visibility]`, side 0 = the person's left, joints in the file's
/// order (shoulder, hip, knee, ankle, heel, toe, ear, wrist).
pub type PeerFrame = [[[f64; 3]; 8]; 2];

/// The frames of a stored MediaPipe reference: `None` where MediaPipe found no pose.
pub fn peer_frames(reference: &serde_json::Value, what: &str) -> Vec<Option<PeerFrame>> {
    reference["frames"]
        .as_array()
        .unwrap_or_else(|| panic!("{what}: no frames"))
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let row = row.as_array()?;
            assert_eq!(row.len(), 48, "{what} frame {i}: row length");
            let mut out = [[[0.0; 3]; 8]; 2];
            for (k, n) in row.iter().enumerate() {
                out[k / 24][(k % 24) / 3][k % 3] = n.as_f64().unwrap();
            }
            Some(out)
        })
        .collect()
}
