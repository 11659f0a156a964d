//! The history store and comparison, through the library API, on constructed results.

mod history_support;

use chrono::NaiveDate;
use formcheck::history::compare::Verdict;
use formcheck::history::{
    text, Baseline, CompareRequest, Comparison, DateSource, Export, History, SaveKind, SessionInput, Window,
    APPLICATION_ID, SCHEMA_VERSION,
};
use formcheck::schema::{Analysis, Severity};
use formcheck::Error;
use history_support::*;
use std::path::{Path, PathBuf};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn save(h: &mut History, lifter: &str, date: &str, load: Option<f64>, a: &Analysis) -> SaveKind {
    h.save_session(&SessionInput {
        lifter,
        date: d(date),
        date_source: DateSource::Given,
        load_kg: load,
        note: None,
        analysis: a,
    })
    .unwrap()
    .kind
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("history.sqlite");
    (dir, p)
}

/// Month 1: bar drifts (baseline). Month 2: corrected. Month 3: drift, early hips and high
/// hips come back; lean gets a little worse; chord not measured; slower at a heavier load.
fn three_months() -> Vec<(&'static str, f64, Analysis)> {
    let base = RepSpec { loss_pct: 0.0, ..RepSpec::clean() };
    let mut m1 = vec![base.clone(), base.clone(), base.clone()];
    for (k, r) in m1.iter_mut().enumerate() {
        r.drift_cm = Some(4.0 + k as f64); // worst 6.0
        r.loss_pct = 7.5 * k as f64; // worst 15
        r.velocity = 0.50 - 0.03 * k as f64; // best 0.50
    }
    m1[1].faults = vec![("bar_drift", Severity::Likely)];
    m1[2].faults = vec![("bar_drift", Severity::Likely)];

    let mut m2 = vec![base.clone(), base.clone(), base.clone()];
    for (k, r) in m2.iter_mut().enumerate() {
        r.drift_cm = Some(1.5 + 0.25 * k as f64); // worst 2.0
        r.loss_pct = 5.0 * k as f64; // 10
        r.velocity = 0.52 - 0.02 * k as f64;
    }

    let mut m3 = vec![base.clone(), base.clone(), base];
    for (k, r) in m3.iter_mut().enumerate() {
        r.drift_cm = Some(6.5 + k as f64); // worst 8.5: +2.5 cm
        r.hip_rise_cm = Some(2.0 + k as f64); // worst 4.0: +3.0 cm
        r.hip_rise_ms = Some(60.0 + 10.0 * k as f64); // worst 80: +40 ms (< 60)
        r.hip_height = Some(0.60); // +0.15 from the centre
        r.lean_deg = Some(4.0); // +2.0 (< 3)
        r.chord_pct = None;
        r.loss_pct = 7.5 * k as f64; // 15: same as month 1
        r.velocity = 0.38 - 0.02 * k as f64; // slower, heavier load
        r.faults = vec![("bar_drift", Severity::Likely)];
    }
    m3[2].faults.push(("hips_rise_early", Severity::Watch));
    vec![
        ("2025-01-06", 140.0, analysis("jan", &m1)),
        ("2025-02-03", 140.0, analysis("feb", &m2)),
        ("2025-03-03", 150.0, analysis("mar", &m3)),
    ]
}

fn fill(h: &mut History, lifter: &str) {
    for (date, load, a) in three_months() {
        assert_eq!(save(h, lifter, date, Some(load), &a), SaveKind::Inserted);
    }
}

fn compare(h: &History, lifter: &str, baseline: Baseline, window: Window) -> Comparison {
    h.compare(&CompareRequest { lifter: lifter.into(), baseline, window }).unwrap()
}

