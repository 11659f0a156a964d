//! The one table of metrics `formcheck compare` follows over time: how a session's reps
//! become one number, which way is "toward a fault", and the margin (in the units of
//! `shared/docs/faults.md`) past which a change from the baseline is flagged as a regression.
//! `docs/history.md` prints this table; keep the two in step.

use crate::faults::Thresholds;
use serde::Serialize;

/// How the reps of one session become the session's value. Reps whose value is unmeasured
/// (NULL) are skipped; a session with no measured rep has no value (never 0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// The rep furthest toward the fault (a fault shows in the worst rep, often the last).
    WorstRep,
    /// The median rep (for set-up measures that should be repeatable).
    MedianRep,
    /// The rep furthest away from the fault (e.g. the fastest rep).
    BestRep,
}

/// Which way a metric moves toward a fault.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "centre")]
pub enum Worse {
    Higher,
    Lower,
    /// Moving away from a good centre, either way (two faults, one on each side).
    AwayFrom(f64),
}

impl Worse {
    /// How far `value` lies toward the fault (larger = worse), for ranking reps.
    pub fn badness(self, value: f64) -> f64 {
        match self {
            Worse::Higher => value,
            Worse::Lower => -value,
            Worse::AwayFrom(c) => (value - c).abs(),
        }
    }

    /// Signed change from `baseline` to `value` toward the fault (positive = worse).
    pub fn toward_fault(self, baseline: f64, value: f64) -> f64 {
        self.badness(value) - self.badness(baseline)
    }

    pub fn describe(self) -> String {
        match self {
            Worse::Higher => "higher is worse".into(),
            Worse::Lower => "lower is worse".into(),
            Worse::AwayFrom(c) => format!("further from {c} either way is worse"),
        }
    }
}

/// One compared metric.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MetricDef {
    /// Stable key used in JSON output.
    pub key: &'static str,
    /// Words a lifter reads.
    pub label: &'static str,
    /// Column of the `reps` table it is read from.
    #[serde(skip)]
    pub column: &'static str,
    /// Unit of values; changes of a percentage are in percentage points.
    pub unit: &'static str,
    pub change_unit: &'static str,
    /// Decimals to print.
    #[serde(skip)]
    pub decimals: usize,
    pub aggregate: Aggregate,
    pub worse: Worse,
    /// A change from the baseline larger than this toward the fault is a regression.
    pub margin: f64,
    /// What the number is, in one line.
    pub what: &'static str,
    /// The fault thresholds in words, for orientation; read from the thresholds in force so
    /// the text cannot drift from the numbers the labels use.
    #[serde(serialize_with = "thresholds_in_words")]
    pub thresholds: fn(&Thresholds) -> String,
    /// Fault ids this metric stands for (empty: performance, not a fault).
    pub faults: &'static [&'static str],
    /// A heavier load than the baseline's explains a move toward "worse" (bar speed), so no
    /// regression is flagged then.
    pub load_sensitive: bool,
    /// What to do when it regresses (faults.md cues).
    pub cue: &'static str,
}

/// Metrics are the same metric when their keys are (the table holds each key once).
impl PartialEq for MetricDef {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

/// The history's JSON gives the thresholds text for the default thresholds, as the
/// comparison text does.
fn thresholds_in_words<S: serde::Serializer>(f: &fn(&Thresholds) -> String, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&f(&Thresholds::default()))
}

