//! The history through the real `formcheck` binary, in child processes: concurrent savers,
//! kill -9 in the middle of a save, refusing foreign files, export/import between machines.

mod common;

use common::{formcheck, ok, BIN};

mod history_support;

use chrono::NaiveDate;
use formcheck::history::{DateSource, History, SessionInput};
use formcheck::schema::Severity;
use history_support::*;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "expected a failure: {}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A month of sessions for `lifter`, `n` of them, the clips named after lifter and month.
fn sessions_for(h: &mut History, lifter: &str, n: usize) {
    for k in 0..n {
        let mut rep = RepSpec::clean();
        rep.drift_cm = Some(2.0 + k as f64);
        if k == n - 1 {
            rep.faults = vec![("bar_drift", Severity::Likely)];
        }
        let a = analysis(&format!("{lifter}-{k}"), &set_of(3, &rep, 10.0 + k as f64));
        h.save_session(&SessionInput {
            lifter,
            date: NaiveDate::from_ymd_opt(2025, 1 + k as u32 % 12, 5).unwrap(),
            date_source: DateSource::Given,
            load_kg: Some(100.0 + 5.0 * k as f64),
            note: None,
            analysis: &a,
        })
        .unwrap();
    }
}

/// An export file holding `n` sessions of `lifter` (made in a scratch database).
fn export_file(dir: &Path, lifter: &str, n: usize) -> PathBuf {
    let scratch = dir.join(format!("scratch-{lifter}.sqlite"));
    let mut h = History::open(&scratch).unwrap();
    sessions_for(&mut h, lifter, n);
    let f = dir.join(format!("{lifter}.json"));
    std::fs::write(&f, h.export(Some(lifter)).unwrap().to_json()).unwrap();
    f
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap()
}

fn count(db: &Path, lifter: Option<&str>) -> usize {
    match History::open_existing(db).unwrap().sessions(lifter) {
        Ok(v) => v.len(),
        Err(formcheck::Error::UnknownLifter { .. }) => 0,
        Err(e) => panic!("{e}"),
    }
}

fn import_child(file: &Path, db: &Path, pause_ms: Option<u64>, flag: Option<&Path>) -> Child {
    let mut c = Command::new(BIN);
    c.args(["import", p(file), "--db", p(db)]).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(ms) = pause_ms {
        c.env(formcheck::history::TEST_PAUSE_ENV, ms.to_string());
    }
    if let Some(f) = flag {
        c.env(formcheck::history::TEST_IN_SAVE_FILE_ENV, f);
    }
    c.spawn().unwrap()
}

fn wait_for(path: &Path, limit: Duration) {
    let t0 = Instant::now();
    while !path.exists() {
        assert!(t0.elapsed() < limit, "{} never appeared", path.display());
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn concurrent_savers_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let a = export_file(dir.path(), "Anna", 3);
    let b = export_file(dir.path(), "Bob", 4);
    // A database that does not exist yet: both processes race to create it too.
    let db = dir.path().join("shared.sqlite");
    let t0 = Instant::now();
    let flag = dir.path().join("a-in-save");
    let ca = import_child(&a, &db, Some(800), Some(&flag));
    wait_for(&flag, Duration::from_secs(20));
    // A holds the write transaction for 800 ms: B has to wait for it, not fail.
    let cb = import_child(&b, &db, Some(300), None);
    let (oa, ob) = (ca.wait_with_output().unwrap(), cb.wait_with_output().unwrap());
    ok(&oa);
    ok(&ob);
    assert!(t0.elapsed() >= Duration::from_millis(1100), "the two writes did not queue");
    assert_eq!(count(&db, Some("Anna")), 3);
    assert_eq!(count(&db, Some("Bob")), 4);
    assert_eq!(integrity(&db), "ok");

    // Four at once, no pauses, into the now existing database.
    let files: Vec<_> = (0..4).map(|k| export_file(dir.path(), &format!("L{k}"), 2)).collect();
    let children: Vec<_> = files.iter().map(|f| import_child(f, &db, None, None)).collect();
    for c in children {
        ok(&c.wait_with_output().unwrap());
    }
    for k in 0..4 {
        assert_eq!(count(&db, Some(&format!("L{k}"))), 2);
    }
    assert_eq!(count(&db, None), 3 + 4 + 8);
    assert_eq!(integrity(&db), "ok");
}

#[test]
fn readers_do_not_wait_for_a_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    {
        let mut h = History::open(&db).unwrap();
        sessions_for(&mut h, "Anna", 2);
    }
    let big = export_file(dir.path(), "Bob", 3);
    let flag = dir.path().join("in-save");
    let mut writer = import_child(&big, &db, Some(20_000), Some(&flag));
    wait_for(&flag, Duration::from_secs(20));
    let t0 = Instant::now();
    let list = ok(&formcheck(&["history", "--db", p(&db)]));
    let compare = ok(&formcheck(&["compare", "--lifter", "Anna", "--db", p(&db)]));
    assert!(t0.elapsed() < Duration::from_secs(5), "a reader waited for the writer");
    assert!(list.contains("Anna: 2 sessions") && !list.contains("Bob"), "uncommitted rows seen: {list}");
    assert!(compare.contains("Baseline"), "{compare}");
    writer.kill().unwrap();
    writer.wait().unwrap();
}

