//! Property-based fuzzing of the parsers that read user files: the fault thresholds TOML
//! (`--thresholds FILE`) and the history export JSON (`formcheck import FILE`), and of the
//! import that writes an export into a history database. See `docs/fuzzing.md`.
//!
//! Each property runs `PROPTEST_CASES` cases (proptest's own setting; 256 when unset, which
//! keeps the whole file well under a minute in release). For a long run:
//!
//! ```sh
//! PROPTEST_CASES=20000 cargo test --release --locked --test fuzz_parsers -- --nocapture
//! ```
//!
//! Every property prints how many cases it ran and how many inputs were accepted, so a run
//! shows that the structure-aware mutations reach both the accepting and the refusing paths.

mod history_support;

use chrono::NaiveDate;
use formcheck::faults::thresholds::Thresholds;
use formcheck::history::{
    text, Baseline, CompareRequest, DateSource, Export, History, SessionInfo, SessionInput, Window,
};
use formcheck::schema::{Severity, FAULT_IDS};
use history_support::*;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------

/// proptest's configuration (`PROPTEST_CASES` and friends from the environment; 256 cases
/// when unset). Failures are not written to a regressions file: each bug found becomes a
/// unit test next to the code instead.
fn config() -> Config {
    Config { failure_persistence: None, ..Config::default() }
}

/// Runs `test` on `strategy`'s values; panics with the shrunk input on a failure. Prints
/// the case count and how many inputs `test` reported as accepted.
fn run<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<bool, TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let config = config();
    let cases = config.cases;
    let accepted = AtomicUsize::new(0);
    let ran = AtomicUsize::new(0);
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(config);
    let result = runner.run(&strategy, |v| {
        ran.fetch_add(1, Ordering::Relaxed);
        if test(v)? {
            accepted.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    });
    match result {
        Ok(()) => eprintln!(
            "fuzz {name}: {cases} cases passed ({} run in all), {} accepted, {:.1} s",
            ran.into_inner(),
            accepted.into_inner(),
            started.elapsed().as_secs_f64()
        ),
        Err(TestError::Fail(why, input)) => panic!("fuzz {name}: {why}\nminimal failing input: {input:#?}"),
        Err(e) => panic!("fuzz {name}: {e}"),
    }
}

/// A string cut at a char boundary at or before `at` (an index into its length + 1).
fn cut(s: &str, at: &Index) -> String {
    let mut n = at.index(s.len() + 1);
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    s[..n].to_string()
}

// ---------------------------------------------------------------------------------------
// Thresholds TOML
// ---------------------------------------------------------------------------------------

