//! Comparing a lifter's sessions with a baseline session: per metric the value of every
//! session and its change, per fault how often it was labelled, and regression flags.
//! The result is plain data (serialisable to JSON); `text` and `plot` present it.
//!
//! The output holds nothing specific to one machine (no database ids or paths), so the same
//! history imported elsewhere compares identically.

use super::metrics::{MetricDef, METRICS};
use super::{History, SessionInfo};
use crate::error::{Error, Result};
use crate::track::body::engine::LandmarkModel;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

pub const COMPARISON_SCHEMA: &str = "formcheck.comparison/1";

/// Which session the others are compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// The lifter's earliest session.
    First,
    /// The session with the fewest fault labels per rep (likely = 1, watch = 0.5); the
    /// earliest of equals.
    Best,
    /// The session on this date (the first saved, if several).
    Date(NaiveDate),
}

impl std::str::FromStr for Baseline {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "first" => Ok(Baseline::First),
            "best" => Ok(Baseline::Best),
            other => NaiveDate::parse_from_str(other, "%Y-%m-%d")
                .map(Baseline::Date)
                .map_err(|_| format!("'{s}' is not first, best or a date YYYY-MM-DD")),
        }
    }
}

impl std::fmt::Display for Baseline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Baseline::First => f.write_str("first"),
            Baseline::Best => f.write_str("best"),
            Baseline::Date(d) => write!(f, "{d}"),
        }
    }
}