fn row<'a>(c: &'a Comparison, key: &str) -> &'a formcheck::history::compare::MetricRow {
    c.metrics.iter().find(|m| m.def.key == key).unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn three_month_history_reports_values_and_regressions() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    fill(&mut h, "Anna");
    let c = compare(&h, "anna", Baseline::First, Window::All);

    assert_eq!(c.lifter, "Anna");
    assert_eq!(c.baseline.date, d("2025-01-06"));
    assert_eq!(c.sessions.len(), 3);
    assert!(c.sessions[0].is_baseline && !c.sessions[1].is_baseline);

    let drift = row(&c, "bar_drift_cm");
    assert!(close(drift.baseline, 6.0));
    let v: Vec<_> = drift.values.iter().map(|v| (v.value, v.change, v.verdict)).collect();
    assert!(close(v[0].0, 6.0) && v[0].2 == Verdict::Baseline);
    assert!(close(v[1].0, 2.0) && close(v[1].1, -4.0) && v[1].2 == Verdict::Better);
    assert!(close(v[2].0, 8.5) && close(v[2].1, 2.5) && v[2].2 == Verdict::Regression);

    let hip = row(&c, "hip_rise_before_bar_cm");
    assert_eq!(hip.values[1].verdict, Verdict::Same);
    assert!(close(hip.values[2].toward_fault, 3.0));
    assert_eq!(hip.values[2].verdict, Verdict::Regression);

    let ms = row(&c, "hip_rise_before_bar_ms");
    assert!(close(ms.values[2].change, 40.0));
    assert_eq!(ms.values[2].verdict, Verdict::Worse, "40 ms is inside the 60 ms margin");

    let setup = row(&c, "setup_hip_height");
    assert!(close(setup.values[2].toward_fault, 0.15));
    assert_eq!(setup.values[2].verdict, Verdict::Regression);

    let lean = row(&c, "lockout_lean_back_deg");
    assert_eq!(lean.values[2].verdict, Verdict::Worse);
    assert!(!lean.values[2].regression);

    let chord = row(&c, "trunk_chord_change_pct");
    assert_eq!(chord.values[2].value, None, "unmeasured must stay null, not 0");
    assert_eq!(chord.values[2].verdict, Verdict::NotMeasured);
    assert_eq!(chord.values[2].reps_measured, 0);

    let speed = row(&c, "mean_velocity_m_s");
    assert!(close(speed.values[2].value, 0.38));
    assert_eq!(speed.values[2].verdict, Verdict::Worse, "heavier load explains a slower bar");
    assert!(speed.values[2].note.as_deref().unwrap().contains("150 vs 140 kg"));

    let loss = row(&c, "velocity_loss_pct");
    assert!(close(loss.values[1].value, 10.0) && close(loss.values[2].value, 15.0));
    assert_eq!(loss.values[2].verdict, Verdict::Same);

    let flagged: Vec<_> = c.regressions.iter().map(|r| (r.date.to_string(), r.metric)).collect();
    assert_eq!(
        flagged,
        vec![
            ("2025-03-03".to_string(), "bar_drift_cm"),
            ("2025-03-03".to_string(), "hip_rise_before_bar_cm"),
            ("2025-03-03".to_string(), "setup_hip_height"),
        ]
    );

    // Fault frequency over time.
    let ids: Vec<_> = c.faults.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["bar_drift", "hips_rise_early"]);
    let drift_freq: Vec<_> = c.faults[0].per_session.iter().map(|n| (n.likely_reps, n.watch_reps, n.reps)).collect();
    assert_eq!(drift_freq, [(2, 0, 3), (0, 0, 3), (3, 0, 3)]);
    let hips: Vec<_> = c.faults[1].per_session.iter().map(|n| (n.likely_reps, n.watch_reps)).collect();
    assert_eq!(hips, [(0, 0), (0, 0), (0, 1)]);

    // The text a lifter reads.
    let t = text::comparison(&c);
    assert!(t.contains("Baseline: 2025-01-06"), "{t}");
    assert!(t.contains("REGRESSION: 2.5 cm toward bar drift, past the 2.0 cm margin"), "{t}");
    assert!(t.contains("REGRESSION: 0.15 toward hips too high, past the 0.10 margin"), "{t}");
    assert!(t.contains("3 regressions since the baseline"), "{t}");
    assert!(t.contains("2025-03-03     -             not measured"), "{t}");
    assert!(t.contains("worse (heavier load than the baseline, 150 vs 140 kg: not flagged)"), "{t}");
    assert!(
        t.contains("  bar drift        2/3         0/3         3/3           more often than at the baseline"),
        "{t}"
    );
    assert!(t.contains("0/3 +1 watch"), "{t}");
    assert!(t.contains("-4.0 cm  better"), "{t}");
    // JSON carries the same and nothing machine-specific.
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["schema"], "formcheck.comparison/1");
    assert_eq!(json["metrics"][0]["values"][2]["verdict"], "regression");
    assert_eq!(json["metrics"][0]["margin"], 2.0);
    assert!(json["metrics"][4]["values"][2]["value"].is_null());
    assert!(!json.to_string().contains(path.to_str().unwrap()));
}