/// What the thresholds mean, written independently of `Thresholds::validate`: every value a
/// finite number in a physically sensible range, the watch level on the milder side of the
/// likely level, and a setup hip height (or knee angle) never both too high and too low.
fn check_sane(t: &Thresholds) -> Result<(), String> {
    let r = &t.lumbar_rounding;
    let h = &t.lumbar_hyperextension;
    let d = &t.bar_drift;
    let hh = &t.hips_too_high;
    let hl = &t.hips_too_low;
    let hr = &t.hips_rise_early;
    let j = &t.jerked_liftoff;
    let ranges = [
        ("lumbar_rounding.likely_pct", r.likely_pct, 50.0),
        ("lumbar_rounding.watch_pct", r.watch_pct, 50.0),
        ("lumbar_rounding.outline_likely_pct", r.outline_likely_pct, 100.0),
        ("lumbar_rounding.outline_watch_pct", r.outline_watch_pct, 100.0),
        ("lumbar_hyperextension.likely_deg", h.likely_deg, 60.0),
        ("lumbar_hyperextension.watch_deg", h.watch_deg, 60.0),
        ("lumbar_hyperextension.likely_beyond_baseline_deg", h.likely_beyond_baseline_deg, 60.0),
        ("bar_drift.likely_cm", d.likely_cm, 50.0),
        ("bar_drift.watch_cm", d.watch_cm, 50.0),
        ("hips_too_high.likely_ratio", hh.likely_ratio, 2.0),
        ("hips_too_high.watch_ratio", hh.watch_ratio, 2.0),
        ("hips_too_high.likely_knee_deg", hh.likely_knee_deg, 180.0),
        ("hips_too_high.watch_knee_deg", hh.watch_knee_deg, 180.0),
        ("hips_too_low.likely_ratio", hl.likely_ratio, 2.0),
        ("hips_too_low.watch_ratio", hl.watch_ratio, 2.0),
        ("hips_too_low.likely_knee_deg", hl.likely_knee_deg, 180.0),
        ("hips_too_low.watch_knee_deg", hl.watch_knee_deg, 180.0),
        ("hips_rise_early.likely_cm", hr.likely_cm, 50.0),
        ("hips_rise_early.watch_cm", hr.watch_cm, 50.0),
        ("hips_rise_early.likely_ms", hr.likely_ms, 5000.0),
        ("hips_rise_early.watch_ms", hr.watch_ms, 5000.0),
        ("hips_rise_early.likely_ratio", hr.likely_ratio, 20.0),
        ("hips_rise_early.watch_ratio", hr.watch_ratio, 20.0),
        ("jerked_liftoff.likely_accel_ratio", j.likely_accel_ratio, 50.0),
        ("jerked_liftoff.watch_accel_ratio", j.watch_accel_ratio, 50.0),
        ("jerked_liftoff.min_hold_ms", j.min_hold_ms, 5000.0),
        ("jerked_liftoff.hip_dip_cm", j.hip_dip_cm, 50.0),
        ("fatigue.velocity_loss_pct", t.fatigue.velocity_loss_pct, 100.0),
    ];
    for (key, v, hi) in ranges {
        if !(v.is_finite() && (0.0..=hi).contains(&v)) {
            return Err(format!("{key} = {v:?} accepted, outside 0..={hi}"));
        }
    }
    // (milder, worse) pairs: higher is worse except for hips_too_low.
    let orders = [
        ("lumbar_rounding", r.watch_pct, r.likely_pct),
        ("lumbar_rounding outline", r.outline_watch_pct, r.outline_likely_pct),
        ("lumbar_hyperextension", h.watch_deg, h.likely_deg),
        ("bar_drift", d.watch_cm, d.likely_cm),
        ("hips_too_high ratio", hh.watch_ratio, hh.likely_ratio),
        ("hips_too_high knee", hh.watch_knee_deg, hh.likely_knee_deg),
        ("hips_too_low ratio", -hl.watch_ratio, -hl.likely_ratio),
        ("hips_too_low knee", -hl.watch_knee_deg, -hl.likely_knee_deg),
        ("hips_rise_early cm", hr.watch_cm, hr.likely_cm),
        ("hips_rise_early ms", hr.watch_ms, hr.likely_ms),
        ("hips_rise_early ratio", hr.watch_ratio, hr.likely_ratio),
        ("jerked_liftoff", j.watch_accel_ratio, j.likely_accel_ratio),
    ];
    for (what, watch, likely) in orders {
        if watch > likely {
            return Err(format!("{what}: watch level {watch} beyond likely level {likely} accepted"));
        }
    }
    if hl.watch_ratio >= hh.watch_ratio || hl.watch_knee_deg >= hh.watch_knee_deg {
        return Err(format!(
            "hips too low ({}, {}°) overlaps hips too high ({}, {}°): every setup would be a fault",
            hl.watch_ratio, hl.watch_knee_deg, hh.watch_ratio, hh.watch_knee_deg
        ));
    }
    Ok(())
}

/// The thresholds property: accepted ⇒ sane; refused ⇒ a message. Returns whether accepted.
fn check_thresholds(text: &str) -> Result<bool, TestCaseError> {
    match Thresholds::parse(text) {
        Ok(t) => {
            check_sane(&t).map_err(|e| TestCaseError::fail(format!("{e}\nfile:\n{text}")))?;
            Ok(true)
        }
        Err(why) => {
            prop_assert!(!why.trim().is_empty(), "empty error for {text:?}");
            Ok(false)
        }
    }
}

fn toml_float(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{v:?}")
    }
}

const WEIRD_TOML: &[&str] = &[
    "nan",
    "+nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "-1.0",
    "-0.0",
    "0",
    "0.0",
    "1e308",
    "1.8e308",
    "-1e308",
    "5e-324",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "0x10",
    "0o7",
    "0b1",
    "1_000",
    "1__0",
    "\"5.0\"",
    "'5.0'",
    "true",
    "[1.0, 2.0]",
    "[]",
    "{ a = 1 }",
    "{}",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "\"\"\"x\"\"\"",
    "",
    "5.0 5.0",
    "1e",
    ".5",
    "5.",
    "+5.0",
    "0.1e-5",
    "\"\\u0000\"",
    "1e-400",
];