/// Which sessions are shown next to the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    All,
    /// The last N sessions.
    Last(usize),
    /// Sessions on or after this date.
    Since(NaiveDate),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompareRequest {
    pub lifter: String,
    pub baseline: Baseline,
    pub window: Window,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub schema: &'static str,
    pub lifter: String,
    pub baseline: BaselineChoice,
    /// Shown sessions by date, the baseline among them.
    pub sessions: Vec<ComparedSession>,
    /// Sessions of the lifter left out by `--last` / `--since`.
    pub sessions_not_shown: usize,
    pub metrics: Vec<MetricRow>,
    /// Faults labelled in any shown session.
    pub faults: Vec<FaultRow>,
    /// Every regression flag of `metrics`, in date order.
    pub regressions: Vec<Regression>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineChoice {
    /// "first", "best" or "date".
    pub rule: String,
    pub date: NaiveDate,
    pub video_sha256: String,
    /// Why this session, in words.
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparedSession {
    pub date: NaiveDate,
    pub date_source: super::DateSource,
    pub load_kg: Option<f64>,
    pub note: Option<String>,
    pub rep_count: usize,
    pub tool_version: String,
    pub body_model: Option<LandmarkModel>,
    pub video_sha256: String,
    pub is_baseline: bool,
    /// Regressions are only flagged for sessions after the baseline.
    pub after_baseline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricRow {
    #[serde(flatten)]
    pub def: MetricDef,
    pub baseline: Option<f64>,
    /// One per entry of `Comparison::sessions`, in the same order.
    pub values: Vec<MetricValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Baseline,
    /// Moved away from the fault by more than a quarter of the margin.
    Better,
    /// Within a quarter of the margin either way.
    Same,
    /// Moved toward the fault, but not past the margin (or explained by a heavier load).
    Worse,
    /// Moved toward the fault past the margin, after the baseline.
    Regression,
    /// This session has no measured value.
    NotMeasured,
    /// The baseline has no measured value, so there is nothing to compare with.
    NoBaseline,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricValue {
    pub date: NaiveDate,
    pub value: Option<f64>,
    /// Reps with a measured value.
    pub reps_measured: usize,
    /// `value - baseline`.
    pub change: Option<f64>,
    /// The change toward the fault (positive = worse), in the metric's change unit.
    pub toward_fault: Option<f64>,
    pub verdict: Verdict,
    pub regression: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultRow {
    pub id: String,
    pub label: String,
    /// One per entry of `Comparison::sessions`, in the same order.
    pub per_session: Vec<FaultCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultCount {
    pub date: NaiveDate,
    pub reps: usize,
    pub likely_reps: usize,
    pub watch_reps: usize,
}

impl FaultCount {
    /// Share of the set's reps carrying the label (likely or watch).
    pub fn share(&self) -> Option<f64> {
        (self.reps > 0).then(|| (self.likely_reps + self.watch_reps) as f64 / self.reps as f64)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Regression {
    pub date: NaiveDate,
    pub metric: &'static str,
    pub label: &'static str,
    pub baseline: f64,
    pub value: f64,
    pub toward_fault: f64,
    pub margin: f64,
    pub change_unit: &'static str,
    pub faults: &'static [&'static str],
    pub cue: &'static str,
}

/// Words for a fault id.
pub fn fault_label(id: &str) -> String {
    match id {
        "lumbar_rounding" => "lumbar rounding".into(),
        "lumbar_hyperextension" => "lean-back at lockout".into(),
        "bar_drift" => "bar drift".into(),
        "hips_too_high" => "hips too high".into(),
        "hips_too_low" => "hips too low".into(),
        "hips_rise_early" => "hips rise early".into(),
        "jerked_liftoff" => "jerked lift-off".into(),
        other => other.replace('_', " "),
    }
}

const EPS: f64 = 1e-9;

impl History {
    /// Compares a lifter's sessions with the chosen baseline.
    pub fn compare(&self, req: &CompareRequest) -> Result<Comparison> {
        let all = self.sessions(Some(&req.lifter))?;
        let lifter = all.first().map(|s| s.lifter.clone()).unwrap_or_else(|| req.lifter.trim().to_string());
        if all.is_empty() {
            return Err(Error::UnknownLifter { lifter, known: self.lifters()?.join(", ") });
        }
        let (base_idx, rule, why) = choose_baseline(&all, req.baseline)?;
        let base = &all[base_idx];

        let in_window: Vec<bool> = match req.window {
            Window::All => vec![true; all.len()],
            Window::Last(n) => (0..all.len()).map(|i| i + n >= all.len()).collect(),
            Window::Since(d) => all.iter().map(|s| s.date >= d).collect(),
        };
        let shown: Vec<usize> = (0..all.len()).filter(|&i| i == base_idx || in_window[i]).collect();
        let sessions_not_shown = all.len() - shown.len();

        let rep_values = self.rep_values(&req.lifter)?;
        let sessions: Vec<ComparedSession> = shown
            .iter()
            .map(|&i| {
                let s = &all[i];
                ComparedSession {
                    date: s.date,
                    date_source: s.date_source,
                    load_kg: s.load_kg,
                    note: s.note.clone(),
                    rep_count: s.rep_count,
                    tool_version: s.tool_version.clone(),
                    body_model: s.body_model,
                    video_sha256: s.video_sha256.clone(),
                    is_baseline: i == base_idx,
                    after_baseline: i > base_idx,
                }
            })
            .collect();

        let empty = Vec::new();
        let mut metrics = Vec::new();
        let mut regressions = Vec::new();
        for (k, def) in METRICS.iter().enumerate() {
            let session_value = |s: &SessionInfo| {
                let reps: Vec<Option<f64>> = rep_values.get(&s.id).unwrap_or(&empty).iter().map(|r| r[k]).collect();
                (def.aggregate(&reps), reps.iter().filter(|v| v.is_some()).count())
            };
            let (baseline, _) = session_value(base);
            let mut values = Vec::new();
            for (&i, cs) in shown.iter().zip(&sessions) {
                let s = &all[i];
                let (value, reps_measured) = session_value(s);
                let mv = judge(def, base, baseline, s, cs, value, reps_measured);
                if mv.regression {
                    regressions.push(Regression {
                        date: s.date,
                        metric: def.key,
                        label: def.label,
                        baseline: baseline.unwrap_or_default(),
                        value: value.unwrap_or_default(),
                        toward_fault: mv.toward_fault.unwrap_or_default(),
                        margin: def.margin,
                        change_unit: def.change_unit,
                        faults: def.faults,
                        cue: def.cue,
                    });
                }
                values.push(mv);
            }
            metrics.push(MetricRow { def: *def, baseline, values });
        }
        regressions.sort_by_key(|r| r.date);

        let mut fault_ids: Vec<String> =
            shown.iter().flat_map(|&i| all[i].faults.iter().map(|t| t.fault_id.clone())).collect();
        fault_ids.sort_by_key(|id| super::fault_order(id));
        fault_ids.dedup();
        let faults = fault_ids
            .into_iter()
            .map(|id| FaultRow {
                label: fault_label(&id),
                per_session: shown
                    .iter()
                    .map(|&i| {
                        let s = &all[i];
                        let t = s.faults.iter().find(|t| t.fault_id == id);
                        FaultCount {
                            date: s.date,
                            reps: s.rep_count,
                            likely_reps: t.map_or(0, |t| t.likely_reps),
                            watch_reps: t.map_or(0, |t| t.watch_reps),
                        }
                    })
                    .collect(),
                id,
            })
            .collect();

        Ok(Comparison {
            schema: COMPARISON_SCHEMA,
            lifter,
            baseline: BaselineChoice { rule, date: base.date, video_sha256: base.video_sha256.clone(), why },
            sessions,
            sessions_not_shown,
            metrics,
            faults,
            regressions,
        })
    }

    /// Per session id, per rep, the value of every metric in `METRICS` order.
    fn rep_values(&self, lifter: &str) -> Result<HashMap<i64, Vec<Vec<Option<f64>>>>> {
        let lifter_id = self.lifter_id(lifter)?;
        let cols: Vec<String> = METRICS.iter().map(|m| format!("r.{}", m.column)).collect();
        let query = format!(
            "SELECT r.session_id, {} FROM reps r JOIN sessions s ON s.id = r.session_id
              WHERE s.lifter_id = ?1 ORDER BY r.session_id, r.rep",
            cols.join(", ")
        );
        let sql = self.sql("reading the reps");
        let mut stmt = self.conn().prepare(&query).map_err(&sql)?;
        let mut rows = stmt.query([lifter_id]).map_err(&sql)?;
        let mut out: HashMap<i64, Vec<Vec<Option<f64>>>> = HashMap::new();
        while let Some(r) = rows.next().map_err(&sql)? {
            let id: i64 = r.get(0).map_err(&sql)?;
            let mut v = Vec::with_capacity(METRICS.len());
            for k in 0..METRICS.len() {
                v.push(r.get::<_, Option<f64>>(k + 1).map_err(&sql)?);
            }
            out.entry(id).or_default().push(v);
        }
        Ok(out)
    }
}

fn judge(
    def: &MetricDef,
    base: &SessionInfo,
    baseline: Option<f64>,
    s: &SessionInfo,
    cs: &ComparedSession,
    value: Option<f64>,
    reps_measured: usize,
) -> MetricValue {
    let mut mv = MetricValue {
        date: s.date,
        value,
        reps_measured,
        change: None,
        toward_fault: None,
        verdict: Verdict::NotMeasured,
        regression: false,
        note: None,
    };
    if cs.is_baseline {
        mv.verdict = if value.is_some() { Verdict::Baseline } else { Verdict::NotMeasured };
        if value.is_some() {
            mv.change = Some(0.0);
            mv.toward_fault = Some(0.0);
        }
        return mv;
    }
    let (Some(v), Some(b)) = (value, baseline) else {
        mv.verdict = if value.is_some() { Verdict::NoBaseline } else { Verdict::NotMeasured };
        return mv;
    };
    let toward = def.worse.toward_fault(b, v);
    mv.change = Some(v - b);
    mv.toward_fault = Some(toward);
    let heavier = match (s.load_kg, base.load_kg) {
        (Some(now), Some(then)) => now > then + EPS,
        _ => false,
    };
    mv.verdict = if toward > def.margin + EPS {
        if def.load_sensitive && heavier {
            mv.note = Some(format!(
                "heavier load than the baseline, {} vs {} kg: not flagged",
                fmt_kg(s.load_kg.unwrap_or_default()),
                fmt_kg(base.load_kg.unwrap_or_default())
            ));
            Verdict::Worse
        } else if cs.after_baseline {
            mv.regression = true;
            Verdict::Regression
        } else {
            mv.note = Some("before the baseline: not flagged".into());
            Verdict::Worse
        }
    } else if toward > def.margin / 4.0 {
        Verdict::Worse
    } else if toward < -def.margin / 4.0 {
        Verdict::Better
    } else {
        Verdict::Same
    };
    mv
}

pub(crate) fn fmt_kg(kg: f64) -> String {
    if (kg - kg.round()).abs() < 1e-9 {
        format!("{kg:.0}")
    } else {
        format!("{kg:.1}")
    }
}

/// Picks the baseline session; returns its index, the rule's name and why it was chosen.
fn choose_baseline(all: &[SessionInfo], rule: Baseline) -> Result<(usize, String, String)> {
    match rule {
        Baseline::First => Ok((0, "first".into(), "the first session".into())),
        Baseline::Date(d) => match all.iter().position(|s| s.date == d) {
            Some(i) => Ok((i, "date".into(), format!("the session on {d}"))),
            None => Err(Error::NoSessionOnDate {
                lifter: all[0].lifter.clone(),
                date: d.to_string(),
                dates: all.iter().map(|s| s.date.to_string()).collect::<Vec<_>>().join(", "),
            }),
        },
        Baseline::Best => {
            let score = |s: &SessionInfo| -> Option<f64> {
                if s.rep_count == 0 {
                    return None;
                }
                let labels: f64 = s.faults.iter().map(|t| t.likely_reps as f64 + 0.5 * t.watch_reps as f64).sum();
                Some(labels / s.rep_count as f64)
            };
            let best = all
                .iter()
                .enumerate()
                .filter_map(|(i, s)| score(s).map(|sc| (i, sc)))
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            match best {
                Some((i, sc)) => Ok((
                    i,
                    "best".into(),
                    format!("the session with the fewest fault labels ({sc:.2} per rep; likely = 1, watch = 0.5)"),
                )),
                None => Ok((0, "best".into(), "no session has reps; the first session".into())),
            }
        }
    }
}