/// The compared metrics, in print order.
pub const METRICS: &[MetricDef] = &[
    MetricDef {
        key: "bar_drift_cm",
        label: "Bar drift",
        column: "bar_drift_max_cm",
        unit: "cm",
        change_unit: "cm",
        decimals: 1,
        aggregate: Aggregate::WorstRep,
        worse: Worse::Higher,
        margin: 2.0,
        what: "largest distance of the bar in front of mid-foot, lift-off to lockout",
        thresholds: |t| {
            format!(
                "fault above {} cm, watch {}-{} cm",
                t.bar_drift.likely_cm, t.bar_drift.watch_cm, t.bar_drift.likely_cm
            )
        },
        faults: &["bar_drift"],
        load_sensitive: false,
        cue: "engage the lats (\"bend the bar around your legs\"); keep the bar on the shins and thighs",
    },
    MetricDef {
        key: "hip_rise_before_bar_cm",
        label: "Hip rise before the bar",
        column: "hip_rise_before_bar_cm",
        unit: "cm",
        change_unit: "cm",
        decimals: 1,
        aggregate: Aggregate::WorstRep,
        worse: Worse::Higher,
        margin: 2.0,
        what: "how far the hips rise before the bar leaves the floor",
        thresholds: |t| {
            format!(
                "fault above {} cm, watch {}-{} cm",
                t.hips_rise_early.likely_cm, t.hips_rise_early.watch_cm, t.hips_rise_early.likely_cm
            )
        },
        faults: &["hips_rise_early"],
        load_sensitive: false,
        cue: "push the floor away so hips and shoulders rise together",
    },
    MetricDef {
        key: "hip_rise_before_bar_ms",
        label: "Hip rise before the bar, time",
        column: "hip_rise_before_bar_ms",
        unit: "ms",
        change_unit: "ms",
        decimals: 0,
        aggregate: Aggregate::WorstRep,
        worse: Worse::Higher,
        margin: 60.0,
        what: "how long the hips rise before the bar leaves the floor",
        thresholds: |t| {
            format!(
                "fault above {} ms, watch {}-{} ms",
                t.hips_rise_early.likely_ms, t.hips_rise_early.watch_ms, t.hips_rise_early.likely_ms
            )
        },
        faults: &["hips_rise_early"],
        load_sensitive: false,
        cue: "push the floor away so hips and shoulders rise together",
    },
    MetricDef {
        key: "setup_hip_height",
        label: "Setup hip height",
        column: "setup_hip_height_ratio",
        unit: "",
        change_unit: "",
        decimals: 2,
        aggregate: Aggregate::MedianRep,
        worse: Worse::AwayFrom(0.45),
        margin: 0.10,
        what: "hip height between knee (0) and shoulder (1) at setup",
        thresholds: |t| {
            format!(
                "hips too low below {}, too high above {}",
                t.hips_too_low.likely_ratio, t.hips_too_high.likely_ratio
            )
        },
        faults: &["hips_too_high", "hips_too_low"],
        load_sensitive: false,
        cue: "shins vertical, hips above the knees and below the shoulders",
    },
    MetricDef {
        key: "trunk_chord_change_pct",
        label: "Trunk chord shortening",
        column: "trunk_chord_change_pct",
        unit: "%",
        change_unit: "% pts",
        decimals: 1,
        aggregate: Aggregate::WorstRep,
        worse: Worse::Higher,
        margin: 3.0,
        what: "how much the shoulder-hip distance shrinks during the pull (back rounding)",
        thresholds: |t| {
            format!(
                "fault above {} %, watch {}-{} %",
                t.lumbar_rounding.likely_pct, t.lumbar_rounding.watch_pct, t.lumbar_rounding.likely_pct
            )
        },
        faults: &["lumbar_rounding"],
        load_sensitive: false,
        cue: "brace before the pull; lighter load until the back stays neutral",
    },
    MetricDef {
        key: "lockout_lean_back_deg",
        label: "Lockout lean-back",
        column: "lockout_trunk_lean_back_deg",
        unit: "°",
        change_unit: "°",
        decimals: 1,
        aggregate: Aggregate::WorstRep,
        worse: Worse::Higher,
        margin: 3.0,
        what: "how far the trunk leans back past vertical at lockout",
        thresholds: |t| {
            format!(
                "fault above {}°, watch {}-{}°",
                t.lumbar_hyperextension.likely_deg,
                t.lumbar_hyperextension.watch_deg,
                t.lumbar_hyperextension.likely_deg
            )
        },
        faults: &["lumbar_hyperextension"],
        load_sensitive: false,
        cue: "ribs down, abs braced; finish with the glutes, don't lean back",
    },
    MetricDef {
        key: "liftoff_accel_ratio",
        label: "Lift-off acceleration",
        column: "liftoff_accel_ratio",
        unit: "x",
        change_unit: "x",
        decimals: 2,
        aggregate: Aggregate::WorstRep,
        worse: Worse::Higher,
        margin: 0.75,
        what: "peak acceleration just after lift-off / the rep's mean acceleration",
        thresholds: |t| format!("jerked lift-off above {}x", t.jerked_liftoff.likely_accel_ratio),
        faults: &["jerked_liftoff"],
        load_sensitive: false,
        cue: "take the slack out: pull until bar and plates are loaded, then drive the floor away",
    },
    MetricDef {
        key: "mean_velocity_m_s",
        label: "Bar speed",
        column: "mean_velocity_m_s",
        unit: "m/s",
        change_unit: "m/s",
        decimals: 2,
        aggregate: Aggregate::BestRep,
        worse: Worse::Lower,
        margin: 0.10,
        what: "mean concentric bar speed of the fastest rep",
        thresholds: |_| "no fault; depends on the load".into(),
        faults: &[],
        load_sensitive: true,
        cue: "compare sets at the same load; slower at the same load means less in the tank",
    },
    MetricDef {
        key: "velocity_loss_pct",
        label: "Velocity loss",
        column: "velocity_loss_pct",
        unit: "%",
        change_unit: "% pts",
        decimals: 0,
        aggregate: Aggregate::WorstRep,
        worse: Worse::Higher,
        margin: 10.0,
        what: "speed drop of the slowest rep from the fastest, within the set",
        thresholds: |t| format!("{} % or more marks fatigue, where technique breaks down", t.fatigue.velocity_loss_pct),
        faults: &[],
        load_sensitive: false,
        cue: "end the set before the speed drops 20-30 %; technique breaks down past it",
    },
];

