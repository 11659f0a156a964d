//! Many videos at once: which files a folder holds, where each video's outputs go, and the
//! summary CSV a coach opens in a spreadsheet (one row per rep, one row per video that gave
//! no reps, with the reason).
//!
//! Running the analyses is the CLI's business (threads, progress bars); this module is the
//! plain-data part, so it can be tested without decoding anything.

use crate::error::{Error, Result};
use crate::schema::{Analysis, Rep, Severity};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// File name endings taken from a folder (compared without case).
pub const VIDEO_EXTENSIONS: [&str; 7] = ["mp4", "mov", "m4v", "mkv", "avi", "webm", "3gp"];

/// The videos to analyse, in a stable order: files named on the command line as given (a
/// missing one stays in the list so it gets its own failure line), folders searched
/// recursively for video files, hidden entries skipped, each folder's finds sorted by path.
pub fn collect_videos(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut videos = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)?;
            found.sort();
            videos.extend(found);
        } else {
            videos.push(input.clone());
        }
    }
    if videos.is_empty() {
        return Err(Error::NoVideos { inputs: inputs.to_vec() });
    }
    Ok(videos)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    for entry in entries {
        let path = entry.map_err(|source| Error::Io { path: dir.to_path_buf(), source })?.path();
        let hidden = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            walk(&path, found)?;
        } else if is_video_name(&path) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_video_name(path: &Path) -> bool {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    ext.is_some_and(|e| VIDEO_EXTENSIONS.contains(&e.as_str()))
}

/// Output stems (`DIR/NAME`, outputs add `.json`, `.bar_path.png`, ...) for each video.
/// Videos whose file names clash (`a/set.mp4`, `b/set.mp4`) get their parent folder's name
/// added, then a number, so no video's outputs overwrite another's.
pub fn output_stems(out_dir: &Path, videos: &[PathBuf]) -> Vec<PathBuf> {
    let stem = |v: &Path| v.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "video".into());
    let mut count: HashMap<String, usize> = HashMap::new();
    for v in videos {
        *count.entry(stem(v)).or_default() += 1;
    }
    let mut taken: HashMap<String, usize> = HashMap::new();
    videos
        .iter()
        .map(|v| {
            let mut name = stem(v);
            if count[&name] > 1 {
                if let Some(parent) = v.parent().and_then(|p| p.file_name()) {
                    name = format!("{}_{name}", parent.to_string_lossy());
                }
            }
            let n = taken.entry(name.clone()).or_default();
            *n += 1;
            if *n > 1 {
                name = format!("{name}_{n}");
            }
            out_dir.join(name)
        })
        .collect()
}

/// How one video of a batch went.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Analysed; the result JSON is at `json`.
    Done { analysis: Box<Analysis>, json: PathBuf },
    /// No result: the one-line reason (the same line `formcheck analyze` would print).
    Failed { error: String },
}

impl Outcome {
    /// One short line for the terminal: what the video gave, or why it gave nothing.
    pub fn line(&self) -> String {
        match self {
            Outcome::Failed { error } => format!("FAILED: {error}"),
            Outcome::Done { analysis, .. } => {
                let reps = analysis.reps.len();
                let plural = if reps == 1 { "" } else { "s" };
                if !analysis.view.usable {
                    return format!("{reps} rep{plural}, NOT JUDGED: {}", unusable_view_reason(analysis));
                }
                if reps == 0 {
                    return format!("no complete rep: {}", no_rep_reason(analysis));
                }
                let likely = likely_ids(analysis);
                if likely.is_empty() {
                    format!("{reps} rep{plural}, no likely fault")
                } else {
                    format!("{reps} rep{plural}, likely: {}", likely.join(", "))
                }
            }
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self, Outcome::Failed { .. })
    }
}

fn likely_ids(a: &Analysis) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for f in a.reps.iter().flat_map(|r| &r.faults).filter(|f| f.severity == Severity::Likely) {
        if !ids.contains(&f.id) {
            ids.push(f.id.clone());
        }
    }
    ids
}

/// The summary CSV's columns, in order.
pub const SUMMARY_COLUMNS: [&str; 21] = [
    "file",
    "status",
    "reason",
    "view",
    "rep",
    "reps_in_set",
    "rom_cm",
    "mean_velocity_m_s",
    "peak_velocity_m_s",
    "velocity_loss_pct",
    "bar_drift_max_cm",
    "hip_rise_before_bar_ms",
    "hip_rise_before_bar_cm",
    "setup_hip_height_ratio",
    "trunk_chord_change_pct",
    "back_bulge_pct",
    "lockout_trunk_lean_back_deg",
    "liftoff_accel_ratio",
    "faults_likely",
    "faults_watch",
    "result_json",
];

/// Status column values.
pub const STATUS_OK: &str = "ok";
pub const STATUS_NOT_JUDGED: &str = "not_judged";
pub const STATUS_NO_REPS: &str = "no_reps";
pub const STATUS_FAILED: &str = "failed";