#[test]
fn baseline_and_window_choices() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    fill(&mut h, "Anna");

    // best = the session with the fewest fault labels (February); January lies before it.
    let c = compare(&h, "Anna", Baseline::Best, Window::All);
    assert_eq!(c.baseline.date, d("2025-02-03"));
    assert_eq!(c.baseline.rule, "best");
    let drift = row(&c, "bar_drift_cm");
    assert_eq!(drift.values[0].verdict, Verdict::Worse);
    assert!(!drift.values[0].regression, "sessions before the baseline are not flagged");
    assert_eq!(drift.values[2].verdict, Verdict::Regression);
    assert!(close(drift.values[2].toward_fault, 6.5));

    let c = compare(&h, "Anna", Baseline::Date(d("2025-02-03")), Window::All);
    assert_eq!(c.baseline.date, d("2025-02-03"));

    let c = compare(&h, "Anna", Baseline::First, Window::Last(1));
    let dates: Vec<_> = c.sessions.iter().map(|s| s.date.to_string()).collect();
    assert_eq!(dates, ["2025-01-06", "2025-03-03"], "baseline is always shown");
    assert_eq!(c.sessions_not_shown, 1);
    assert!(text::comparison(&c).contains("1 older session not shown"));

    let c = compare(&h, "Anna", Baseline::First, Window::Since(d("2025-02-01")));
    assert_eq!(c.sessions.len(), 3);
    assert_eq!(c.sessions_not_shown, 0);

    let err = h
        .compare(&CompareRequest {
            lifter: "Anna".into(),
            baseline: Baseline::Date(d("2025-02-10")),
            window: Window::All,
        })
        .unwrap_err();
    assert!(matches!(err, Error::NoSessionOnDate { .. }));
    assert!(err.to_string().contains("2025-01-06, 2025-02-03, 2025-03-03"), "{err}");

    let err = h
        .compare(&CompareRequest { lifter: "Bob".into(), baseline: Baseline::First, window: Window::All })
        .unwrap_err();
    assert!(matches!(err, Error::UnknownLifter { .. }));
    assert!(err.to_string().contains("Anna"), "{err}");
}

#[test]
fn same_video_updates_instead_of_duplicating() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    let a = analysis("clip", &set_of(3, &RepSpec::clean(), 10.0));
    let first = h
        .save_session(&SessionInput {
            lifter: "Anna",
            date: d("2025-01-06"),
            date_source: DateSource::Video,
            load_kg: Some(140.0),
            note: Some("first"),
            analysis: &a,
        })
        .unwrap();
    assert_eq!(first.kind, SaveKind::Inserted);

    // Same video, analysed again by a newer pipeline: same sha256, different numbers.
    let mut again = analysis("clip", &set_of(4, &RepSpec { drift_cm: Some(3.0), ..RepSpec::clean() }, 12.0));
    again.video.path = "/elsewhere/renamed.mp4".into();
    let second = h
        .save_session(&SessionInput {
            lifter: " anna ",
            date: d("2025-05-05"),
            date_source: DateSource::Today,
            load_kg: None,
            note: None,
            analysis: &again,
        })
        .unwrap();
    assert_eq!(second.kind, SaveKind::Updated);
    assert_eq!(second.id, first.id);
    assert_eq!(second.date, d("2025-01-06"), "a re-save without --date keeps the first date");

    let list = h.sessions(None).unwrap();
    assert_eq!(list.len(), 1);
    let s = &list[0];
    assert_eq!((s.lifter.as_str(), s.rep_count), ("Anna", 4));
    assert_eq!(s.load_kg, Some(140.0), "not given again: kept");
    assert_eq!(s.note.as_deref(), Some("first"));
    assert_eq!(s.video_path, "/elsewhere/renamed.mp4");
    let stored = h.result(s.id).unwrap();
    assert_eq!(stored, formcheck::history::canonical_result(&again).1);
    assert_eq!(stored.reps.len(), 4);
    assert_eq!(stored.video.sha256, again.video.sha256);

    // An explicit date and load replace the stored ones.
    let third = h
        .save_session(&SessionInput {
            lifter: "ANNA",
            date: d("2025-01-07"),
            date_source: DateSource::Given,
            load_kg: Some(142.5),
            note: None,
            analysis: &again,
        })
        .unwrap();
    assert_eq!((third.kind, third.date), (SaveKind::Updated, d("2025-01-07")));
    let s = &h.sessions(Some("anna")).unwrap()[0];
    assert_eq!((s.date, s.load_kg), (d("2025-01-07"), Some(142.5)));

    // The rep rows were replaced, not appended.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let reps: i64 = conn.query_row("SELECT count(*) FROM reps", [], |r| r.get(0)).unwrap();
    assert_eq!(reps, 4);
    let drift: f64 = conn.query_row("SELECT max(bar_drift_max_cm) FROM reps", [], |r| r.get(0)).unwrap();
    assert_eq!(drift, 3.0);

    // The same video for another lifter is that lifter's session.
    assert_eq!(save(&mut h, "Bob", "2025-01-06", None, &a), SaveKind::Inserted);
    assert_eq!(h.sessions(None).unwrap().len(), 2);
}

