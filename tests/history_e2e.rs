//! Monthly checks end to end: videos drawn by `formcheck render`, analysed and saved by
//! `formcheck analyze --save`, compared by `formcheck compare`, all through the real binary.

mod common;

use common::{formcheck, ok, BIN};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Renders several clips at once (one process each); `specs` are (name, spec JSON, extra args).
fn render_all(dir: &Path, specs: &[(&str, Value, Vec<String>)]) {
    std::fs::create_dir_all(dir).unwrap();
    let children: Vec<_> = specs
        .iter()
        .map(|(name, spec, extra)| {
            let spec_file = dir.join(format!("{name}.spec.json"));
            std::fs::write(&spec_file, spec.to_string()).unwrap();
            let mut c = Command::new(BIN);
            c.args(["render", "--spec", p(&spec_file), "--out", p(dir), "--name", name]).args(extra);
            c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for c in children {
        ok(&c.wait_with_output().unwrap());
    }
}

/// Three monthly sets at the same load: January (baseline) slows down a lot within the set,
/// February is fresher and faster (better), March is slow with a big speed loss (regression).
fn velocity_months() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        // Under target/: rendered afresh by each test run, removed by `cargo clean`.
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("history-e2e-velocity");
        let base = |seed: u64, v: f64, loss: f64| {
            serde_json::json!({"seed": seed, "reps": 3, "width": 960, "height": 540, "cm_per_px": 0.42,
                               "mean_velocity_m_s": v, "velocity_loss": loss})
        };
        render_all(
            &dir,
            &[
                ("jan", base(21, 0.50, 0.20), vec![]),
                ("feb", base(22, 0.55, 0.04), vec![]),
                ("mar", base(23, 0.36, 0.40), vec![]),
            ],
        );
        dir
    })
}

fn analyze_save(video: &Path, db: &Path, lifter: &str, extra: &[&str]) -> Output {
    let mut args = vec!["analyze", p(video), "--save", "--lifter", lifter, "--db", p(db)];
    args.extend_from_slice(extra);
    formcheck(&args)
}

fn rep_values(result: &Value, key: &str) -> Vec<f64> {
    result["reps"].as_array().unwrap().iter().filter_map(|r| r[key].as_f64()).collect()
}

fn metric<'a>(c: &'a Value, key: &str) -> &'a Value {
    c["metrics"].as_array().unwrap().iter().find(|m| m["key"] == key).unwrap()
}