/// Section names for the edits: every fault's, then ones the file must refuse or ignore.
fn sections() -> Vec<&'static str> {
    let odd = ["fatigue", "unknown_section", "bar_drift.sub", "[bar_drift]", ""];
    FAULT_IDS.iter().copied().chain(odd).collect()
}

const KEYS: &[&str] = &[
    "likely_pct",
    "watch_pct",
    "likely_deg",
    "watch_deg",
    "likely_cm",
    "watch_cm",
    "likely_ratio",
    "watch_ratio",
    "likely_ms",
    "watch_ms",
    "likely_knee_deg",
    "watch_knee_deg",
    "likely_accel_ratio",
    "min_hold_ms",
    "hip_dip_cm",
    "velocity_loss_pct",
    "likely_beyond_baseline_deg",
    "outline_likely_pct",
    "outline_watch_pct",
    "likley_cm",
    "\"likely_cm\"",
    "a.b",
    "fatigue",
    "bar_drift",
];

fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<f64>().prop_map(toml_float),
        3 => (-10.0f64..6000.0).prop_map(toml_float),
        3 => (0.0f64..2.0).prop_map(toml_float),
        2 => (-2.0f64..0.0).prop_map(toml_float),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        2 => (-5i64..200).prop_map(|i| i.to_string()),
        3 => prop::sample::select(WEIRD_TOML).prop_map(String::from),
    ]
}

#[derive(Debug, Clone)]
enum TomlEdit {
    DeleteLine(Index),
    SetValue(Index, String),
    DuplicateLine(Index),
    InsertKey(Index, String, String),
    InsertHeader(Index, String),
    SwapLines(Index, Index),
    InsertJunk(Index, String),
}

fn toml_edit() -> impl Strategy<Value = TomlEdit> {
    let key = prop::sample::select(KEYS).prop_map(String::from);
    let section = prop::sample::select(sections()).prop_map(String::from);
    prop_oneof![
        2 => any::<Index>().prop_map(TomlEdit::DeleteLine),
        6 => (any::<Index>(), toml_value()).prop_map(|(i, v)| TomlEdit::SetValue(i, v)),
        1 => any::<Index>().prop_map(TomlEdit::DuplicateLine),
        2 => (any::<Index>(), key, toml_value()).prop_map(|(i, k, v)| TomlEdit::InsertKey(i, k, v)),
        1 => (any::<Index>(), section).prop_map(|(i, s)| TomlEdit::InsertHeader(i, s)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TomlEdit::SwapLines(a, b)),
        1 => (any::<Index>(), "[\\[\\]a-z_=.0-9\"' #{}+-]{0,30}").prop_map(|(i, s)| TomlEdit::InsertJunk(i, s)),
    ]
}

fn apply_toml(base: &str, edits: &[TomlEdit], truncate: &Option<Index>) -> String {
    let mut lines: Vec<String> = base.lines().map(String::from).collect();
    for e in edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let n = lines.len();
        match e {
            TomlEdit::DeleteLine(i) => {
                lines.remove(i.index(n));
            }
            TomlEdit::SetValue(i, v) => {
                // Prefer a `key = value` line at or after the chosen one.
                let start = i.index(n);
                let k = (start..n).chain(0..start).find(|&k| lines[k].contains('=')).unwrap_or(start);
                let key = lines[k].split('=').next().unwrap_or("").trim().to_string();
                lines[k] = format!("{key} = {v}");
            }
            TomlEdit::DuplicateLine(i) => {
                let k = i.index(n);
                let l = lines[k].clone();
                lines.insert(k, l);
            }
            TomlEdit::InsertKey(i, k, v) => lines.insert(i.index(n + 1), format!("{k} = {v}")),
            TomlEdit::InsertHeader(i, s) => lines.insert(i.index(n + 1), format!("[{s}]")),
            TomlEdit::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
            TomlEdit::InsertJunk(i, s) => lines.insert(i.index(n + 1), s.clone()),
        }
    }
    let text = lines.join("\n") + "\n";
    match truncate {
        Some(at) => cut(&text, at),
        None => text,
    }
}