/// A rep the result left unjudged (its followed "bar" was not in the hands) keeps its numbers
/// out of the history: they are not the lifter's.
#[test]
fn a_rep_that_was_not_judged_stays_out_of_the_trends() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    let mut a = analysis("unjudged", &set_of(3, &RepSpec::clean(), 9.0));
    a.reps[1].not_judged =
        Some("from the setup to lockout your hands did not move with what was followed as the bar".into());
    a.reps[1].rom_cm = 208.7;
    a.reps[1].peak_velocity_m_s = 8.8;
    save(&mut h, "Anna", "2025-01-06", None, &a);
    drop(h);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let reps: Vec<(i64, f64)> = conn
        .prepare("SELECT rep, rom_cm FROM reps ORDER BY rep")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(reps, [(1, 60.0), (3, 60.0)]);
    let count: i64 = conn.query_row("SELECT rep_count FROM sessions", [], |r| r.get(0)).unwrap();
    assert_eq!(count, 2, "the fault rates count the judged reps");
    let stored: String = conn.query_row("SELECT result_json FROM sessions", [], |r| r.get(0)).unwrap();
    assert!(stored.contains("not_judged"), "the stored result keeps the rep and says why");
}

#[test]
fn rep_metrics_and_faults_are_queryable_and_nulls_stay_null() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    let mut reps = set_of(3, &RepSpec::clean(), 9.0);
    reps[1].drift_cm = None;
    reps[1].chord_pct = None;
    reps[2].faults = vec![("lumbar_rounding", Severity::Watch), ("bar_drift", Severity::Likely)];
    let a = analysis("q", &reps);
    save(&mut h, "Anna", "2025-01-06", Some(100.0), &a);
    drop(h);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let rows: Vec<(i64, Option<f64>, Option<f64>, f64)> = conn
        .prepare("SELECT rep, bar_drift_max_cm, trunk_chord_change_pct, velocity_loss_pct FROM reps ORDER BY rep")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows[0], (1, Some(1.0), Some(2.0), 0.0));
    assert_eq!(rows[1], (2, None, None, 4.5));
    let faults: Vec<(i64, String, String)> = conn
        .prepare("SELECT rep, fault_id, severity FROM faults ORDER BY fault_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(faults, [(3, "bar_drift".into(), "likely".into()), (3, "lumbar_rounding".into(), "watch".into())]);
    let (tool, sha, schema): (String, String, String) = conn
        .query_row("SELECT tool_version, video_sha256, result_schema FROM sessions", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(tool, formcheck::VERSION);
    assert_eq!(sha, sha_of("q"));
    assert_eq!(schema, "formcheck.analysis/1");

    // All-null metric: the session value is null.
    let mut h = History::open(&path).unwrap();
    let blank = RepSpec { drift_cm: None, ..RepSpec::clean() };
    save(&mut h, "Anna", "2025-02-06", Some(100.0), &analysis("q2", &[blank.clone(), blank]));
    let c = compare(&h, "Anna", Baseline::First, Window::All);
    let drift = row(&c, "bar_drift_cm");
    assert!(close(drift.values[0].value, 1.0), "the unmeasured rep is skipped, not counted as 0");
    assert_eq!(drift.values[1].value, None);
    assert_eq!(drift.values[1].verdict, Verdict::NotMeasured);
}

/// A month filmed with the plate misread (the result calls its scale broken) must not show up
/// as a bar-drift regression: its centimetres and speeds stay out of the comparison, its
/// angles and timings stay in, and the stored result keeps everything.
#[test]
fn a_session_under_a_broken_scale_gives_no_centimetres_to_compare() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    save(&mut h, "Anna", "2025-01-06", Some(100.0), &analysis("jan", &set_of(3, &RepSpec::clean(), 9.0)));
    let mut misread = analysis("feb", &set_of(3, &RepSpec { drift_cm: Some(9.0), ..RepSpec::clean() }, 9.0));
    misread.calibration.trusted = Some(false);
    save(&mut h, "Anna", "2025-02-06", Some(100.0), &misread);
    let c = compare(&h, "Anna", Baseline::First, Window::All);
    let drift = row(&c, "bar_drift_cm");
    assert_eq!(drift.values[1].value, None, "centimetres from a broken scale are not compared");
    assert_eq!(drift.values[1].verdict, Verdict::NotMeasured);
    assert!(row(&c, "setup_hip_height").values[1].value.is_some(), "ratios do not need the scale");
    drop(h);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: String =
        conn.query_row("SELECT result_json FROM sessions WHERE date = '2025-02-06'", [], |r| r.get(0)).unwrap();
    assert!(stored.contains("\"bar_drift_max_cm\":9.0"), "the stored result keeps the numbers");
}