/// The metric with this key.
pub fn metric(key: &str) -> Option<&'static MetricDef> {
    METRICS.iter().find(|m| m.key == key)
}

impl MetricDef {
    /// One session's value from its reps' values (`None` = unmeasured rep).
    pub fn aggregate(&self, reps: &[Option<f64>]) -> Option<f64> {
        let mut v: Vec<f64> = reps.iter().flatten().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        let w = self.worse;
        let cmp = |a: &f64, b: &f64| w.badness(*a).total_cmp(&w.badness(*b));
        match self.aggregate {
            Aggregate::WorstRep => v.iter().copied().max_by(cmp),
            Aggregate::BestRep => v.iter().copied().min_by(cmp),
            Aggregate::MedianRep => {
                v.sort_by(f64::total_cmp);
                let n = v.len();
                Some(if n % 2 == 1 { v[n / 2] } else { 0.5 * (v[n / 2 - 1] + v[n / 2]) })
            }
        }
    }

    pub fn format(&self, v: f64) -> String {
        format!("{:.*}", self.decimals, v)
    }

    pub fn format_with_unit(&self, v: f64) -> String {
        with_unit(&self.format(v), self.unit)
    }

    pub fn format_change(&self, d: f64) -> String {
        let s = format!("{:+.*}", self.decimals, d);
        // "-0.0" reads oddly; a change that rounds to zero is shown unsigned.
        let s = if s.trim_start_matches(['+', '-']).chars().all(|c| c == '0' || c == '.') {
            s.trim_start_matches(['+', '-']).to_string()
        } else {
            s
        };
        with_unit(&s, self.change_unit)
    }

    pub fn format_margin(&self) -> String {
        with_unit(&self.format(self.margin), self.change_unit)
    }
}

fn with_unit(s: &str, unit: &str) -> String {
    match unit {
        "" => s.to_string(),
        "°" | "%" | "x" => format!("{s}{unit}"),
        u => format!("{s} {u}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_rep_follows_the_direction() {
        let drift = metric("bar_drift_cm").unwrap();
        assert_eq!(drift.aggregate(&[Some(1.0), None, Some(4.0)]), Some(4.0));
        let speed = metric("mean_velocity_m_s").unwrap();
        assert_eq!(speed.aggregate(&[Some(0.5), Some(0.6)]), Some(0.6));
        let hip = metric("setup_hip_height").unwrap();
        assert_eq!(hip.aggregate(&[Some(0.3), Some(0.5), Some(0.9)]), Some(0.5));
        assert_eq!(hip.aggregate(&[Some(0.3), Some(0.5)]), Some(0.4));
    }

    #[test]
    fn unmeasured_stays_unmeasured() {
        for m in METRICS {
            assert_eq!(m.aggregate(&[None, None]), None, "{}", m.key);
            assert_eq!(m.aggregate(&[]), None, "{}", m.key);
        }
    }

    #[test]
    fn toward_fault_is_signed() {
        assert_eq!(Worse::Higher.toward_fault(2.0, 5.0), 3.0);
        assert!((Worse::Lower.toward_fault(0.6, 0.4) - 0.2).abs() < 1e-12);
        assert!((Worse::AwayFrom(0.45).toward_fault(0.5, 0.3) - 0.1).abs() < 1e-12);
        assert!(Worse::AwayFrom(0.45).toward_fault(0.7, 0.5) < 0.0);
    }

    #[test]
    fn keys_and_columns_are_unique() {
        let mut keys: Vec<_> = METRICS.iter().map(|m| m.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), METRICS.len());
        for m in METRICS {
            assert!(m.margin > 0.0);
            assert!(m.column.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }

    #[test]
    fn changes_print_with_sign_and_unit() {
        let drift = metric("bar_drift_cm").unwrap();
        assert_eq!(drift.format_change(2.34), "+2.3 cm");
        assert_eq!(drift.format_change(-0.04), "0.0 cm");
        let chord = metric("trunk_chord_change_pct").unwrap();
        assert_eq!(chord.format_change(3.5), "+3.5 % pts");
        assert_eq!(chord.format_with_unit(9.0), "9.0%");
    }
}
