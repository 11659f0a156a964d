//! formcheck's body points against MediaPipe's own pipeline, and the view verdicts, on the
//! real clips in ../shared/realvids (not redistributable: the tests skip with a printed reason
//! when they are absent).
//!
//! The reference points were made by MediaPipe's legacy Pose solution (PyPI mediapipe
//! 0.10.14, model_complexity 1, video mode, its own smoothing) with
//! `scripts/reference/make_mediapipe_refs.sh` and are stored as numbers only in
//! `tests/data/mediapipe/<clip>.json`, together with the sha256 of the clip they came from.
//! Both sides are in OpenCV pixels (pixel centres at integers). See docs/body.md for the
//! pairing rule, the choice of clips and the findings.
//!
//! `FORMCHECK_BODY_MODEL=heavy` runs the same tests with `--model heavy` against MediaPipe's
//! heavy model (model_complexity 2), stored in `tests/data/mediapipe_heavy/` by
//! `MODEL=heavy scripts/reference/make_mediapipe_refs.sh`.
//!
//! Each clip is analysed once per test run by the real binary; both tests share the results.
//! Run with `-- --show-output` to see the per-clip tables.
// `!(m <= bound)` fails a NaN median too; the lift window indexes two per-frame lists.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::needless_range_loop)]

mod common;

use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

/// The joints in a stored reference row, in order (per side: x, y, visibility each).
const JOINTS: [&str; 8] = ["shoulder", "hip", "knee", "ankle", "heel", "toe", "ear", "wrist"];
/// Joints compared, the body issue's target for their median distance in native pixels, and
/// the bound this test enforces. The target is not met on every clip yet (docs/body.md: the
/// peer smooths the crop it feeds the network; formcheck crops from the raw points because
/// that is measurably more accurate on the rendered truth), so the test holds every clip to
/// the enforced bound as a regression guard and prints the clips above the target.
const CHECKED: [&str; 3] = ["shoulder", "hip", "knee"];
const TARGET_MEDIAN_PX: f64 = 6.0;
const MAX_MEDIAN_PX: f64 = 13.0;
/// Ankles "disagree" when further apart than this share of the person's height.
const ANKLE_DISAGREE_SHARE: f64 = 0.05;

/// Clips held to the bound: the eight jeffjchen clips and every other barbell side view
/// (INDEX.tsv camera_view "side", with or without a remark after it) in which formcheck finds
/// a rep.
const AGREEMENT_CLIPS: [&str; 19] = [
    "deadlift_side_jeffjchen_armbend",
    "deadlift_side_jeffjchen_bad",
    "deadlift_side_jeffjchen_good",
    "deadlift_side_jeffjchen_goodbad",
    "deadlift_side_jeffjchen_heellift",
    "deadlift_side_jeffjchen_nicoblocked",
    "deadlift_side_jeffjchen_nicounblocked",
    "deadlift_side_jeffjchen_rdl",
    "deadlift_side_bichraix_bad007",
    "deadlift_side_bichraix_bad010",
    "deadlift_side_bichraix_bad011",
    "deadlift_side_bichraix_good008",
    "deadlift_side_bichraix_good014",
    "deadlift_side_bichraix_good015",
    "deadlift_side_bichraix_good019",
    "deadlift_side_bichraix_good020",
    "deadlift_side_formfit_studio",
    "clean_side_bartrace_dave",
    "deadlift_side_bichraix_badform_far",
];

/// The other camera_view "side" clips: compared and printed, not held to the bound.
const INFO_CLIPS: [(&str, &str); 11] = [
    ("deadlift_side_bichraix_bad006", "near plate hides the whole trunk from knee height to lockout"),
    ("deadlift_side_bichraix_bad008", "starts mid-pull: no lift-off, no lift window"),
    ("deadlift_side_bichraix_bad012", "formcheck finds no rep: no lift window"),
    ("deadlift_side_bichraix_bad018", "starts mid-pull: no lift-off, no lift window"),
    ("deadlift_side_bichraix_good007", "starts mid-pull: no lift-off, no lift window"),
    ("deadlift_side_bichraix_good013", "formcheck finds no rep: no lift window"),
    ("deadlift_side_bichraix_good018", "starts mid-pull: no lift-off, no lift window"),
    ("clean_side_bartrace_randy", "one second from mid-pull to lockout: no lift-off, no lift window"),
    ("deadlift_side_bichraix_bad016", "far and small, starts mid-pull: no lift window; MediaPipe finds the lifter in 66 of 146 frames"),
    ("deadlift_side_bichraix_good009", "1.1 s in which the bar hardly moves: no rep, no lift window"),
    (
        "trapbar_side_rfndevgit_deadlift3",
        "a trap bar, not a barbell: its plates cover the knees in 121 of 133 frames; hip and knee medians are above the guard, not looked into",
    ),
];