#[test]
fn export_then_import_reproduces_the_comparison() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    fill(&mut h, "Anna");
    save(&mut h, "Bob", "2025-01-01", None, &analysis("bob", &set_of(2, &RepSpec::clean(), 5.0)));
    let export = h.export(Some("anna")).unwrap();
    assert_eq!(export.schema, "formcheck.history-export/1");
    assert_eq!(export.lifters.len(), 1);
    assert_eq!(export.lifters[0].sessions.len(), 3);

    let dir2 = tempfile::tempdir().unwrap();
    let file = dir2.path().join("anna.json");
    std::fs::write(&file, export.to_json()).unwrap();
    let path2 = dir2.path().join("other-machine.sqlite");
    let mut h2 = History::open(&path2).unwrap();
    // Another lifter first, so database ids differ between the two machines.
    save(&mut h2, "Carl", "2024-12-01", None, &analysis("carl", &set_of(2, &RepSpec::clean(), 5.0)));
    let out = h2.import(&Export::read(&file).unwrap(), None).unwrap();
    assert_eq!((out.lifters[0].inserted, out.lifters[0].updated), (3, 0));

    for (baseline, window) in
        [(Baseline::First, Window::All), (Baseline::Best, Window::All), (Baseline::First, Window::Last(1))]
    {
        let a = compare(&h, "Anna", baseline, window);
        let b = compare(&h2, "Anna", baseline, window);
        assert_eq!(a, b);
        assert_eq!(serde_json::to_string(&a).unwrap(), serde_json::to_string(&b).unwrap());
        assert_eq!(text::comparison(&a), text::comparison(&b));
    }
    // Full results survive byte-for-byte (as values).
    let s1 = h.sessions(Some("Anna")).unwrap();
    let s2 = h2.sessions(Some("Anna")).unwrap();
    for (x, y) in s1.iter().zip(&s2) {
        assert_eq!(h.result(x.id).unwrap(), h2.result(y.id).unwrap());
        assert_eq!((x.date, x.load_kg, &x.saved_at), (y.date, y.load_kg, &y.saved_at));
    }

    // Importing again updates instead of duplicating; --as renames.
    let again = h2.import(&Export::read(&file).unwrap(), None).unwrap();
    assert_eq!((again.lifters[0].inserted, again.lifters[0].updated), (0, 3));
    assert_eq!(h2.sessions(Some("Anna")).unwrap().len(), 3);
    h2.import(&Export::read(&file).unwrap(), Some("Anna B")).unwrap();
    assert_eq!(h2.sessions(Some("anna b")).unwrap().len(), 3);

    // A whole-history export holds every lifter.
    assert_eq!(h.export(None).unwrap().lifters.len(), 2);
}

#[test]
fn bad_export_files_are_refused_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.json");
    for (text, want) in [
        ("not json", "not JSON"),
        ("{\"schema\": \"formcheck.analysis/1\"}", "its schema is"),
        ("{\"lifters\": []}", "no \"schema\""),
    ] {
        std::fs::write(&f, text).unwrap();
        let e = Export::read(&f).unwrap_err();
        assert!(matches!(e, Error::BadExportFile { .. }), "{e}");
        assert!(e.to_string().contains(want), "{e}");
    }
    std::fs::write(&f, "{\"schema\": \"formcheck.history-export/7\", \"lifters\": []}").unwrap();
    let e = Export::read(&f).unwrap_err();
    assert!(matches!(e, Error::ExportTooNew { .. }), "{e}");

    // A session whose result is damaged: nothing of the file lands.
    let (_d, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    fill(&mut h, "Anna");
    let mut export = h.export(None).unwrap();
    export.lifters[0].name = "Zed".into();
    export.lifters[0].sessions[2].result["reps"] = serde_json::json!("broken");
    std::fs::write(&f, export.to_json()).unwrap();
    let e = h.import(&Export::read(&f).unwrap(), None).unwrap_err();
    assert!(e.to_string().contains("result does not parse"), "{e}");
    assert!(h.sessions(Some("Zed")).is_err());
}