/// The summary CSV: one row per rep of every analysed video, and one row for a video that
/// failed, gave no rep, or could not be judged from its view (with the reason). Cells that
/// were not measured are empty, never 0.
pub fn summary_csv(rows: &[(PathBuf, Outcome)]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::Csv { why: e.to_string() };
    w.write_record(SUMMARY_COLUMNS).map_err(csv_err)?;
    for (video, outcome) in rows {
        for record in records(video, outcome) {
            w.write_record(&record).map_err(csv_err)?;
        }
    }
    let bytes = w.into_inner().map_err(|e| Error::Csv { why: e.to_string() })?;
    Ok(String::from_utf8(bytes).expect("the CSV writer writes the UTF-8 it was given"))
}

fn records(video: &Path, outcome: &Outcome) -> Vec<Vec<String>> {
    let file = video.display().to_string();
    let (analysis, json) = match outcome {
        Outcome::Failed { error } => return vec![video_row(&file, STATUS_FAILED, error, "", 0, "")],
        Outcome::Done { analysis, json } => (analysis, json.display().to_string()),
    };
    let view = serde_json::to_value(analysis.view.kind).ok().and_then(|v| v.as_str().map(str::to_owned));
    let view = view.unwrap_or_default();
    let reps = analysis.reps.len();
    let (status, reason) = if !analysis.view.usable {
        (
            STATUS_NOT_JUDGED,
            analysis.view.reason.clone().unwrap_or_else(|| "the view does not allow a judgement".into()),
        )
    } else {
        (STATUS_OK, String::new())
    };
    if reps == 0 {
        let why = if reason.is_empty() { no_rep_reason(analysis) } else { reason };
        let status = if status == STATUS_OK { STATUS_NO_REPS } else { status };
        return vec![video_row(&file, status, &why, &view, 0, &json)];
    }
    let rep_status = |r: &Rep| match &r.not_judged {
        Some(why) if status == STATUS_OK => (STATUS_NOT_JUDGED, why.clone()),
        _ => (status, reason.clone()),
    };
    analysis
        .reps
        .iter()
        .map(|r| {
            let (status, reason) = rep_status(r);
            rep_row(&file, status, &reason, &view, reps, r, &json)
        })
        .collect()
}

fn unusable_view_reason(a: &Analysis) -> String {
    a.view.reason.clone().unwrap_or_else(|| "the view does not allow a judgement".into())
}

fn no_rep_reason(a: &Analysis) -> String {
    a.summary.notes.first().cloned().unwrap_or_else(|| "no complete pull (lift-off to lockout) was found".into())
}

fn video_row(file: &str, status: &str, reason: &str, view: &str, reps: usize, json: &str) -> Vec<String> {
    let mut row = vec![String::new(); SUMMARY_COLUMNS.len()];
    row[0] = file.into();
    row[1] = status.into();
    row[2] = reason.into();
    row[3] = view.into();
    row[5] = reps.to_string();
    row[19] = json.into();
    row
}

#[allow(clippy::too_many_arguments)]
fn rep_row(file: &str, status: &str, reason: &str, view: &str, reps: usize, r: &Rep, json: &str) -> Vec<String> {
    let num = |v: f64, digits: usize| if v.is_finite() { fixed(v, digits) } else { String::new() };
    let opt = |v: Option<f64>, digits: usize| v.map(|v| num(v, digits)).unwrap_or_default();
    let faults = |severity: Severity| {
        let ids: Vec<&str> = r.faults.iter().filter(|f| f.severity == severity).map(|f| f.id.as_str()).collect();
        ids.join(";")
    };
    vec![
        file.into(),
        status.into(),
        reason.into(),
        view.into(),
        r.index.to_string(),
        reps.to_string(),
        num(r.rom_cm, 1),
        num(r.mean_velocity_m_s, 3),
        num(r.peak_velocity_m_s, 3),
        num(r.velocity_loss_pct, 1),
        opt(r.bar_drift_max_cm, 1),
        opt(r.hip_rise_before_bar_ms, 0),
        opt(r.hip_rise_before_bar_cm, 1),
        opt(r.setup.hip_height_ratio, 3),
        opt(r.trunk_chord_change_pct, 1),
        opt(r.back_bulge_pct, 1),
        opt(r.lockout_trunk_lean_back_deg, 1),
        opt(r.liftoff_accel_ratio, 2),
        faults(Severity::Likely),
        faults(Severity::Watch),
        json.into(),
    ]
}