#[test]
fn thresholds_parse_never_panics_on_arbitrary_text() {
    run("thresholds/any-string", any::<String>(), |s| check_thresholds(&s));
    run("thresholds/toml-alphabet", "[\\[\\]a-z_=.0-9\"' #{}+\\n-]{0,300}", |s| check_thresholds(&s));
}

#[test]
fn thresholds_parse_and_load_never_panic_on_arbitrary_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.toml");
    run("thresholds/bytes", prop::collection::vec(any::<u8>(), 0..600), |bytes| {
        let accepted = check_thresholds(&String::from_utf8_lossy(&bytes))?;
        std::fs::write(&file, &bytes).unwrap();
        match Thresholds::load(&file) {
            Ok(t) => check_sane(&t).map_err(TestCaseError::fail)?,
            Err(e) => prop_assert!(e.to_string().contains("t.toml"), "load error does not name the file: {e}"),
        }
        Ok(accepted)
    });
}

#[test]
fn thresholds_mutations_of_the_defaults_are_accepted_sane_or_refused_with_a_message() {
    let base = Thresholds::default_toml();
    check_thresholds(&base).unwrap();
    let strategy = (prop::collection::vec(toml_edit(), 0..6), prop::option::weighted(0.15, any::<Index>()));
    run("thresholds/mutated-defaults", strategy, |(edits, truncate)| {
        check_thresholds(&apply_toml(&base, &edits, &truncate))
    });
}

/// Valid thresholds by construction (in range, watch on the milder side, hips too low below
/// hips too high).
fn valid_thresholds() -> impl Strategy<Value = Thresholds> {
    fn pair(lo: f64, hi: f64) -> impl Strategy<Value = (f64, f64)> {
        (lo..=hi, lo..=hi).prop_map(|(a, b)| (a.min(b), a.max(b)))
    }
    (
        (pair(0.0, 50.0), pair(0.0, 60.0), 0.0..=60.0f64, pair(0.0, 50.0)),
        (pair(1.0, 2.0), pair(90.0, 180.0), pair(0.0, 0.99), pair(0.0, 89.0)),
        (pair(0.0, 50.0), pair(0.0, 5000.0), pair(0.0, 20.0)),
        (pair(0.0, 50.0), 0.0..=5000.0f64, 0.0..=50.0f64, 0.0..=100.0f64),
        pair(0.0, 100.0),
    )
        .prop_map(|((rd, hx, hb, dr), (hr, hk, lr, lk), (rc, rm, rr), (ja, jh, jd, fv), ro)| {
            let mut t = Thresholds::default();
            (t.lumbar_rounding.watch_pct, t.lumbar_rounding.likely_pct) = rd;
            (t.lumbar_rounding.outline_watch_pct, t.lumbar_rounding.outline_likely_pct) = ro;
            (t.lumbar_hyperextension.watch_deg, t.lumbar_hyperextension.likely_deg) = hx;
            t.lumbar_hyperextension.likely_beyond_baseline_deg = hb;
            (t.bar_drift.watch_cm, t.bar_drift.likely_cm) = dr;
            (t.hips_too_high.watch_ratio, t.hips_too_high.likely_ratio) = hr;
            (t.hips_too_high.watch_knee_deg, t.hips_too_high.likely_knee_deg) = hk;
            // Lower is worse: likely is the smaller.
            (t.hips_too_low.likely_ratio, t.hips_too_low.watch_ratio) = lr;
            (t.hips_too_low.likely_knee_deg, t.hips_too_low.watch_knee_deg) = lk;
            (t.hips_rise_early.watch_cm, t.hips_rise_early.likely_cm) = rc;
            (t.hips_rise_early.watch_ms, t.hips_rise_early.likely_ms) = rm;
            (t.hips_rise_early.watch_ratio, t.hips_rise_early.likely_ratio) = rr;
            (t.jerked_liftoff.watch_accel_ratio, t.jerked_liftoff.likely_accel_ratio) = ja;
            t.jerked_liftoff.min_hold_ms = jh;
            t.jerked_liftoff.hip_dip_cm = jd;
            t.fatigue.velocity_loss_pct = fv;
            t
        })
}