#[test]
fn forget_deletes_a_lifter_and_leaves_no_trace_in_the_file() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    fill(&mut h, "Anna");
    let marker = "ZQXJ-private-note-7731";
    h.save_session(&SessionInput {
        lifter: "Anna",
        date: d("2025-04-01"),
        date_source: DateSource::Given,
        load_kg: None,
        note: Some(marker),
        analysis: &analysis("apr", &set_of(3, &RepSpec::clean(), 5.0)),
    })
    .unwrap();
    save(&mut h, "Bob", "2025-01-01", None, &analysis("bob", &set_of(2, &RepSpec::clean(), 5.0)));
    assert_eq!(h.forget_lifter("anna").unwrap(), 4);
    assert!(matches!(h.sessions(Some("Anna")).unwrap_err(), Error::UnknownLifter { .. }));
    assert_eq!(h.sessions(None).unwrap().len(), 1);
    assert_eq!(h.lifters().unwrap(), ["Bob"]);
    drop(h);
    let conn = rusqlite::Connection::open(&path).unwrap();
    for table in ["reps", "faults"] {
        let n: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE session_id NOT IN (SELECT id FROM sessions)"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0, "orphan {table}");
    }
    drop(conn);
    let mut all = bytes(&path);
    for s in sidecars(&path) {
        all.extend(bytes(&path.with_file_name(s)));
    }
    let needle = marker.as_bytes();
    assert!(!all.windows(needle.len()).any(|w| w == needle), "the deleted note is still in the file");
}

#[test]
fn new_files_get_the_application_id_and_schema_version() {
    let (_dir, path) = temp_db();
    drop(History::open(&path).unwrap());
    let head = bytes(&path);
    assert_eq!(&head[68..72], &APPLICATION_ID.to_be_bytes());
    assert_eq!(&head[68..72], b"FmCk");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let format: String =
        conn.query_row("SELECT value FROM formcheck_meta WHERE key = 'format'", [], |r| r.get(0)).unwrap();
    assert_eq!(format, "formcheck.history");
    // Opening again is a no-op.
    drop(conn);
    let h = History::open(&path).unwrap();
    assert!(h.sessions(None).unwrap().is_empty());
}

#[test]
fn empty_files_become_a_history_and_missing_ones_are_not_created_by_readers() {
    let dir = tempfile::tempdir().unwrap();
    let zero = dir.path().join("zero.sqlite");
    std::fs::write(&zero, b"").unwrap();
    History::open(&zero).unwrap();
    let blank = dir.path().join("blank.sqlite");
    rusqlite::Connection::open(&blank).unwrap().execute_batch("PRAGMA user_version = 0; VACUUM;").unwrap();
    History::open(&blank).unwrap();

    let missing = dir.path().join("none.sqlite");
    let e = History::open_existing(&missing).unwrap_err();
    assert!(matches!(e, Error::HistoryMissing { .. }));
    assert!(e.to_string().contains("--save --lifter"), "{e}");
    assert!(!missing.exists());
    // Characters SQLite URIs treat as syntax, in a real file name.
    let odd = dir.path().join("we#ird %25 name?.sqlite");
    {
        let mut h = History::open(&odd).unwrap();
        save(&mut h, "Anna", "2025-01-01", None, &analysis("odd", &set_of(2, &RepSpec::clean(), 0.0)));
    }
    assert_eq!(History::open_existing(&odd).unwrap().sessions(None).unwrap().len(), 1);
    let e = History::open(&dir.path().join("no/such/folder/h.sqlite")).unwrap_err();
    assert!(matches!(e, Error::HistoryFolderMissing { .. }), "{e}");
}

/// Opens `path` expecting a refusal, and checks the file (and its folder) did not change.
fn refused(path: &Path) -> Error {
    let before = bytes(path);
    let mtime = std::fs::metadata(path).unwrap().modified().unwrap();
    let side_before = sidecars(path);
    let e = History::open(path).unwrap_err();
    assert_eq!(bytes(path), before, "{} was modified", path.display());
    assert_eq!(std::fs::metadata(path).unwrap().modified().unwrap(), mtime);
    assert_eq!(sidecars(path), side_before, "files appeared next to {}", path.display());
    e
}