#[test]
fn kill_9_mid_save_leaves_the_database_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    {
        let mut h = History::open(&db).unwrap();
        sessions_for(&mut h, "Anna", 3);
    }
    let before = History::open_existing(&db).unwrap().export(Some("Anna")).unwrap();

    // Deterministic: the child has written its rows and sits inside the transaction.
    let big = export_file(dir.path(), "Bob", 6);
    let flag = dir.path().join("in-save");
    let mut child = import_child(&big, &db, Some(60_000), Some(&flag));
    wait_for(&flag, Duration::from_secs(20));
    child.kill().unwrap(); // SIGKILL
    let status = child.wait().unwrap();
    assert!(!status.success());
    assert!(Path::new(&format!("{}-wal", db.display())).exists(), "the killed writer left its log");

    assert_eq!(integrity(&db), "ok");
    let h = History::open_existing(&db).unwrap();
    assert_eq!(count(&db, Some("Bob")), 0, "the killed import must not half-land");
    let list = h.sessions(Some("Anna")).unwrap();
    assert_eq!(list.len(), 3);
    for s in &list {
        assert_eq!(h.result(s.id).unwrap().reps.len(), 3);
    }
    let after = h.export(Some("Anna")).unwrap();
    assert_eq!(after.lifters, before.lifters, "earlier sessions changed");
    drop(h);
    // And the database still takes writes.
    ok(&formcheck(&["import", p(&big), "--db", p(&db)]));
    assert_eq!(count(&db, Some("Bob")), 6);

    // Statistical: kill at random moments of a whole run (open, migrate, write, commit).
    let mut seed = 0x9e3779b97f4a7c15u64;
    for round in 0..12 {
        let f = export_file(dir.path(), &format!("K{round}"), 3);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(seed % 60);
        let mut child = import_child(&f, &db, None, None);
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(integrity(&db), "ok", "round {round}");
        let n = count(&db, Some(&format!("K{round}")));
        assert!(n == 0 || n == 3, "round {round}: {n} of 3 sessions landed");
        assert_eq!(count(&db, Some("Anna")), 3, "round {round}");
    }
}

#[test]
fn kill_9_while_creating_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let f = export_file(dir.path(), "Anna", 2);
    for round in 0..6 {
        let db = dir.path().join(format!("new-{round}.sqlite"));
        let mut child = import_child(&f, &db, None, None);
        std::thread::sleep(Duration::from_millis(3 * round));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever the moment, the file is either absent, empty, or a usable history.
        ok(&formcheck(&["import", p(&f), "--db", p(&db)]));
        assert_eq!(count(&db, Some("Anna")), 2);
        assert_eq!(integrity(&db), "ok");
    }
}

#[test]
fn foreign_corrupt_or_newer_files_are_refused_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let export = export_file(dir.path(), "Anna", 2);

    let text = dir.path().join("notes.sqlite");
    std::fs::write(&text, "not a database\n").unwrap();
    let foreign = dir.path().join("other.db");
    rusqlite::Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE songs (title TEXT);").unwrap();
    let corrupt = dir.path().join("corrupt.sqlite");
    {
        let mut h = History::open(&corrupt).unwrap();
        sessions_for(&mut h, "Anna", 3);
    }
    let mut b = bytes(&corrupt);
    let n = b.len();
    b[n / 2..].iter_mut().for_each(|x| *x = 0x5A);
    std::fs::write(&corrupt, &b).unwrap();
    let newer = dir.path().join("newer.sqlite");
    {
        let mut h = History::open(&newer).unwrap();
        sessions_for(&mut h, "Anna", 1);
    }
    rusqlite::Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 5;").unwrap();

    for (db, want) in [
        (&text, "not a formcheck history database"),
        (&foreign, "songs"),
        (&corrupt, "damaged"),
        (&newer, "newer formcheck (history schema 5"),
    ] {
        let before = bytes(db);
        let side = sidecars(db);
        for args in [
            vec!["history", "--db", p(db)],
            vec!["compare", "--lifter", "Anna", "--db", p(db)],
            vec!["export", "--db", p(db)],
            vec!["import", p(&export), "--db", p(db)],
            vec!["forget", "--lifter", "Anna", "--yes", "--db", p(db)],
        ] {
            let err = failed(&formcheck(&args));
            assert!(err.contains(want), "{args:?}: {err}");
            assert!(err.contains("formcheck:"), "{err}");
            assert_eq!(err.lines().count(), 1, "one clear line: {err}");
            assert_eq!(bytes(db), before, "{args:?} modified {}", db.display());
            assert_eq!(sidecars(db), side, "{args:?} left files next to {}", db.display());
        }
    }
}