#[test]
fn valid_thresholds_round_trip_through_toml() {
    run("thresholds/round-trip", valid_thresholds(), |t| {
        for text in [toml::to_string(&t).unwrap(), toml::to_string_pretty(&t).unwrap()] {
            let back = Thresholds::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\nfile:\n{text}")))?;
            prop_assert_eq!(&back, &t);
        }
        Ok(true)
    });
}

// ---------------------------------------------------------------------------------------
// History export JSON and import
// ---------------------------------------------------------------------------------------

const SEED_LIFTER: &str = "Seed";
const SEED_VIDEO: &str = "seed";

struct Fixture {
    _dir: tempfile::TempDir,
    /// A history holding one session of `SEED_LIFTER`, closed (no -wal file).
    template: PathBuf,
    /// A real export of two lifters (frames cut to a few per result to keep cases fast).
    export: Value,
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let template = dir.path().join("template.sqlite");
        {
            let mut h = History::open(&template).unwrap();
            let a = analysis(SEED_VIDEO, &[RepSpec::clean()]);
            h.save_session(&SessionInput {
                lifter: SEED_LIFTER,
                date: date("2025-01-01"),
                date_source: DateSource::Given,
                load_kg: Some(100.0),
                note: Some("seeded"),
                analysis: &a,
            })
            .unwrap();
        }
        let source = dir.path().join("source.sqlite");
        let mut h = History::open(&source).unwrap();
        let faulty = RepSpec { faults: vec![("bar_drift", Severity::Likely)], ..RepSpec::clean() };
        for (lifter, video, day, reps, load, note) in [
            ("Anna", "anna-1", "2025-02-01", vec![faulty.clone()], Some(120.0), Some("first")),
            ("Anna", "anna-2", "2025-03-01", vec![RepSpec::clean(), faulty], None, None),
            ("Bob", "bob-1", "2025-02-15", vec![RepSpec::clean()], Some(90.5), None),
        ] {
            let a = analysis(video, &reps);
            h.save_session(&SessionInput {
                lifter,
                date: date(day),
                date_source: DateSource::Video,
                load_kg: load,
                note,
                analysis: &a,
            })
            .unwrap();
        }
        let mut export = serde_json::to_value(h.export(None).unwrap()).unwrap();
        for l in export["lifters"].as_array_mut().unwrap() {
            for s in l["sessions"].as_array_mut().unwrap() {
                s["result"]["frames"].as_array_mut().unwrap().truncate(4);
            }
        }
        drop(h);
        Fixture { _dir: dir, template, export }
    })
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    At(usize),
}

/// Every node's path; `shallow` leaves out what is inside the full results.
fn paths(v: &Value, shallow: bool) -> Vec<Vec<Step>> {
    fn walk(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>, shallow: bool) {
        out.push(here.clone());
        match v {
            Value::Object(m) => {
                for (k, c) in m {
                    if shallow && k == "result" {
                        continue;
                    }
                    here.push(Step::Key(k.clone()));
                    walk(c, here, out, shallow);
                    here.pop();
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    here.push(Step::At(i));
                    walk(c, here, out, shallow);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut Vec::new(), &mut out, shallow);
    out
}

fn node<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::At(i) => &mut v[*i],
    })
}

/// A replacement value: a JSON value, or raw text spliced into the file (numbers JSON
/// cannot hold, deep nesting).
#[derive(Debug, Clone)]
enum Junk {
    Json(Value),
    Raw(String),
}

const RAW_JUNK: &[&str] = &[
    "NaN",
    "-NaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999",
    "-1e999",
    "18446744073709551616",
    "-9223372036854775809",
    "1.7976931348623157e309",
    "0.0e-999",
    "-0",
    "1E400",
    "00",
    "01",
    "1.",
    ".5",
    "+1",
    "0x10",
    "\"\\ud800\"",
    "\"\\u0000\"",
    "undefined",
    "'x'",
];