#[test]
fn foreign_and_corrupt_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);

    std::fs::write(p("notes.txt"), "shopping list\neggs\n").unwrap();
    let e = refused(&p("notes.txt"));
    assert!(matches!(e, Error::HistoryNotADatabase { .. }));
    assert!(e.to_string().contains("text file"), "{e}");
    assert!(e.to_string().contains("did not change it"), "{e}");

    std::fs::write(p("result.json"), "{\"schema\": \"formcheck.analysis/1\"}").unwrap();
    assert!(refused(&p("result.json")).to_string().contains("JSON"));

    let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(p("noise.bin"), &noise).unwrap();
    assert!(matches!(refused(&p("noise.bin")), Error::HistoryNotADatabase { .. }));

    // Another program's SQLite database.
    let other = p("contacts.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x');")
        .unwrap();
    let e = refused(&other);
    assert!(matches!(e, Error::HistoryForeign { .. }), "{e}");
    assert!(e.to_string().contains("contacts"), "{e}");
    let app = p("app.db");
    rusqlite::Connection::open(&app)
        .unwrap()
        .execute_batch("PRAGMA application_id = 1234; CREATE TABLE t (x);")
        .unwrap();
    assert!(refused(&app).to_string().contains("application id 0x000004d2"));

    // Our own database, cut short and with pages overwritten.
    let good = p("good.sqlite");
    {
        let mut h = History::open(&good).unwrap();
        fill(&mut h, "Anna");
    }
    let whole = bytes(&good);
    assert!(sidecars(&good).is_empty(), "a clean close checkpoints the log");
    let cut = p("cut.sqlite");
    std::fs::write(&cut, &whole[..whole.len() / 3]).unwrap();
    let e = refused(&cut);
    assert!(matches!(e, Error::HistoryCorrupt { .. }), "{e}");
    assert!(e.to_string().contains("damaged"), "{e}");

    let mut smashed = whole.clone();
    let page = 4096;
    for b in &mut smashed[page..3 * page] {
        *b = 0xA5;
    }
    let bad = p("smashed.sqlite");
    std::fs::write(&bad, &smashed).unwrap();
    let e = refused(&bad);
    assert!(matches!(e, Error::HistoryCorrupt { .. }), "{e}");

    let e = History::open(dir.path()).unwrap_err();
    assert!(e.to_string().contains("it is a folder"), "{e}");
}

#[test]
fn a_newer_schema_is_refused_untouched() {
    let (_dir, path) = temp_db();
    {
        let mut h = History::open(&path).unwrap();
        fill(&mut h, "Anna");
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 7; UPDATE formcheck_meta SET value = '7' WHERE key = 'schema_version';
             CREATE TABLE future_feature (x);",
        )
        .unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete");
    }
    let e = refused(&path);
    assert!(matches!(e, Error::HistoryTooNew { found: 7, supported: 1, .. }), "{e}");
    assert!(e.to_string().contains("newer formcheck"), "{e}");
    assert!(matches!(History::open_existing(&path).unwrap_err(), Error::HistoryTooNew { .. }));

    // The same in WAL mode with the newer data still in the log.
    let (_dir2, wal) = temp_db();
    {
        let mut h = History::open(&wal).unwrap();
        fill(&mut h, "Anna");
    }
    let conn = rusqlite::Connection::open(&wal).unwrap();
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 9;").unwrap();
    let e = History::open(&wal).unwrap_err();
    assert!(matches!(e, Error::HistoryTooNew { found: 9, .. }), "{e}");
    drop(conn);
}

#[test]
fn names_and_loads_are_checked() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    let a = analysis("n", &set_of(1, &RepSpec::clean(), 0.0));
    for bad in ["", "   ", "a\u{7}b"] {
        let e = h
            .save_session(&SessionInput {
                lifter: bad,
                date: d("2025-01-01"),
                date_source: DateSource::Given,
                load_kg: None,
                note: None,
                analysis: &a,
            })
            .unwrap_err();
        assert!(e.to_string().contains("--lifter"), "{e}");
    }
    let e = h
        .save_session(&SessionInput {
            lifter: "Anna",
            date: d("2025-01-01"),
            date_source: DateSource::Given,
            load_kg: Some(-5.0),
            note: None,
            analysis: &a,
        })
        .unwrap_err();
    assert!(e.to_string().contains("--load-kg"), "{e}");
    let mut no_sha = a.clone();
    no_sha.video.sha256 = String::new();
    let e = h
        .save_session(&SessionInput {
            lifter: "Anna",
            date: d("2025-01-01"),
            date_source: DateSource::Given,
            load_kg: None,
            note: None,
            analysis: &no_sha,
        })
        .unwrap_err();
    assert!(e.to_string().contains("SHA-256"), "{e}");
    assert!(h.sessions(None).unwrap().is_empty());
}

