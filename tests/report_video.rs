//! The annotated video: H.264 that browsers play, the input's frame count, size and frame
//! rate, and the drawings where they belong.

mod report_support;

use formcheck::report::video::write_annotated;
use opencv::core::{Mat, Vec3b};
use opencv::prelude::*;
use opencv::videoio;
use report_support::*;
use std::path::Path;

fn read_frame(path: &Path, index: usize) -> Mat {
    let mut cap = videoio::VideoCapture::from_file(path.to_str().unwrap(), videoio::CAP_FFMPEG).unwrap();
    let mut m = Mat::default();
    for _ in 0..=index {
        assert!(cap.read(&mut m).unwrap(), "frame {index} of {}", path.display());
    }
    m
}

fn px(m: &Mat, x: i32, y: i32) -> [u8; 3] {
    let p: &Vec3b = m.at_2d(y, x).unwrap();
    [p[0], p[1], p[2]]
}

fn mean_abs_diff(a: &Mat, b: &Mat, x0: i32, y0: i32, w: i32, h: i32) -> f64 {
    let mut sum = 0.0;
    for y in y0..y0 + h {
        for x in x0..x0 + w {
            let (p, q) = (px(a, x, y), px(b, x, y));
            sum += (0..3).map(|c| (p[c] as f64 - q[c] as f64).abs()).sum::<f64>() / 3.0;
        }
    }
    sum / (w * h) as f64
}

#[test]
fn annotated_video_is_h264_with_the_inputs_frames_size_and_rate() {
    let (input, a) = rendered();
    let dir = out_dir("report_video");
    let out = dir.join("annotated.mp4");
    let mut calls = 0;
    let w = write_annotated(a, input, &out, &mut |done, total| {
        calls += 1;
        assert!(done <= total);
    })
    .unwrap();
    assert_eq!(calls, a.frames.len(), "progress once per frame");
    assert_eq!(w.frames, a.frames.len());

    let src = ffprobe(input);
    let ann = ffprobe(&out);
    assert_eq!(ann["codec_name"], "h264", "codec: {}", ann["codec_name"]);
    assert_eq!(ann["pix_fmt"], "yuv420p", "browsers need 4:2:0");
    assert_eq!(ann["width"], src["width"]);
    assert_eq!(ann["height"], src["height"]);
    assert_eq!(ann["r_frame_rate"], src["r_frame_rate"], "frame rate");
    assert_eq!(ann["nb_read_frames"], src["nb_read_frames"], "frame count");
    assert_eq!(ann["nb_read_frames"].as_str().unwrap().parse::<usize>().unwrap(), a.frames.len());
    println!("annotated video: {} ({} frames, {})", out.display(), w.frames, ann["r_frame_rate"]);

    // A poster frame for the report, as a JPEG of the video's size.
    let poster = w.poster_jpg.as_deref().expect("a poster frame");
    let img =
        opencv::imgcodecs::imdecode(&opencv::core::Vector::<u8>::from_slice(poster), opencv::imgcodecs::IMREAD_COLOR)
            .unwrap();
    assert_eq!((img.cols() as u32, img.rows() as u32), (a.video.width, a.video.height), "poster size");
}

#[test]
fn annotations_are_drawn_where_they_belong() {
    let (input, a) = rendered();
    let dir = out_dir("report_video_content");
    let out = dir.join("annotated.mp4");
    write_annotated(a, input, &out, &mut |_, _| {}).unwrap();
    let (w, h) = (a.video.width as i32, a.video.height as i32);

    // Mid-pull of rep 2: the drift banner is not up yet, the skeleton and trail are.
    let r = &a.reps[1];
    let i = (r.liftoff_frame + r.lockout_frame) / 2;
    let (orig, ann) = (read_frame(input, i), read_frame(&out, i));
    // The mid-foot line is white over the full height (dashes: check a column window).
    let mx = a.midfoot_x_px.unwrap().round() as i32;
    let white_rows = (0..h)
        .filter(|&y| px(&ann, mx, y).iter().all(|&c| c > 200) && px(&orig, mx, y).iter().any(|&c| c < 200))
        .count();
    assert!(white_rows > h as usize / 4, "mid-foot line: {white_rows} white rows at x={mx}");
    // The top-left speed panel darkens the corner; the rep counter the top-right.
    let corner = (w / 40, h / 40, w / 8, h / 12);
    assert!(mean_abs_diff(&orig, &ann, corner.0, corner.1, corner.2, corner.3) > 20.0, "speed panel");
    assert!(mean_abs_diff(&orig, &ann, w - corner.0 - corner.2, corner.1, corner.2, corner.3) > 20.0, "rep counter");
    // The hip joint is marked in the hip colour (BGR), drawn on the hip point.
    let hip = a.frames[i].body.unwrap().hip;
    let p = px(&ann, hip[0].round() as i32, hip[1].round() as i32);
    let hip_bgr = [
        formcheck::report::plot::HIP_COLOUR.2,
        formcheck::report::plot::HIP_COLOUR.1,
        formcheck::report::plot::HIP_COLOUR.0,
    ];
    let dist: i32 = (0..3).map(|c| (p[c] as i32 - hip_bgr[c] as i32).abs()).sum();
    assert!(dist < 90, "hip dot colour {p:?} vs {hip_bgr:?}");

    // While the fault banner shows, the top centre changes; before the fault it does not.
    let f = &r.faults[0];
    let fi = (f.at_s * a.video.fps).round() as usize + 5;
    let (orig_f, ann_f) = (read_frame(input, fi), read_frame(&out, fi));
    let setup = r.liftoff_frame - 3;
    let (orig_s, ann_s) = (read_frame(input, setup), read_frame(&out, setup));
    let banner = (w * 4 / 10, h / 30, w / 5, h / 14);
    let with = mean_abs_diff(&orig_f, &ann_f, banner.0, banner.1, banner.2, banner.3);
    let before = mean_abs_diff(&orig_s, &ann_s, banner.0, banner.1, banner.2, banner.3);
    assert!(with > 25.0 && with > 3.0 * before, "banner: {with:.1} while up, {before:.1} before");
}

#[test]
fn wrong_video_or_extension_is_refused_with_what_to_do() {
    let (input, a) = rendered();
    let dir = out_dir("report_video_errors");
    let e = write_annotated(a, input, &dir.join("out.avi"), &mut |_, _| {}).unwrap_err().to_string();
    assert!(e.contains("out.avi") && e.contains(".mp4"), "{e}");

    let mut other = a.clone();
    other.video.width = 1920;
    other.video.height = 1080;
    let e = write_annotated(&other, input, &dir.join("out.mp4"), &mut |_, _| {}).unwrap_err().to_string();
    assert!(e.contains("1920x1080") && e.contains("640x360") && e.contains("--source"), "{e}");

    let mut shorter = a.clone();
    shorter.frames.truncate(a.frames.len() - 10);
    let e = write_annotated(&shorter, input, &dir.join("out.mp4"), &mut |_, _| {}).unwrap_err().to_string();
    assert!(e.contains("frame count"), "{e}");
    assert!(!dir.join("out.mp4").exists(), "no half-made video is left behind");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}
