//! The command line: `formcheck report RESULT.json` and `formcheck analyze` with `--video`,
//! `--report`, `--csv` and `--json -`.

mod common;
mod report_support;

use formcheck::report::{csv, json};
use report_support::*;
use std::process::Command;

fn formcheck() -> Command {
    Command::new(env!("CARGO_BIN_EXE_formcheck"))
}

#[test]
fn report_subcommand_makes_the_folder_video_and_csv_from_a_result() {
    let (input, a) = rendered();
    let dir = out_dir("report_cli_report");
    let result = dir.join("small.json");
    json::write(a, &result).unwrap();
    let out = formcheck()
        .arg("report")
        .arg(&result)
        .args(["--video", dir.join("small.annotated.mp4").to_str().unwrap()])
        .args(["--csv", dir.join("small.csv").to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "formcheck report failed: {stderr}");
    // Default folder: RESULT-report beside the result.
    let report = dir.join("small-report");
    for f in ["report.html", "frames.csv", "result.json", "bar_path.png", "timeline.svg", "poster.jpg"] {
        assert!(report.join(f).is_file(), "{f} missing from {}", report.display());
    }
    let html = std::fs::read_to_string(report.join("report.html")).unwrap();
    assert!(html.contains("src=\"../small.annotated.mp4\""), "video linked relatively");
    assert_eq!(ffprobe(&dir.join("small.annotated.mp4"))["codec_name"], "h264");
    // The CSV holds exactly the tracks of the result file it was made from.
    let from_file = json::read(&result).unwrap();
    assert!(csv::read_frames(&dir.join("small.csv")).unwrap() == from_file.frames);
    assert!(stderr.contains("Report:") && stderr.contains("Annotated video:"), "{stderr}");
    assert!(input.is_file());
}

#[test]
fn report_subcommand_says_how_to_find_a_moved_video() {
    let (_, a) = rendered();
    let dir = out_dir("report_cli_moved");
    let mut moved = a.clone();
    moved.video.path = "/nowhere/gone.mp4".into();
    let result = dir.join("r.json");
    json::write(&moved, &result).unwrap();
    let out = formcheck()
        .arg("report")
        .arg(&result)
        .args(["--video", dir.join("v.mp4").to_str().unwrap(), "--out", dir.join("rep").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/nowhere/gone.mp4") && stderr.contains("--source"), "{stderr}");

    // Without --video the report needs no video at all.
    let out = formcheck()
        .arg("report")
        .arg(&result)
        .args(["--out", dir.join("rep").to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "--quiet prints nothing");
    assert!(dir.join("rep/report.html").is_file());
}

#[test]
fn analyze_writes_video_report_and_csv_and_keeps_stdout_json_clean() {
    let (input, _) = rendered();
    let dir = out_dir("report_cli_analyze");
    let out = formcheck()
        .arg("analyze")
        .arg(input)
        .arg("--bar-only")
        .args(["--json", "-"])
        .args(["--video", dir.join("annotated.mp4").to_str().unwrap()])
        .args(["--report", dir.join("report").to_str().unwrap()])
        .args(["--csv", dir.join("frames.csv").to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "formcheck analyze failed: {stderr}");
    // Standard output is the JSON result and nothing else: it pipes.
    let a: formcheck::schema::Analysis = serde_json::from_slice(&out.stdout).expect("stdout is one JSON result");
    assert!(!a.reps.is_empty());
    // No progress bar when standard error is not a terminal; status lines and summary there.
    assert!(!stderr.contains("[=") && !stderr.contains("=>"), "progress bar drawn into a pipe: {stderr}");
    assert!(stderr.contains("Report:"), "{stderr}");
    let ann = ffprobe(&dir.join("annotated.mp4"));
    assert_eq!(ann["codec_name"], "h264");
    assert_eq!(ann["nb_read_frames"].as_str().unwrap().parse::<usize>().unwrap(), a.frames.len());
    let frames = csv::read_frames(&dir.join("frames.csv")).unwrap();
    assert_eq!(frames.len(), a.frames.len());
    for (f, g) in frames.iter().zip(&a.frames) {
        match (f.bar, g.bar) {
            (Some(p), Some(q)) => assert!((p.x_px - q.x_px).abs() < 1e-9 && (p.y_px - q.y_px).abs() < 1e-9),
            (None, None) => {}
            _ => panic!("frame {}: bar in one output only", f.i),
        }
    }
    let html = std::fs::read_to_string(dir.join("report/report.html")).unwrap();
    assert!(html.contains("src=\"../annotated.mp4\""));
}

/// `analyze --timings`: every stage is listed, the frame count is the video's, and each
/// thread's stages fit inside the wall clock.
#[test]
fn timings_table_lists_the_stages_and_adds_up() {
    let out = common::formcheck(&[
        "analyze",
        common::sample("clean_3rep.mp4").to_str().unwrap(),
        "--bar-only",
        "-q",
        "--timings",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stderr).unwrap();
    let secs = |stage: &str| -> f64 {
        let line = table.lines().find(|l| l.starts_with(stage)).unwrap_or_else(|| panic!("no {stage} row:\n{table}"));
        line[stage.len()..].split_whitespace().next().unwrap().parse().unwrap()
    };
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(common::sample("clean_3rep.truth.json")).unwrap()).unwrap();
    let frames = truth["frame_count"].as_u64().unwrap();
    assert!(table.contains(&format!("({frames} frames,")), "{table}");
    let bar_thread = secs("bar (own thread)") + secs("grey + camera (bar thread)");
    assert!(bar_thread <= secs("total (wall clock)") + 0.05, "{table}");
    let sequential: f64 = [
        "waiting for frames",
        "body points",
        "track clean-up",
        "sha256",
        "reps, metrics, faults",
        "outputs (plots, JSON, ...)",
    ]
    .iter()
    .map(|s| secs(s))
    .sum();
    let total = secs("total (wall clock)");
    assert!(secs("decode (own thread)") > 0.0 && secs("bar (own thread)") > 0.0, "{table}");
    assert_eq!(secs("body points"), 0.0, "--bar-only runs no body model");
    // Rounding to 0.01 s per row.
    assert!(sequential <= total + 0.1, "{sequential} s of stages in {total} s:\n{table}");
}

/// `analyze` in a terminal: after the rep table, the faults to fix first, each with the reps
/// it showed in, the worst reading against its limit and how sure, the evidence and the cue
/// (the committed fatigue_rounding sample rounds its back in reps 4 and 5 only).
#[test]
fn analyze_prints_what_to_fix_first_with_evidence_and_cue() {
    let video = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_videos/fatigue_rounding.mp4");
    let out = formcheck().arg("analyze").arg(&video).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "formcheck analyze failed: {}", String::from_utf8_lossy(&out.stderr));
    let words = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("View: side view (") && words.contains("), usable for form judgements"), "{stdout}");
    assert!(!words.contains("side view (side view"), "the view named twice: {stdout}");
    assert!(stdout.lines().skip(1).all(|l| l.chars().count() <= 88), "lines wrapped for a terminal: {stdout}");
    let fix = &stdout[stdout.find("What to fix first:").expect("a fix-first section")..];
    assert!(fix.contains("1. Lower back rounding (likely)"), "{fix}");
    assert!(fix.contains("Seen in 2 of 5 reps (reps 4, 5)"), "{fix}");
    assert!(fix.contains("fatigue"), "{fix}");
    assert!(fix.contains("Rep 4: at ") || fix.contains("Rep 5: at "), "evidence with its time: {fix}");
    assert!(fix.contains("Cue: Brace"), "{fix}");
}