// ---------------------------------------------------------------------------------------
// Stored references
// ---------------------------------------------------------------------------------------

/// The landmark model the clips are analysed with: `FORMCHECK_BODY_MODEL=heavy` compares
/// `--model heavy` with MediaPipe's heavy model (model_complexity 2), stored apart.
fn body_model() -> &'static str {
    static MODEL: OnceLock<String> = OnceLock::new();
    MODEL.get_or_init(|| std::env::var("FORMCHECK_BODY_MODEL").unwrap_or_else(|_| "full".into()))
}

fn reference_dir() -> PathBuf {
    match body_model() {
        "full" => common::repo().join("tests/data/mediapipe"),
        other => common::repo().join(format!("tests/data/mediapipe_{other}")),
    }
}

/// One stored MediaPipe reference: per frame, `None` when MediaPipe found no pose, else
/// `[side][joint] = [x, y, visibility]` with side 0 = MediaPipe's (the person's) left.
struct Reference {
    sha256: String,
    mediapipe: String,
    frames: Vec<Option<common::PeerFrame>>,
}

fn load_reference(clip: &str) -> Reference {
    let path = reference_dir().join(format!("{clip}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let joints: Vec<&str> = v["joints"].as_array().unwrap().iter().map(|j| j.as_str().unwrap()).collect();
    assert_eq!(joints, JOINTS, "{clip}: joint order");
    assert_eq!(v["clip"].as_str(), Some(format!("{clip}.mp4").as_str()));
    let frames = common::peer_frames(&v, clip);
    assert_eq!(frames.len() as u64, v["frame_count"].as_u64().unwrap(), "{clip}: frame count");
    Reference {
        sha256: v["sha256"].as_str().unwrap().to_string(),
        mediapipe: v["mediapipe"].as_str().unwrap().to_string(),
        frames,
    }
}

#[test]
fn stored_references_are_the_listed_clips() {
    let mut stored: Vec<String> = std::fs::read_dir(reference_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
        .collect();
    stored.sort();
    let mut listed: Vec<String> =
        AGREEMENT_CLIPS.iter().copied().chain(INFO_CLIPS.iter().map(|c| c.0)).map(str::to_string).collect();
    listed.sort();
    assert_eq!(stored, listed, "tests/data/mediapipe and the clip lists in this file differ");
    let mut bytes = 0;
    for clip in &stored {
        bytes += std::fs::metadata(reference_dir().join(format!("{clip}.json"))).unwrap().len();
        let r = load_reference(clip);
        assert_eq!(r.mediapipe, "0.10.14", "{clip}");
        assert_eq!(r.sha256.len(), 64, "{clip}");
        let held = AGREEMENT_CLIPS.contains(&clip.as_str());
        let found = r.frames.iter().filter(|f| f.is_some()).count();
        assert!(!held || found * 2 > r.frames.len(), "{clip}: MediaPipe finds a pose in {found} frames");
    }
    assert!(bytes < 1_500_000, "stored references are {bytes} bytes");
}

// ---------------------------------------------------------------------------------------
// The binary's results, once per clip per test run
// ---------------------------------------------------------------------------------------

type Analysed = Result<Arc<Value>, String>;

/// `formcheck analyze CLIP --json`, parsed; the first caller runs it, later ones (from any
/// test thread) wait for and share that result.
fn analysis(video: &Path) -> Analysed {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<OnceLock<Analysed>>>>> = OnceLock::new();
    let cell = CACHE.get_or_init(Default::default).lock().unwrap().entry(video.to_path_buf()).or_default().clone();
    cell.get_or_init(|| run_analyze(video)).clone()
}

fn run_analyze(video: &Path) -> Analysed {
    let name = video.file_stem().unwrap().to_string_lossy().to_string();
    let out = std::env::temp_dir().join(format!("formcheck-body-reference-{}-{name}.json", std::process::id()));
    let started = Instant::now();
    let run = Command::new(env!("CARGO_BIN_EXE_formcheck"))
        .arg("analyze")
        .arg(video)
        .args(["--model", body_model()])
        .arg("--json")
        .arg(&out)
        .arg("--quiet")
        .output()
        .map_err(|e| format!("running formcheck: {e}"))?;
    if !run.status.success() {
        return Err(format!("formcheck analyze {name} failed: {}", String::from_utf8_lossy(&run.stderr).trim()));
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let _ = std::fs::remove_file(&out);
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{name}: bad JSON: {e}"))?;
    println!("  analysed {name} in {:.1} s", started.elapsed().as_secs_f64());
    Ok(Arc::new(v))
}

/// The clip, or `None` with the reason printed.
fn clip_video(dir: &Path, clip: &str, sha256: Option<&str>) -> Option<PathBuf> {
    let path = dir.join(format!("{clip}.mp4"));
    if !path.is_file() {
        println!("skipped {clip}: not in {}", dir.display());
        return None;
    }
    if let Some(want) = sha256 {
        let got = formcheck::video::sha256_file(&path).unwrap();
        if got != want {
            println!("skipped {clip}: its sha256 {got} is not the one the reference was made from ({want})");
            return None;
        }
    }
    Some(path)
}

// ---------------------------------------------------------------------------------------
// Agreement with MediaPipe
// ---------------------------------------------------------------------------------------

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn quantile(v: &mut [f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// A body point of formcheck's result: `[x, y, conf]`.
fn point(frame: &Value, joint: &str) -> Option<[f64; 3]> {
    let p = frame["body"][joint].as_array()?;
    Some([p[0].as_f64()?, p[1].as_f64()?, p[2].as_f64()?])
}

/// The hand-checked labels of the jeffjchen clips, when present.
fn hand_labels(dir: &Path) -> Vec<Value> {
    let path = dir.join("labels/jeffjchen_hand_labels.json");
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str::<Value>(&text).unwrap().as_array().cloned().unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// The frames of the lift: from the first lift-off to the last lockout, by the hand labels
/// (a clip that starts mid-pull or ends before lockout: its first / top frame) and by
/// formcheck's reps, whichever reaches further.
fn lift_window(clip: &str, result: &Value, labels: &[Value]) -> Option<(usize, usize)> {
    let mut windows = Vec::new();
    if let Some(l) = labels.iter().find(|l| l["file"].as_str() == Some(&format!("{clip}.mp4"))) {
        let reps = l["reps"].as_array().unwrap();
        let first = reps.first()?["liftoff_frame"].as_u64().or(l["body"]["setup"]["frame"].as_u64())?;
        let last = reps.last()?["lockout_frame"].as_u64().or(l["body"]["lockout"]["frame"].as_u64())?;
        windows.push((first as usize, last as usize));
    }
    let reps = result["reps"].as_array().unwrap();
    if !reps.is_empty() {
        let first = reps.iter().map(|r| r["liftoff_frame"].as_u64().unwrap()).min().unwrap();
        let last = reps.iter().map(|r| r["lockout_frame"].as_u64().unwrap()).max().unwrap();
        windows.push((first as usize, last as usize));
    }
    let first = windows.iter().map(|w| w.0).min()?;
    let last = windows.iter().map(|w| w.1).max()?;
    Some((first, last))
}

/// How formcheck and MediaPipe compare on one clip.
struct Comparison {
    frames_both: usize,
    /// Frames left out of every median: MediaPipe's shoulders below its hips on both sides.
    mp_upside_down: usize,
    /// Frames left out of the knee's median: a knee inside the plate's disc.
    knee_behind_plate: usize,
    /// Per joint (JOINTS order): median distance to the nearer of MediaPipe's two sides.
    nearest: [f64; 8],
    /// Per joint: median distance to MediaPipe's own near side (the side it sees better).
    mp_near: [f64; 8],
    mp_near_side: &'static str,
    /// Share of frames whose ankles are further apart than ANKLE_DISAGREE_SHARE of the height.
    ankle_disagree: (usize, f64),
    height_px: f64,
    window: Option<(usize, usize)>,
    /// Frames of the lift without a body in formcheck's result / without a pose in MediaPipe's.
    lost: Vec<usize>,
    mp_lost: usize,
    frame_counts: (usize, usize),
}

fn compare(clip: &str, reference: &Reference, result: &Value, labels: &[Value]) -> Comparison {
    let frames = result["frames"].as_array().unwrap();
    // MediaPipe's near side, by the same rule formcheck uses: summed visibility of the
    // shoulder, hip, knee and ankle over the clip.
    let vis = |side: usize| -> f64 {
        reference.frames.iter().flatten().map(|f| (0..4).map(|j| f[side][j][2]).sum::<f64>()).sum()
    };
    let near = if vis(0) >= vis(1) { 0 } else { 1 };
    // Person height: ear to the lowest foot point, 90th percentile over frames (MediaPipe's
    // points, so the yardstick does not depend on the tracker being judged).
    let mut spans: Vec<f64> = reference
        .frames
        .iter()
        .flatten()
        .map(|f| {
            let ys = f.iter().flat_map(|side| side.iter().map(|p| p[1]));
            let (lo, hi) = ys.fold((f64::MAX, f64::MIN), |(l, h), y| (l.min(y), h.max(y)));
            hi - lo
        })
        .collect();
    let height_px = quantile(&mut spans, 0.9);
    let mut nearest: Vec<Vec<f64>> = vec![Vec::new(); 8];
    let mut mp_near: Vec<Vec<f64>> = vec![Vec::new(); 8];
    let mut frames_both = 0;
    let mut ankle_far = 0;
    let (mut mp_upside_down, mut knee_behind_plate) = (0, 0);
    let plate_radius = result["calibration"]["plate_diameter_px"].as_f64().unwrap_or(0.0) / 2.0;
    let (sh, hi, kn) = (0, 1, 2);
    for (frame, mp) in frames.iter().zip(&reference.frames) {
        let Some(mp) = mp else { continue };
        if frame["body"].is_null() {
            continue;
        }
        frames_both += 1;
        // MediaPipe sometimes folds the skeleton at setup, shoulders below hips on both
        // sides (docs/body.md shows one): a deadlifter's shoulders are always above the hips
        // in a side view, so those frames say nothing about formcheck.
        if mp.iter().all(|side| side[sh][1] > side[hi][1]) {
            mp_upside_down += 1;
            continue;
        }
        // A knee inside the plate's disc is hidden from the camera: counted for the table
        // (it explains the clips where the knees disagree), not left out.
        let behind_plate = |p: [f64; 3]| {
            frame["bar"]["x_px"]
                .as_f64()
                .is_some_and(|bx| (p[0] - bx).hypot(p[1] - frame["bar"]["y_px"].as_f64().unwrap()) < plate_radius)
        };
        let knee = point(frame, "knee").unwrap();
        let knee_hidden = behind_plate(knee) || behind_plate(mp[0][kn]) || behind_plate(mp[1][kn]);
        knee_behind_plate += knee_hidden as usize;
        for (j, joint) in JOINTS.iter().enumerate() {
            let p = point(frame, joint).unwrap();
            let d = dist(p, mp[0][j]).min(dist(p, mp[1][j]));
            nearest[j].push(d);
            mp_near[j].push(dist(p, mp[near][j]));
            if *joint == "ankle" && d > ANKLE_DISAGREE_SHARE * height_px {
                ankle_far += 1;
            }
        }
    }
    let window = lift_window(clip, result, labels);
    let (mut lost, mut mp_lost) = (Vec::new(), 0);
    if let Some((a, b)) = window {
        for i in a..=b.min(frames.len().saturating_sub(1)) {
            if frames[i]["body"].is_null() {
                lost.push(i);
            }
            if reference.frames.get(i).is_none_or(Option::is_none) {
                mp_lost += 1;
            }
        }
    }
    let med = |v: &mut Vec<Vec<f64>>| -> [f64; 8] { std::array::from_fn(|j| median(&mut v[j])) };
    Comparison {
        frames_both,
        mp_upside_down,
        knee_behind_plate,
        nearest: med(&mut nearest),
        mp_near: med(&mut mp_near),
        mp_near_side: ["left", "right"][near],
        ankle_disagree: (ankle_far, ankle_far as f64 / frames_both.max(1) as f64),
        height_px,
        window,
        lost,
        mp_lost,
        frame_counts: (frames.len(), reference.frames.len()),
    }
}

fn row(clip: &str, result: &Value, c: &Comparison) -> String {
    let j = |name: &str| JOINTS.iter().position(|n| *n == name).unwrap();
    let mut s = format!("{clip:<40} {:>5} {:>4} {:>4} ", c.frames_both, c.mp_upside_down, c.knee_behind_plate);
    for name in ["shoulder", "hip", "knee", "ankle"] {
        write!(s, " {:>5.1}/{:<5.1}", c.nearest[j(name)], c.mp_near[j(name)]).unwrap();
    }
    let window = c.window.map_or("-".to_string(), |(a, b)| format!("{a}-{b}"));
    write!(
        s,
        "  {:>3}/{:<3} {:>4.0}% ({:>3.0} px)  {:<5} {:<5}  {:>8}  {:>2}  {:>2}",
        c.ankle_disagree.0,
        c.frames_both,
        100.0 * c.ankle_disagree.1,
        ANKLE_DISAGREE_SHARE * c.height_px,
        result["near_side"].as_str().unwrap_or("-"),
        c.mp_near_side,
        window,
        c.lost.len(),
        c.mp_lost
    )
    .unwrap();
    s
}

const HEADER: &str = "clip                                     frames fold kn-p   shoulder     hip          knee         ankle         ankles > 5% of height   near: fc mp   lift      lost mp-lost\n\
                      (median px: nearest of MediaPipe's sides / MediaPipe's near side; fold: frames MediaPipe folded, left out; kn-p: frames with a knee inside the plate's disc)";

#[test]
fn body_points_agree_with_mediapipe_on_side_views() {
    let Some(dir) = common::realvids("body_points_agree_with_mediapipe_on_side_views") else { return };
    let labels = hand_labels(&dir);
    let started = Instant::now();
    let mut table = String::new();
    let mut failures = Vec::new();
    let mut above_target = Vec::new();
    let mut checked = 0;
    let clips = AGREEMENT_CLIPS.iter().map(|c| (*c, None)).chain(INFO_CLIPS.iter().map(|(c, why)| (*c, Some(*why))));
    for (clip, excluded) in clips {
        let reference = load_reference(clip);
        let Some(video) = clip_video(&dir, clip, Some(&reference.sha256)) else { continue };
        let result = match analysis(&video) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{clip}: {e}"));
                continue;
            }
        };
        let c = compare(clip, &reference, &result, &labels);
        writeln!(
            table,
            "{}{}",
            row(clip, &result, &c),
            excluded.map_or(String::new(), |w| format!("  [not held: {w}]"))
        )
        .unwrap();
        if excluded.is_some() {
            continue;
        }
        checked += 1;
        if c.frame_counts.0 != c.frame_counts.1 {
            failures
                .push(format!("{clip}: formcheck decoded {} frames, MediaPipe {}", c.frame_counts.0, c.frame_counts.1));
            continue;
        }
        for joint in CHECKED {
            let m = c.nearest[JOINTS.iter().position(|n| *n == joint).unwrap()];
            if !(m <= MAX_MEDIAN_PX) {
                failures.push(format!("{clip}: median {joint} distance {m:.1} px > {MAX_MEDIAN_PX} px"));
            } else if m > TARGET_MEDIAN_PX {
                above_target.push(format!("{clip} {joint} {m:.1} px"));
            }
        }
        match c.window {
            None => failures.push(format!("{clip}: no lift (formcheck found no rep and there are no hand labels)")),
            Some((a, b)) if !c.lost.is_empty() => {
                failures.push(format!("{clip}: no body in frames {:?} of the lift ({a}-{b})", c.lost))
            }
            Some(_) => {}
        }
    }
    println!("{HEADER}\n{table}");
    println!("{checked} clips held to the bound; {:.0} s", started.elapsed().as_secs_f64());
    println!(
        "{} joint medians above the {TARGET_MEDIAN_PX} px target (within the {MAX_MEDIAN_PX} px guard):\n  {}",
        above_target.len(),
        above_target.join("\n  ")
    );
    assert!(failures.is_empty(), "{} disagreement(s) with MediaPipe:\n  {}", failures.len(), failures.join("\n  "));
}

// ---------------------------------------------------------------------------------------
// View verdicts
// ---------------------------------------------------------------------------------------

/// Side clips whose plate the bar tracker does not find: it follows another round thing, and
/// the bar-above-the-shoulders check refuses the clip, rightly (the numbers would be wrong).
/// The view itself must still read `side`. The test fails when one of these is accepted
/// again, so the list stays true. Empty since 2026-12-06: bichraix_good013's plate, missed on
/// the first frame, is now found by the second search near the hands (`BarTracker::search_near_hands`).
const KNOWN_BAR_MISSES: [(&str, &str); 0] = [];

/// A 45-degree clip the view check passes as a side view. The test fails when it is refused,
/// so the list stays true (and the fix is noticed).
const KNOWN_VIEW_MISSES: [(&str, &str); 1] = [(
    "deadlift_rearoblique_bichraix_worstform_handheld",
    "166x360, hand-held, camera above the bar: the network reads it side-on (shoulder/hip spread 0.12; shoulder axis 2 degrees off the depth axis by MediaPipe's own z) and the plate reads 0.92 round, as elevated side views do; docs/body.md, View verdicts",
)];

#[test]
fn front_and_oblique_clips_are_refused_and_side_clips_accepted() {
    let Some(dir) = common::realvids("front_and_oblique_clips_are_refused_and_side_clips_accepted") else { return };
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap();
    let mut lines = index.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("INDEX.tsv has no {name}"));
    let (file_col, view_col) = (col("filename"), col("camera_view"));
    // (clip, expected usable, camera_view); the refused ones first, so this test does not
    // wait on the side clips the agreement test is analysing at the same time.
    let mut expect: Vec<(String, bool, String)> = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<&str> = line.split('\t').collect();
        let (file, view) = (cells[file_col], cells[view_col]);
        let clip = file.strip_suffix(".mp4").unwrap_or(file).to_string();
        if view.starts_with("front") || view.starts_with("rear") || view.contains("45") {
            expect.push((clip, false, view.to_string()));
        } else if view.starts_with("side") && !view.starts_with("side-oblique") {
            expect.push((clip, true, view.to_string()));
        }
    }
    expect.sort_by_key(|e| e.1);
    assert!(expect.iter().filter(|e| e.1).count() >= 10 && expect.iter().filter(|e| !e.1).count() >= 10);
    let mut failures = Vec::new();
    let mut table = String::new();
    for (clip, usable, view) in &expect {
        let Some(video) = clip_video(&dir, clip, None) else { continue };
        let result = match analysis(&video) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{clip}: {e}"));
                continue;
            }
        };
        let got = result["view"]["usable"].as_bool().unwrap();
        let kind = result["view"]["kind"].as_str().unwrap_or("-");
        let reason = result["view"]["reason"].as_str().unwrap_or("");
        let bar_miss = KNOWN_BAR_MISSES.iter().find(|k| k.0 == clip);
        let view_miss = KNOWN_VIEW_MISSES.iter().find(|k| k.0 == clip);
        let ok = match (bar_miss, view_miss) {
            (Some(_), _) => !got && kind == "side" && reason.contains("above the lifter's shoulders"),
            (None, Some(_)) => got && kind == "side",
            (None, None) => got == *usable,
        };
        if let Some((_, why)) = bar_miss {
            writeln!(table, "     {clip}: known bar miss ({why})").unwrap();
        }
        if let Some((_, why)) = view_miss {
            writeln!(table, "     {clip}: known view miss, accepted as side ({why})").unwrap();
        }
        writeln!(
            table,
            "{} {clip:<48} {view:<28} usable {got:<5} {kind:<8} {reason}",
            if ok { "ok  " } else { "FAIL" }
        )
        .unwrap();
        if !ok {
            failures.push(format!("{clip} ({view}): usable {got}, expected {usable} ({kind}: {reason})"));
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "wrong view verdicts:\n  {}", failures.join("\n  "));
}