const STRING_JUNK: &[&str] = &[
    "",
    " ",
    "NaN",
    "Infinity",
    "-inf",
    "1e999",
    "-1",
    "0",
    "null",
    "true",
    "Seed",
    " seed ",
    "SEED",
    "Anna",
    "anna",
    "\u{0}",
    "\u{7}bell",
    "\u{202e}rtl",
    "名前",
    "2025-02-30",
    "2025-13-01",
    "+12345-01-01",
    "-0001-01-01",
    "0000-01-01",
    "9999-12-31",
    "2025-1-1",
    "2025-01-01T00:00:00Z",
    "given",
    "video",
    "today",
    "Given",
    "formcheck.history-export/1",
    "formcheck.history-export/0",
    "formcheck.history-export/2",
    "formcheck.history-export/01",
    "formcheck.history-export/+1",
    "formcheck.history-export/4294967296",
    "formcheck.history-export/",
    "formcheck.history-export/1 ",
    "formcheck.analysis/1",
    "formcheck.analysis/99",
    "likely",
    "watch",
    "below_knee",
    "plate",
    "side",
    "right",
];

fn junk() -> impl Strategy<Value = Junk> {
    let string = prop_oneof![
        4 => prop::sample::select(STRING_JUNK).prop_map(String::from),
        1 => Just(sha_of(SEED_VIDEO)),
        1 => Just(sha_of(SEED_VIDEO).to_uppercase()),
        1 => Just(sha_of("anna-1")),
        1 => ".{0,40}",
        1 => (1usize..3000).prop_map(|n| "x".repeat(n * 10)),
    ];
    prop_oneof![
        1 => Just(Junk::Json(Value::Null)),
        1 => any::<bool>().prop_map(|b| Junk::Json(json!(b))),
        2 => any::<i64>().prop_map(|i| Junk::Json(json!(i))),
        1 => any::<u64>().prop_map(|i| Junk::Json(json!(i))),
        2 => (-3i64..5).prop_map(|i| Junk::Json(json!(i))),
        2 => prop::num::f64::NORMAL.prop_map(|f| Junk::Json(json!(f))),
        1 => prop::sample::select(&[-1.0f64, 0.0, 1e-300, 1e300, f64::MAX, -f64::MAX, 1999.9, 2000.0, 5e-324][..])
            .prop_map(|f| Junk::Json(json!(f))),
        5 => string.prop_map(|s| Junk::Json(json!(s))),
        1 => Just(Junk::Json(json!([]))),
        1 => Just(Junk::Json(json!({}))),
        1 => (1usize..200).prop_map(|n| {
            let mut v = json!(1);
            for _ in 0..n {
                v = json!([v]);
            }
            Junk::Json(v)
        }),
        3 => prop::sample::select(RAW_JUNK).prop_map(|s| Junk::Raw(s.to_string())),
        1 => (1usize..2000, any::<bool>()).prop_map(|(n, obj)| Junk::Raw(if obj {
            "{\"a\":".repeat(n) + "1" + &"}".repeat(n)
        } else {
            "[".repeat(n) + &"]".repeat(n)
        })),
    ]
}

#[derive(Debug, Clone)]
enum JsonEdit {
    Remove { shallow: bool, at: Index },
    Replace { shallow: bool, at: Index, with: Junk },
    Duplicate { shallow: bool, at: Index },
    RenameKey { shallow: bool, at: Index, to: String },
}

fn json_edit() -> impl Strategy<Value = JsonEdit> {
    let to = prop::sample::select(&["", "extra", "schema", "lifters", "name", "Name", "date", "reps", "index"][..])
        .prop_map(String::from);
    prop_oneof![
        3 => (any::<bool>(), any::<Index>()).prop_map(|(shallow, at)| JsonEdit::Remove { shallow, at }),
        6 => (any::<bool>(), any::<Index>(), junk()).prop_map(|(shallow, at, with)| JsonEdit::Replace { shallow, at, with }),
        2 => (any::<bool>(), any::<Index>()).prop_map(|(shallow, at)| JsonEdit::Duplicate { shallow, at }),
        1 => (any::<bool>(), any::<Index>(), to).prop_map(|(shallow, at, to)| JsonEdit::RenameKey { shallow, at, to }),
    ]
}

