//! Bad input gets a one-line error that says what to do, a non-zero exit, no panic, and no
//! result file left behind as if it were a result.

mod common;

use common::{formcheck, TempDir};
use std::path::Path;

/// Runs `analyze` on `video` asking for a JSON result, and checks the failure contract.
fn refuses(video: &Path, expect_in_message: &str) {
    let dir = TempDir::new("bad-input");
    let json = dir.path().join("result.json");
    let out = formcheck(&["analyze", video.to_str().unwrap(), "--json", json.to_str().unwrap(), "--bar-only"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{video:?} was accepted: {stderr}");
    assert_eq!(out.status.code(), Some(1), "{video:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{video:?} panicked: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{video:?}: expected one line, got {stderr}");
    assert!(lines[0].starts_with("formcheck: "), "{stderr}");
    assert!(stderr.contains(expect_in_message), "{video:?}: '{expect_in_message}' not in {stderr}");
    assert!(!json.exists(), "{video:?} left a result file behind");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "{video:?} left files: {leftovers:?}");
}

#[test]
fn missing_file() {
    refuses(Path::new("/no/such/dir/set.mp4"), "no such file");
}

#[test]
fn zero_byte_file() {
    let dir = TempDir::new("zero");
    let p = dir.path().join("empty.mp4");
    std::fs::write(&p, b"").unwrap();
    refuses(&p, "empty");
}

#[test]
fn text_file_renamed_mp4() {
    let dir = TempDir::new("text");
    let p = dir.path().join("notes.mp4");
    std::fs::write(&p, "Deadlift 3x5 @ 140 kg, felt heavy\n".repeat(200)).unwrap();
    refuses(&p, "not a video");
}

#[test]
fn truncated_video() {
    let dir = TempDir::new("truncated");
    let p = dir.path().join("cut.mp4");
    let bytes = std::fs::read(common::sample("clean_3rep.mp4")).unwrap();
    std::fs::write(&p, &bytes[..bytes.len() / 3]).unwrap();
    // Depending on where the container keeps its index, a cut file either cannot be opened
    // at all or stops early; both must be refused with a message saying so.
    let out = formcheck(&["analyze", p.to_str().unwrap(), "--bar-only"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && !stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("cut off") || stderr.contains("not a video") || stderr.contains("no frame"), "{stderr}");
    refuses(&p, "formcheck: ");
}

#[test]
fn video_without_a_plate() {
    let dir = TempDir::new("noplate");
    let p = dir.path().join("wall.mp4");
    common::write_plain_video(&p, 60, 640, 360);
    refuses(&p, "no barbell plate");
}

#[test]
fn bar_hint_outside_the_frame() {
    let video = common::sample("clean_3rep.mp4");
    let out = formcheck(&["analyze", video.to_str().unwrap(), "--bar-at", "5000,20", "--bar-only"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("outside"), "{stderr}");
}

#[test]
fn impossible_plate_size_is_refused_by_the_flag_parser() {
    let video = common::sample("clean_3rep.mp4");
    let out = formcheck(&["analyze", video.to_str().unwrap(), "--plate-cm", "450"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("not a plate diameter"), "{stderr}");
}
