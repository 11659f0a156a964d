//! Helpers shared by the integration tests: the real binary, the committed samples, the
//! real clips in ../shared (optional), temporary folders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(name: &str) -> PathBuf {
    repo().join("sample_videos").join(name)
}

/// Runs the real `formcheck` binary.
pub fn formcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_formcheck")).args(args).output().expect("running formcheck")
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