/// Applies the edits to a copy of `base` and writes it out, raw junk spliced in, maybe cut.
fn apply_json(base: &Value, edits: &[JsonEdit], truncate: &Option<Index>) -> String {
    let mut v = base.clone();
    let mut raws: Vec<String> = Vec::new();
    for e in edits {
        let (shallow, at) = match e {
            JsonEdit::Remove { shallow, at }
            | JsonEdit::Replace { shallow, at, .. }
            | JsonEdit::Duplicate { shallow, at }
            | JsonEdit::RenameKey { shallow, at, .. } => (*shallow, at),
        };
        let all = paths(&v, shallow);
        let path = all[at.index(all.len())].clone();
        match e {
            JsonEdit::Replace { with, .. } => {
                *node(&mut v, &path) = match with {
                    Junk::Json(j) => j.clone(),
                    Junk::Raw(r) => {
                        raws.push(r.clone());
                        json!(format!("@@RAW{}@@", raws.len() - 1))
                    }
                }
            }
            JsonEdit::Remove { .. } | JsonEdit::Duplicate { .. } | JsonEdit::RenameKey { .. } => {
                let Some((last, parent)) = path.split_last() else { continue };
                let parent = node(&mut v, parent);
                match (parent, last, e) {
                    (Value::Object(m), Step::Key(k), JsonEdit::Remove { .. }) => {
                        m.remove(k);
                    }
                    (Value::Object(m), Step::Key(k), JsonEdit::RenameKey { to, .. }) => {
                        if let Some(x) = m.remove(k) {
                            m.insert(to.clone(), x);
                        }
                    }
                    (Value::Object(m), Step::Key(k), JsonEdit::Duplicate { .. }) => {
                        // Same key twice in the text: spliced in raw after the object.
                        let x = m[k].clone();
                        raws.push(format!("{}: {x}", serde_json::to_string(k).unwrap()));
                        m.insert(format!("@@DUP{}@@", raws.len() - 1), Value::Null);
                    }
                    (Value::Array(a), Step::At(i), JsonEdit::Remove { .. }) => {
                        a.remove(*i);
                    }
                    (Value::Array(a), Step::At(i), JsonEdit::Duplicate { .. }) => {
                        let x = a[*i].clone();
                        a.insert(*i, x);
                    }
                    _ => {}
                }
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&v).unwrap();
    for (n, r) in raws.iter().enumerate() {
        text = text.replace(&format!("\"@@RAW{n}@@\""), r).replace(&format!("\"@@DUP{n}@@\": null"), r);
    }
    match truncate {
        Some(at) => cut(&text, at),
        None => text,
    }
}

/// `Export::parse` on `text`: a parse error must say something; a parsed export is
/// imported into a copy of the seeded history, which must come out whole.
fn check_export_text(text: &str) -> Result<bool, TestCaseError> {
    let path = Path::new("fuzz-export.json");
    let export = match Export::parse(text, path) {
        Ok(e) => e,
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.contains("fuzz-export.json") && msg.len() > 30, "unhelpful error: {msg}");
            return Ok(false);
        }
    };
    check_import(&export)?;
    Ok(true)
}

fn integrity(path: &Path) -> String {
    let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let ok: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    let fk: i64 = c.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    if fk > 0 {
        return format!("{fk} foreign key violations");
    }
    ok
}

fn fail(what: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(what.to_string())
}

/// Reads every session back, its full result, an export, and a comparison of every lifter
/// with its text: whatever an import stored, later commands must be able to read.
fn read_everything(h: &History) -> Result<Vec<SessionInfo>, TestCaseError> {
    let list = h.sessions(None).map_err(|e| fail(format!("sessions unreadable: {e}")))?;
    for s in &list {
        h.result(s.id).map_err(|e| fail(format!("result of session {} unreadable: {e}", s.id)))?;
    }
    h.export(None).map_err(|e| fail(format!("export fails: {e}")))?;
    for lifter in h.lifters().map_err(fail)? {
        for baseline in [Baseline::First, Baseline::Best] {
            let req = CompareRequest { lifter: lifter.clone(), baseline, window: Window::All };
            let c = h.compare(&req).map_err(|e| fail(format!("compare {lifter}: {e}")))?;
            let _ = text::comparison(&c);
        }
    }
    let _ = text::sessions(&list);
    Ok(list)
}

/// Imports that succeeded, for the run's summary line.
static IMPORTED: AtomicUsize = AtomicUsize::new(0);