#[test]
fn session_list_reads_well() {
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    fill(&mut h, "Anna");
    save(&mut h, "Bob", "2025-01-01", None, &analysis("bob", &set_of(2, &RepSpec::clean(), 5.0)));
    let t = text::sessions(&h.sessions(None).unwrap());
    assert!(t.starts_with("Anna: 3 sessions\n"), "{t}");
    assert!(t.contains("2025-03-03  given      150 kg     3  bar drift 3, hips rise early 1 (watch)"), "{t}");
    assert!(t.contains("Bob: 1 session\n"), "{t}");
    assert!(t.contains("2025-01-01  given      -        2  none"), "{t}");
}

#[test]
fn trend_plot_is_written_as_png_and_svg() {
    let (dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    fill(&mut h, "Anna");
    let c = compare(&h, "Anna", Baseline::First, Window::All);
    for name in ["trend.png", "trend.svg"] {
        let out = dir.path().join(name);
        formcheck::history::plot::draw_trend(&c, &out).unwrap();
        assert!(std::fs::metadata(&out).unwrap().len() > 5000, "{name} is too small");
    }
    let svg = std::fs::read_to_string(dir.path().join("trend.svg")).unwrap();
    assert!(svg.contains("Bar drift"));
    for date in ["2025-01-06", "2025-02-03", "2025-03-03"] {
        assert!(svg.contains(date), "no x label {date}");
    }
}

#[test]
fn creation_time_of_a_real_phone_clip() {
    // Real clips live outside the repository; skip when absent.
    let clip = Path::new("/work/shared/realvids/clean_side_bartrace_dave.mp4");
    if !clip.exists() {
        eprintln!("skipped: {} not here", clip.display());
        return;
    }
    let t = formcheck::history::mp4::creation_time(clip).expect("the clip has a creation time");
    assert_eq!(t.to_rfc3339(), "2020-02-18T13:38:26+00:00");
}

#[test]
fn the_documented_metric_table_matches_the_code() {
    use formcheck::history::metrics::{Aggregate, METRICS};
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/history.md")).unwrap();
    for m in METRICS {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", m.key)))
            .unwrap_or_else(|| panic!("docs/history.md has no row for {}", m.key));
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        assert_eq!(cells[6], m.format(m.margin), "margin of {} in docs/history.md", m.key);
        let agg = match m.aggregate {
            Aggregate::WorstRep => "worst rep",
            Aggregate::MedianRep => "median rep",
            Aggregate::BestRep => "best (fastest) rep",
        };
        assert_eq!(cells[3], agg, "aggregate of {} in docs/history.md", m.key);
        assert!(row.contains(&format!("`{}`", m.column)), "column of {} in docs/history.md", m.key);
    }
}

/// Sessions analysed with different landmark models are compared, with a note that says so;
/// one model throughout gives no note.
#[test]
fn a_comparison_across_body_models_says_so() {
    use formcheck::track::body::engine::LandmarkModel::{Full, Heavy};
    let (_dir, path) = temp_db();
    let mut h = History::open(&path).unwrap();
    for (k, (date, load, mut a)) in three_months().into_iter().enumerate() {
        a.body_model = Some(if k == 2 { Heavy } else { Full });
        save(&mut h, "ana", date, Some(load), &a);
        a.body_model = Some(Full);
        save(&mut h, "ben", date, Some(load), &a);
    }
    let c = compare(&h, "ana", Baseline::First, Window::All);
    let models: Vec<_> = c.sessions.iter().map(|s| s.body_model).collect();
    assert_eq!(models, [Some(Full), Some(Full), Some(Heavy)]);
    let t = text::comparison(&c);
    assert!(t.contains("different body models (2025-01-06 full, 2025-02-03 full, 2025-03-03 heavy)"), "{t}");
    let same = text::comparison(&compare(&h, "ben", Baseline::First, Window::All));
    assert!(!same.contains("different body models"), "{same}");
}