#[test]
fn monthly_velocity_history_from_rendered_videos() {
    let vids = velocity_months();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("h.sqlite");
    let mut results = Vec::new();
    for (name, date) in [("jan", "2025-01-06"), ("feb", "2025-02-03"), ("mar", "2025-03-03")] {
        let json = tmp.path().join(format!("{name}.json"));
        let out = ok(&analyze_save(
            &vids.join(format!("{name}.mp4")),
            &db,
            "Anna",
            &["--date", date, "--load-kg", "140", "--json", p(&json)],
        ));
        assert!(out.contains(&format!("Saved: Anna on {date} (date given), 3 reps")), "{out}");
        results.push(serde_json::from_str::<Value>(&std::fs::read_to_string(&json).unwrap()).unwrap());
    }

    // Re-saving a video (same sha256) updates its session.
    let out = ok(&analyze_save(&vids.join("jan.mp4"), &db, "anna", &["--note", "re-run"]));
    assert!(out.contains("Updated (this video was saved before): anna on 2025-01-06"), "{out}");
    let list = ok(&formcheck(&["history", "--db", p(&db)]));
    assert!(list.contains("Anna: 3 sessions"), "{list}");
    assert!(list.contains("re-run"), "{list}");

    let c: Value =
        serde_json::from_str(&ok(&formcheck(&["compare", "--lifter", "Anna", "--json", "-", "--db", p(&db)]))).unwrap();
    // Session values are the worst/best rep of each saved result.
    let loss = metric(&c, "velocity_loss_pct");
    let speed = metric(&c, "mean_velocity_m_s");
    for (k, r) in results.iter().enumerate() {
        let worst_loss = rep_values(r, "velocity_loss_pct").into_iter().fold(f64::MIN, f64::max);
        let best_speed = rep_values(r, "mean_velocity_m_s").into_iter().fold(f64::MIN, f64::max);
        assert!((loss["values"][k]["value"].as_f64().unwrap() - worst_loss).abs() < 1e-9);
        assert!((speed["values"][k]["value"].as_f64().unwrap() - best_speed).abs() < 1e-9);
    }
    let l: Vec<f64> = (0..3).map(|k| loss["values"][k]["value"].as_f64().unwrap()).collect();
    let v: Vec<f64> = (0..3).map(|k| speed["values"][k]["value"].as_f64().unwrap()).collect();
    // The rendered speed losses (20 %, 4 %, 40 % first to last rep) come back near enough.
    assert!((10.0..30.0).contains(&l[0]), "January loss {l:?}");
    assert!(l[1] < l[0] - 5.0 && l[2] > l[0] + 10.0, "losses {l:?}");
    assert!(v[1] > v[0] && v[0] - v[2] > 0.10, "speeds {v:?}");

    assert_eq!(loss["values"][1]["verdict"], "better");
    assert_eq!(loss["values"][2]["verdict"], "regression");
    assert_eq!(speed["values"][1]["verdict"], "better");
    assert_eq!(speed["values"][2]["verdict"], "regression");
    let flagged: Vec<(&str, &str)> = c["regressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["date"].as_str().unwrap(), r["metric"].as_str().unwrap()))
        // The sets differ only in speed; body metrics of clean sets are the fault stage's
        // (judged in `three_month_fault_history_from_rendered_videos`).
        .filter(|(_, m)| ["mean_velocity_m_s", "velocity_loss_pct"].contains(m))
        .collect();
    assert_eq!(flagged, [("2025-03-03", "mean_velocity_m_s"), ("2025-03-03", "velocity_loss_pct")]);

    let text = ok(&formcheck(&["compare", "--lifter", "Anna", "--db", p(&db), "--plot", p(&tmp.path().join("t.png"))]));
    assert!(text.contains("regressions since the baseline"), "{text}");
    assert!(text.contains("Velocity loss: "), "{text}");
    assert!(text.contains("toward fatigue, past the 10 % pts margin"), "{text}");
    assert!(std::fs::metadata(tmp.path().join("t.png")).unwrap().len() > 10_000);
}

/// Sets the `mvhd` creation time (version 0) of an MP4 file's bytes.
fn set_creation_time(mp4: &mut [u8], secs_since_1904: u32) {
    let at = mp4.windows(4).position(|w| w == b"mvhd").expect("an mvhd box");
    assert_eq!(mp4[at + 4], 0, "version 0 mvhd");
    mp4[at + 8..at + 12].copy_from_slice(&secs_since_1904.to_be_bytes());
}

#[test]
fn session_date_defaults_to_the_videos_creation_time() {
    let vids = velocity_months();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("h.sqlite");
    let mut bytes = std::fs::read(vids.join("feb.mp4")).unwrap();
    // 2024-06-15 12:00:00 UTC (midday: the same day in every time zone within ±11 h).
    set_creation_time(&mut bytes, (1_718_452_800u64 + 2_082_844_800) as u32);
    let dated = tmp.path().join("dated.mp4");
    std::fs::write(&dated, &bytes).unwrap();
    let out = ok(&analyze_save(&dated, &db, "Dates", &[]));
    assert!(out.contains("Saved: Dates on 2024-06-15 (date from the video's creation time)"), "{out}");

    // The renderer writes no creation time: today it is.
    let out = ok(&analyze_save(&vids.join("feb.mp4"), &db, "Dates", &[]));
    let today = chrono::Local::now().date_naive().to_string();
    assert!(out.contains(&format!("on {today} (today: the video has no creation time")), "{out}");
    let list = ok(&formcheck(&["history", "--db", p(&db)]));
    assert!(list.contains("2024-06-15  video"), "{list}");
    assert!(list.contains(&format!("{today}  saved")), "{list}");
}

#[test]
fn two_analyze_save_processes_at_once_both_land() {
    let vids = velocity_months();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("fresh.sqlite"); // not there yet: both create it
    let spawn = |name: &str, date: &str| {
        let args = vec![
            "analyze".to_string(),
            vids.join(format!("{name}.mp4")).display().to_string(),
            "--save".into(),
            "--lifter".into(),
            "Anna".into(),
            "--date".into(),
            date.into(),
            "--db".into(),
            db.display().to_string(),
        ];
        Command::new(BIN)
            .args(&args)
            // Each holds its write transaction for a while, so the two must queue.
            .env(formcheck::history::TEST_PAUSE_ENV, "700")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let t0 = Instant::now();
    let a = spawn("jan", "2025-01-06");
    let b = spawn("feb", "2025-02-03");
    ok(&a.wait_with_output().unwrap());
    ok(&b.wait_with_output().unwrap());
    assert!(t0.elapsed() >= Duration::from_millis(1400));
    let list = ok(&formcheck(&["history", "--lifter", "Anna", "--db", p(&db)]));
    assert!(list.contains("Anna: 2 sessions"), "{list}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ok_: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok_, "ok");
}

#[test]
fn kill_9_during_analyze_save_keeps_earlier_sessions() {
    let vids = velocity_months();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("h.sqlite");
    ok(&analyze_save(&vids.join("jan.mp4"), &db, "Anna", &["--date", "2025-01-06"]));
    ok(&analyze_save(&vids.join("feb.mp4"), &db, "Anna", &["--date", "2025-02-03"]));
    let before = ok(&formcheck(&["compare", "--lifter", "Anna", "--json", "-", "--db", p(&db)]));

    let flag = tmp.path().join("in-save");
    let mar = vids.join("mar.mp4");
    let mut cmd = Command::new(BIN);
    cmd.args(["analyze", p(&mar), "--save", "--lifter", "Anna", "--date", "2025-03-03", "--db", p(&db)])
        .env(formcheck::history::TEST_PAUSE_ENV, "60000")
        .env(formcheck::history::TEST_IN_SAVE_FILE_ENV, &flag)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let t0 = Instant::now();
    while !flag.exists() {
        assert!(t0.elapsed() < Duration::from_secs(120), "the save never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let conn = rusqlite::Connection::open(&db).unwrap();
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    drop(conn);
    let after = ok(&formcheck(&["compare", "--lifter", "Anna", "--json", "-", "--db", p(&db)]));
    assert_eq!(before, after, "the killed save changed the earlier sessions");
    ok(&analyze_save(&mar, &db, "Anna", &["--date", "2025-03-03"]));
    let list = ok(&formcheck(&["history", "--db", p(&db)]));
    assert!(list.contains("Anna: 3 sessions"), "{list}");
}

/// Three months of technique from rendered videos: January drifts and shoots the hips
/// (baseline), February is corrected, March drifts again and leans back at lockout.
/// Runs the whole chain: render, `formcheck analyze --save` (per-rep body metrics, mid-foot
/// from the feet, fault labels), `formcheck compare`; values are checked against the drawn
/// magnitudes and the verdicts against the story.
#[test]
fn three_month_fault_history_from_rendered_videos() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("videos");
    let spec = |seed: u64| serde_json::json!({"seed": seed, "reps": 3, "width": 960, "height": 540, "cm_per_px": 0.42});
    let faults = |f: &[&str]| f.iter().flat_map(|x| ["--fault".to_string(), x.to_string()]).collect::<Vec<_>>();
    render_all(
        &dir,
        &[
            ("jan", spec(31), faults(&["bar_drift=8", "hips_rise_early=9"])),
            ("feb", spec(32), vec![]),
            ("mar", spec(33), faults(&["bar_drift=9", "lumbar_hyperextension=14"])),
        ],
    );
    let db = tmp.path().join("h.sqlite");
    for (name, date) in [("jan", "2025-01-06"), ("feb", "2025-02-03"), ("mar", "2025-03-03")] {
        ok(&formcheck(&[
            "analyze",
            p(&dir.join(format!("{name}.mp4"))),
            "--save",
            "--lifter",
            "Anna",
            "--date",
            date,
            "--load-kg",
            "140",
            "--db",
            p(&db),
        ]));
    }
    let truth = |name: &str, id: &str| -> f64 {
        let t: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.truth.json"))).unwrap()).unwrap();
        t["reps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|r| r["faults"].as_array().unwrap().iter())
            .filter(|f| f["id"] == id)
            .filter_map(|f| f["magnitude"].as_f64())
            .fold(f64::MIN, f64::max)
    };
    let c: Value =
        serde_json::from_str(&ok(&formcheck(&["compare", "--lifter", "Anna", "--json", "-", "--db", p(&db)]))).unwrap();
    let val = |key: &str, k: usize| metric(&c, key)["values"][k]["value"].as_f64();
    let verdict = |key: &str, k: usize| metric(&c, key)["values"][k]["verdict"].as_str().unwrap().to_string();

    // Values: close to what was drawn.
    let drift: Vec<f64> = (0..3).map(|k| val("bar_drift_cm", k).expect("bar drift measured")).collect();
    assert!((drift[0] - truth("jan", "bar_drift")).abs() < 2.0, "drift {drift:?}");
    assert!((drift[2] - truth("mar", "bar_drift")).abs() < 2.0, "drift {drift:?}");
    assert!(drift[1] < 3.0, "February is clean: {drift:?}");
    let hips: Vec<f64> = (0..3).map(|k| val("hip_rise_before_bar_cm", k).expect("hip rise measured")).collect();
    assert!((hips[0] - truth("jan", "hips_rise_early")).abs() < 3.0 && hips[1] < 3.0, "hip rise {hips:?}");
    let lean: Vec<f64> = (0..3).map(|k| val("lockout_lean_back_deg", k).expect("lean measured")).collect();
    assert!((lean[2] - truth("mar", "lumbar_hyperextension")).abs() < 4.0 && lean[0] < 6.0, "lean {lean:?}");

    // Improvement, then regression.
    assert_eq!(verdict("bar_drift_cm", 1), "better");
    assert_eq!(verdict("hip_rise_before_bar_cm", 1), "better");
    assert_eq!(verdict("lockout_lean_back_deg", 2), "regression");
    assert_ne!(verdict("bar_drift_cm", 2), "better");
    let flagged: Vec<&str> =
        c["regressions"].as_array().unwrap().iter().map(|r| r["metric"].as_str().unwrap()).collect();
    assert!(flagged.contains(&"lockout_lean_back_deg"), "{flagged:?}");
    assert!(!flagged.contains(&"hip_rise_before_bar_cm"), "{flagged:?}");
    assert!(c["regressions"].as_array().unwrap().iter().all(|r| r["date"] == "2025-03-03"));

    // Fault frequency over time.
    let freq = |id: &str| -> Vec<u64> {
        c["faults"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["per_session"].as_array().unwrap().iter().map(|n| n["likely_reps"].as_u64().unwrap()).collect())
            .unwrap_or_else(|| vec![0, 0, 0])
    };
    assert_eq!(freq("bar_drift"), [3, 0, 3]);
    assert_eq!(freq("hips_rise_early")[1..], [0, 0]);
    assert!(freq("hips_rise_early")[0] >= 2);
    assert_eq!(freq("lumbar_hyperextension")[..2], [0, 0]);
    assert!(freq("lumbar_hyperextension")[2] >= 2);
}