fn check_import(export: &Export) -> Result<(), TestCaseError> {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    std::fs::copy(&f.template, &db).unwrap();
    let mut h = History::open(&db).unwrap();
    let before = read_everything(&h)?;
    let rename = export.lifters.len() == 1 && export.lifters[0].name.len() % 2 == 0;
    let outcome = h.import(export, rename.then_some("Renamed"));
    let after = read_everything(&h)?;
    prop_assert_eq!(integrity(&db), "ok");
    let seed_sha = sha_of(SEED_VIDEO);
    let seed = after.iter().find(|s| s.lifter == SEED_LIFTER && s.video_sha256 == seed_sha);
    prop_assert!(seed.is_some(), "the seeded session is gone: {after:#?}");
    match &outcome {
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.len() > 30, "unhelpful import error: {msg}");
            // It names the file the problem is in (not a video or a command-line option).
            prop_assert!(msg.contains("fuzz-export.json"), "the import error does not name the file: {msg}");
            // An SQL failure means the checks before the write missed something the
            // database's own constraints caught, with a message about the database rather
            // than the file.
            prop_assert!(
                !matches!(e, formcheck::Error::HistorySql { .. }),
                "the import was refused by SQLite, not by a check of the file: {msg}"
            );
            prop_assert_eq!(&before, &after, "a refused import changed the history ({})", msg);
        }
        Ok(out) => {
            let touched: usize = out.lifters.iter().map(|l| l.inserted + l.updated).sum();
            let sessions: usize = export.lifters.iter().map(|l| l.sessions.len()).sum();
            prop_assert_eq!(touched, sessions);
            prop_assert!(after.len() >= before.len());
            // What was stored is what `--save` itself would accept.
            for s in &after {
                let name = formcheck::history::check_lifter_name(&s.lifter).ok();
                prop_assert_eq!(name.as_deref(), Some(s.lifter.as_str()));
                if let Some(kg) = s.load_kg {
                    prop_assert!(kg.is_finite() && kg > 0.0 && kg < 2000.0, "load {kg} kg stored for {}", s.lifter);
                }
                let year = s.date.format("%Y").to_string();
                prop_assert!(year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()), "date {} stored", s.date);
                prop_assert_eq!(s.video_sha256.len(), 64);
                prop_assert_eq!(h.result(s.id).map_err(fail)?.reps.len(), s.rep_count);
            }
            let c = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
            let (rows, bad): (i64, i64) = c
                .query_row("SELECT count(*), count(*) FILTER (WHERE rep < 1) FROM reps", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            prop_assert_eq!(rows as usize, after.iter().map(|s| s.rep_count).sum::<usize>());
            prop_assert_eq!(bad, 0, "rep numbers below 1 stored");
            IMPORTED.fetch_add(1, Ordering::Relaxed);
        }
    }
    drop(h);
    // The file opens again and reads the same.
    let h = History::open(&db).map_err(|e| fail(format!("reopening after import: {e}")))?;
    prop_assert_eq!(read_everything(&h)?, after);
    Ok(())
}

#[test]
fn the_fixture_export_round_trips_and_imports() {
    let f = fixture();
    let text = serde_json::to_string_pretty(&f.export).unwrap();
    let e = Export::parse(&text, Path::new("x.json")).unwrap();
    assert_eq!(serde_json::to_value(&e).unwrap(), f.export);
    assert!(check_export_text(&text).unwrap());
}

#[test]
fn export_parse_never_panics_on_arbitrary_text() {
    run("export/any-string", any::<String>(), |s| check_export_text(&s));
    run("export/json-alphabet", "[\\[\\]{}\":,0-9a-z. eE+-]{0,300}", |s| check_export_text(&s));
    run("export/bytes", prop::collection::vec(any::<u8>(), 0..600), |b| {
        check_export_text(&String::from_utf8_lossy(&b))
    });
}

#[test]
fn mutated_exports_parse_or_are_refused_and_imports_leave_the_history_whole() {
    let base = &fixture().export;
    let strategy = (prop::collection::vec(json_edit(), 1..5), prop::option::weighted(0.1, any::<Index>()));
    run("export/mutated-import", strategy, |(edits, truncate)| check_export_text(&apply_json(base, &edits, &truncate)));
    eprintln!("fuzz export/mutated-import: {} imports succeeded", IMPORTED.load(Ordering::Relaxed));
}