/// `v` to `digits` decimals, without the "-0.0" a spreadsheet user would puzzle over.
fn fixed(v: f64, digits: usize) -> String {
    let s = format!("{v:.digits$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Reads result JSON files back into outcomes, so the summary CSV can be made after the
/// videos were analysed elsewhere (e.g. one scheduler task per video).
pub fn outcomes_from_results(results: &[PathBuf]) -> Result<Vec<(PathBuf, Outcome)>> {
    results
        .iter()
        .map(|p| {
            let analysis = crate::report::json::read(p)?;
            let video = PathBuf::from(&analysis.video.path);
            Ok((video, Outcome::Done { analysis: Box::new(analysis), json: p.clone() }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Fault, View, ViewKind};

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"x").unwrap();
    }

    #[test]
    fn folders_give_their_videos_sorted_recursively_and_skip_the_rest() {
        let dir = std::env::temp_dir().join(format!("formcheck-batch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for name in ["b.mp4", "a.MOV", "notes.txt", ".hidden.mp4", "sub/c.mkv", ".cache/d.mp4"] {
            touch(&dir.join(name));
        }
        let named = PathBuf::from("/nowhere/missing.mp4");
        let found = collect_videos(&[dir.clone(), named.clone()]).unwrap();
        let expected = vec![dir.join("a.MOV"), dir.join("b.mp4"), dir.join("sub/c.mkv"), named];
        assert_eq!(found, expected);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_folder_without_videos_is_an_error_that_names_it() {
        let dir = std::env::temp_dir().join(format!("formcheck-batch-empty-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = collect_videos(std::slice::from_ref(&dir)).unwrap_err();
        assert!(matches!(e, Error::NoVideos { .. }));
        assert!(e.to_string().contains(&dir.display().to_string()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn clashing_names_get_their_folder_then_a_number() {
        let videos: Vec<PathBuf> =
            ["mon/set.mp4", "tue/set.mp4", "x/mon/set.mov", "single.mp4"].iter().map(PathBuf::from).collect();
        let stems = output_stems(Path::new("out"), &videos);
        let names: Vec<String> = stems.iter().map(|s| s.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["mon_set", "tue_set", "mon_set_2", "single"]);
    }

    fn analysis(usable: bool, reps: usize) -> Analysis {
        let truth = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_videos/clean_3rep.truth.json");
        let truth: crate::schema::Truth = serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
        let mut a = crate::report::fixture::analysis_from_truth(&truth, "clean_3rep.mp4");
        a.view = View { kind: if usable { ViewKind::Side } else { ViewKind::Front }, usable, reason: None };
        if !usable {
            a.view.reason = Some("front view, \"both shoulders\" seen".into());
        }
        a.reps.truncate(reps);
        a
    }

    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), SUMMARY_COLUMNS);
        r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
    }

    #[test]
    fn summary_has_a_row_per_rep_and_one_per_video_without_reps() {
        let mut a = analysis(true, usize::MAX);
        assert!(a.reps.len() >= 2, "the fixture has several reps");
        a.reps[1].faults.push(Fault {
            fault: 3,
            id: "bar_drift".into(),
            severity: Severity::Likely,
            confidence: 0.8,
            at_s: 1.0,
            value: 7.0,
            threshold: 5.0,
            lower_is_worse: false,
            evidence: "e".into(),
            cue: "c".into(),
        });
        a.reps[0].bar_drift_max_cm = None;
        let n = a.reps.len();
        a.reps[n - 1].not_judged = Some("your hands did not move with what was followed as the bar".into());
        let rows = vec![
            (PathBuf::from("good.mp4"), Outcome::Done { analysis: Box::new(a), json: "out/good.json".into() }),
            (
                PathBuf::from("front.mp4"),
                Outcome::Done { analysis: Box::new(analysis(false, 0)), json: "f.json".into() },
            ),
            (PathBuf::from("bad, \"cut\".mp4"), Outcome::Failed { error: "stops after 3 of 90 frames".into() }),
        ];
        let table = parse(&summary_csv(&rows).unwrap());
        assert_eq!(table.len(), n + 2);
        let col = |name: &str| SUMMARY_COLUMNS.iter().position(|c| *c == name).unwrap();
        assert_eq!(table[0][col("status")], STATUS_OK);
        assert_eq!(table[0][col("bar_drift_max_cm")], "", "unmeasured is empty, not 0");
        assert_eq!(table[1][col("rep")], "2");
        assert_eq!(table[1][col("faults_likely")], "bar_drift");
        assert_eq!(table[n - 1][col("status")], STATUS_NOT_JUDGED, "a rep left unjudged says so");
        assert!(table[n - 1][col("reason")].contains("hands did not move"));
        assert_eq!(table[n][col("status")], STATUS_NOT_JUDGED);
        assert!(table[n][col("reason")].contains("both shoulders"));
        assert_eq!(table[n + 1][col("file")], "bad, \"cut\".mp4", "quotes and commas survive");
        assert_eq!(table[n + 1][col("status")], STATUS_FAILED);
        assert_eq!(table[n + 1][col("reason")], "stops after 3 of 90 frames");
    }

    #[test]
    fn rounding_to_zero_drops_the_sign() {
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.06, 1), "-0.1");
        assert_eq!(fixed(1.23456, 2), "1.23");
    }

    #[test]
    fn outcome_lines_say_what_was_found_or_why_not() {
        let front = Outcome::Done { analysis: Box::new(analysis(false, 0)), json: "f.json".into() };
        assert!(front.line().contains("NOT JUDGED"), "{}", front.line());
        let failed = Outcome::Failed { error: "no plate".into() };
        assert_eq!(failed.line(), "FAILED: no plate");
        assert!(failed.failed() && !front.failed());
    }
}