#[test]
fn export_and_import_through_the_cli_compare_identically() {
    let dir = tempfile::tempdir().unwrap();
    let db1 = dir.path().join("gym.sqlite");
    {
        let mut h = History::open(&db1).unwrap();
        sessions_for(&mut h, "Bob", 2);
        sessions_for(&mut h, "Anna", 4);
    }
    let file = dir.path().join("anna.json");
    let out = formcheck(&["export", "--lifter", "anna", "--out", p(&file), "--db", p(&db1)]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Exported 4 sessions (Anna)"));

    let db2 = dir.path().join("home.sqlite");
    let msg = ok(&formcheck(&["import", p(&file), "--db", p(&db2)]));
    assert!(msg.contains("Imported Anna: 4 new sessions, 0 updated"), "{msg}");

    let compare = |db: &Path, extra: &[&str]| {
        let mut args = vec!["compare", "--lifter", "Anna", "--db", p(db)];
        args.extend_from_slice(extra);
        ok(&formcheck(&args))
    };
    for extra in [&[][..], &["--baseline", "best"], &["--last", "2"], &["--baseline", "2025-02-05"]] {
        assert_eq!(compare(&db1, extra), compare(&db2, extra), "{extra:?}");
    }
    let j1 = compare(&db1, &["--json", "-"]);
    let j2 = compare(&db2, &["--json", "-"]);
    assert_eq!(j1, j2);
    let v: serde_json::Value = serde_json::from_str(&j1).unwrap();
    assert_eq!(v["schema"], "formcheck.comparison/1");
    assert_eq!(v["sessions"].as_array().unwrap().len(), 4);
    // Drift went 2 → 5 cm: a regression in the last session.
    assert_eq!(v["regressions"][0]["metric"], "bar_drift_cm");

    // JSON and a plot to files, text to stdout.
    let json = dir.path().join("c.json");
    let svg = dir.path().join("trend.svg");
    let text = compare(&db2, &["--json", p(&json), "--plot", p(&svg)]);
    assert!(text.contains("REGRESSION"), "{text}");
    assert!(text.contains("Trend plot:"), "{text}");
    assert_eq!(std::fs::read_to_string(&json).unwrap().trim_end(), j2.trim_end());
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    let err = failed(&formcheck(&["compare", "--lifter", "Anna", "--db", p(&db2), "--plot", "x.pdf"]));
    assert!(err.contains(".png or .svg"), "{err}");

    // The export of the imported history equals the original export (but for its time).
    let again = ok(&formcheck(&["export", "--lifter", "Anna", "--db", p(&db2)]));
    let a: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let b: serde_json::Value = serde_json::from_str(&again).unwrap();
    assert_eq!(a["lifters"], b["lifters"]);
}

#[test]
fn history_list_forget_and_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.sqlite");
    let err = failed(&formcheck(&["history", "--db", p(&db)]));
    assert!(err.contains("no history at"), "{err}");
    assert!(!db.exists(), "reading must not create a database");
    {
        let mut h = History::open(&db).unwrap();
        sessions_for(&mut h, "Anna", 2);
        sessions_for(&mut h, "Bob", 1);
    }
    let list = ok(&formcheck(&["history", "--db", p(&db)]));
    assert!(list.contains("Anna: 2 sessions") && list.contains("Bob: 1 session"), "{list}");
    let json = ok(&formcheck(&["history", "--lifter", "bob", "--json", "-", "--db", p(&db)]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["sessions"].as_array().unwrap().len(), 1);
    assert_eq!(v["sessions"][0]["lifter"], "Bob");

    let err = failed(&formcheck(&["forget", "--lifter", "Anna", "--db", p(&db)]));
    assert!(err.contains("add --yes"), "{err}");
    assert_eq!(count(&db, Some("Anna")), 2);
    let out = ok(&formcheck(&["forget", "--lifter", "anna", "--yes", "--db", p(&db)]));
    assert!(out.contains("Deleted Anna: 2 sessions"), "{out}");
    assert_eq!(count(&db, Some("Anna")), 0);
    assert_eq!(count(&db, Some("Bob")), 1);
    let err = failed(&formcheck(&["compare", "--lifter", "Anna", "--db", p(&db)]));
    assert!(err.contains("no sessions saved for lifter 'Anna'") && err.contains("Bob"), "{err}");
    let err =
        failed(&formcheck(&["compare", "--lifter", "Bob", "--last", "1", "--since", "2025-01-01", "--db", p(&db)]));
    assert!(err.contains("cannot be used with"), "{err}");
}
