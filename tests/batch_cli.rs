//! `formcheck analyze DIR_OR_FILES... --out DIR`: the real binary on a folder holding good
//! sets, a clashing name, an empty file and a file that is not a video.

mod common;

use common::{formcheck, ok, sample, TempDir};
use serde_json::Value;
use std::path::Path;

fn truth_reps(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(sample(&format!("{name}.truth.json"))).unwrap();
    let truth: Value = serde_json::from_str(&text).unwrap();
    truth["reps"].as_array().unwrap().clone()
}

fn read_summary(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(str::to_owned)).collect()).collect()
}

/// A folder a coach might hand over: two sets (one in a sub-folder with a clashing file
/// name), an empty file, a text file renamed .mp4, and notes that are not videos.
fn coach_folder(dir: &Path) {
    std::fs::create_dir_all(dir.join("week2")).unwrap();
    std::fs::copy(sample("clean_3rep.mp4"), dir.join("set.mp4")).unwrap();
    std::fs::copy(sample("bar_drift.mp4"), dir.join("week2/set.mp4")).unwrap();
    std::fs::write(dir.join("empty.mp4"), b"").unwrap();
    std::fs::write(dir.join("renamed.mp4"), b"this is a shopping list, not a video\n").unwrap();
    std::fs::write(dir.join("notes.txt"), b"not a video").unwrap();
}

#[test]
fn a_folder_is_analysed_past_its_bad_files_with_a_summary_row_per_rep() {
    let tmp = TempDir::new("batch");
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    coach_folder(&input);

    let run = formcheck(&["analyze", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--jobs", "2"]);
    assert_eq!(run.status.code(), Some(1), "a failed file makes the exit code non-zero");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // One line per video, the bad ones on stderr with their reason.
    assert!(stderr.contains("empty.mp4: FAILED:") && stderr.contains("0 bytes"), "{stderr}");
    assert!(stderr.contains("renamed.mp4: FAILED:"), "{stderr}");
    assert!(stdout.contains("set.mp4: 3 reps"), "{stdout}");
    assert!(stdout.contains("2 of 4 videos analysed (2 failed"), "{stdout}");
    assert!(stderr.contains("2 of 4 videos failed"), "{stderr}");

    // Clashing names do not overwrite each other.
    for name in ["in_set", "week2_set"] {
        assert!(out.join(format!("{name}.json")).is_file(), "{name}.json");
        assert!(out.join(format!("{name}.bar_path.png")).is_file(), "{name}.bar_path.png");
    }

    let rows = read_summary(&out.join("summary.csv"));
    let of = |file: &str| -> Vec<_> { rows.iter().filter(|r| r["file"].ends_with(file)).collect() };
    // Rep rows match the rendered truth, rep by rep, and the drifting reps carry the label.
    for (file, truth) in [("in/set.mp4", "clean_3rep"), ("week2/set.mp4", "bar_drift")] {
        let reps = of(file);
        let truth = truth_reps(truth);
        assert_eq!(reps.len(), truth.len(), "{file}: one row per rep");
        for (row, t) in reps.iter().zip(&truth) {
            assert_eq!(row["status"], "ok");
            let drifted = t["faults"].as_array().unwrap().iter().any(|f| f["id"] == "bar_drift");
            assert_eq!(row["faults_likely"].contains("bar_drift"), drifted, "{file} rep {}", row["rep"]);
            let drift: f64 = row["bar_drift_max_cm"].parse().unwrap();
            assert!(drifted == (drift > 5.0), "{file} rep {}: drift {drift} cm", row["rep"]);
        }
    }
    for file in ["empty.mp4", "renamed.mp4"] {
        let row = of(file);
        assert_eq!(row.len(), 1, "{file}: one row");
        assert_eq!(row[0]["status"], "failed");
        assert!(!row[0]["reason"].is_empty());
    }
    assert!(of("notes.txt").is_empty(), "files that are not videos are not taken from a folder");

    // The same summary rows from the result files, as a scheduler's array job would make them.
    let jsons = [out.join("in_set.json"), out.join("week2_set.json")];
    let mut args = vec!["summary"];
    args.extend(jsons.iter().map(|p| p.to_str().unwrap()));
    let again = ok(&formcheck(&args));
    let written = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let analysed: Vec<&str> = written.lines().filter(|l| !l.contains(",failed,")).collect();
    let lines: Vec<&str> = again.lines().collect();
    assert_eq!(lines.len(), analysed.len());
    for (a, b) in lines.iter().zip(&analysed) {
        // The file column is the path the result recorded; everything after it is the same.
        assert_eq!(a.split_once(',').unwrap().1, b.split_once(',').unwrap().1);
    }
}

#[test]
fn single_video_flags_are_refused_with_several_videos() {
    let tmp = TempDir::new("batch-flags");
    let a = sample("clean_3rep.mp4");
    let b = sample("bar_drift.mp4");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = tmp.path().to_str().unwrap();
    let run = formcheck(&["analyze", a, b, "--out", out, "--json", "x.json"]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("--json") && stderr.contains("--out DIR"), "{stderr}");

    let run = formcheck(&["analyze", a, b]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("need --out DIR"));
    assert!(std::fs::read_dir(tmp.path()).unwrap().next().is_none(), "nothing written when refused");
}

#[test]
fn a_folder_without_videos_says_so() {
    let tmp = TempDir::new("batch-empty");
    std::fs::write(tmp.path().join("notes.txt"), b"x").unwrap();
    let out = tmp.path().join("out");
    let run = formcheck(&["analyze", tmp.path().to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("no video found"), "{stderr}");
}
