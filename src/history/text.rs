//! Plain-text reports for a lifter: the session list and the comparison.

use super::compare::{fault_label, fmt_kg, Comparison, FaultCount, Verdict};
use super::{DateSource, SessionInfo};
use crate::track::body::engine::LandmarkModel;
use std::fmt::Write;

/// `formcheck history`: sessions grouped by lifter.
pub fn sessions(list: &[SessionInfo]) -> String {
    let mut s = String::new();
    if list.is_empty() {
        s.push_str("No sessions saved yet. Save one with: formcheck analyze VIDEO --save --lifter NAME\n");
        return s;
    }
    let mut i = 0;
    while i < list.len() {
        let lifter = &list[i].lifter;
        let group: Vec<&SessionInfo> = list[i..].iter().take_while(|x| &x.lifter == lifter).collect();
        i += group.len();
        if !s.is_empty() {
            s.push('\n');
        }
        let _ = writeln!(s, "{lifter}: {} session{}", group.len(), plural(group.len()));
        let rows: Vec<[String; 7]> = group
            .iter()
            .map(|x| {
                [
                    x.date.to_string(),
                    match x.date_source {
                        DateSource::Given => "given",
                        DateSource::Video => "video",
                        DateSource::Today => "saved",
                    }
                    .to_string(),
                    x.load_kg.map_or("-".into(), |kg| format!("{} kg", fmt_kg(kg))),
                    x.rep_count.to_string(),
                    fault_summary(x),
                    x.video_sha256.chars().take(8).collect(),
                    x.note.clone().unwrap_or_default(),
                ]
            })
            .collect();
        let head = ["date", "date from", "load", "reps", "faults (reps)", "video", "note"];
        let widths: Vec<usize> = (0..head.len())
            .map(|c| rows.iter().map(|r| r[c].chars().count()).chain([head[c].len()]).max().unwrap_or(0))
            .collect();
        let line = |cells: [&str; 7]| {
            let mut l = String::from(" ");
            for (c, cell) in cells.iter().enumerate() {
                if c == 3 {
                    let _ = write!(l, " {cell:>w$}", w = widths[c]);
                } else {
                    let _ = write!(l, " {cell:<w$}", w = widths[c]);
                }
                l.push(' ');
            }
            l.trim_end().to_string()
        };
        let _ = writeln!(s, "{}", line(head));
        for r in &rows {
            let _ = writeln!(s, "{}", line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6]]));
        }
    }
    s
}

fn fault_summary(x: &SessionInfo) -> String {
    if x.faults.is_empty() {
        return "none".into();
    }
    x.faults
        .iter()
        .map(|t| {
            let n = t.likely_reps + t.watch_reps;
            if t.watch_reps > 0 && t.likely_reps == 0 {
                format!("{} {n} (watch)", fault_label(&t.fault_id))
            } else {
                format!("{} {n}", fault_label(&t.fault_id))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `formcheck compare`: baseline, each session and the change, per metric; fault
/// frequencies; the regressions with the margin they crossed.
pub fn comparison(c: &Comparison) -> String {
    let mut s = String::new();
    write_heading(c, &mut s);
    write_sessions(c, &mut s);
    write_metrics(c, &mut s);
    write_faults(c, &mut s);
    write_verdict(c, &mut s);
    s
}

/// Who, which sessions, and the baseline they are compared with.
fn write_heading(c: &Comparison, s: &mut String) {
    let n = c.sessions.len();
    let first = c.sessions.first().map(|x| x.date.to_string()).unwrap_or_default();
    let last = c.sessions.last().map(|x| x.date.to_string()).unwrap_or_default();
    let _ = writeln!(
        s,
        "{}: {n} session{} shown, {first} to {last}. Baseline: {} ({}).",
        c.lifter,
        plural(n),
        c.baseline.date,
        c.baseline.why
    );
    if c.sessions_not_shown > 0 {
        let _ = writeln!(
            s,
            "({} older session{} not shown; drop --last/--since to see all.)",
            c.sessions_not_shown,
            plural(c.sessions_not_shown)
        );
    }
    let _ = writeln!(s);
}

/// One line per session: date, load, reps, and the user's note.
fn write_sessions(c: &Comparison, s: &mut String) {
    let n = c.sessions.len();
    let loads: Vec<String> =
        c.sessions.iter().map(|x| x.load_kg.map_or("-".into(), |kg| format!("{} kg", fmt_kg(kg)))).collect();
    let lw = loads.iter().map(|l| l.len()).max().unwrap_or(4).max(4);
    let _ = writeln!(s, "  date        {:<lw$}  reps", "load");
    for (x, load) in c.sessions.iter().zip(&loads) {
        let mut tail = String::new();
        if x.is_baseline {
            tail.push_str("  baseline");
        }
        if let Some(note) = &x.note {
            let _ = write!(tail, "  \"{note}\"");
        }
        let _ = writeln!(s, "  {}  {load:<lw$}  {:>4}{tail}", x.date, x.rep_count);
    }

    note_mixed_body_models(c, s);

    if n < 2 {
        let _ = writeln!(
            s,
            "\nOnly one session: nothing to compare yet. Film the next heavy set in about a month\nand save it with --save --lifter {}.",
            c.lifter
        );
    }
}

/// Each metric's values over the sessions, with its change from the baseline in words.
fn write_metrics(c: &Comparison, s: &mut String) {
    let mut unmeasured = Vec::new();
    for row in &c.metrics {
        if row.values.iter().all(|v| v.value.is_none()) {
            unmeasured.push(row.def.label.to_lowercase());
            continue;
        }
        let d = &row.def;
        let agg = match d.aggregate {
            super::metrics::Aggregate::WorstRep => "worst rep",
            super::metrics::Aggregate::MedianRep => "median rep",
            super::metrics::Aggregate::BestRep => "best rep",
        };
        let _ = writeln!(s, "\n{} ({agg}): {}", d.label, d.what);
        let _ = writeln!(
            s,
            "  {}; flagged when more than {} worse than the baseline ({})",
            d.worse.describe(),
            d.format_margin(),
            (d.thresholds)(&crate::faults::Thresholds::default())
        );
        let cells: Vec<String> =
            row.values.iter().map(|v| v.value.map_or("-".into(), |x| d.format_with_unit(x))).collect();
        let changes: Vec<String> = row
            .values
            .iter()
            .map(|v| match (v.verdict, v.change) {
                (Verdict::Baseline, _) | (_, None) => String::new(),
                (_, Some(ch)) => d.format_change(ch),
            })
            .collect();
        let vw = cells.iter().map(|x| x.chars().count()).max().unwrap_or(1);
        let cw = changes.iter().map(|x| x.chars().count()).max().unwrap_or(0);
        for ((v, cell), change) in row.values.iter().zip(&cells).zip(&changes) {
            let words = match v.verdict {
                Verdict::Baseline => "baseline".to_string(),
                Verdict::Better => "better".into(),
                Verdict::Same => "about the same".into(),
                Verdict::Worse => "worse".into(),
                Verdict::Regression => format!(
                    "worse  << REGRESSION: {} toward {}, past the {} margin",
                    d.format_change(v.toward_fault.unwrap_or_default()).trim_start_matches('+'),
                    fault_words(d, v.value),
                    d.format_margin()
                ),
                Verdict::NotMeasured => "not measured".into(),
                Verdict::NoBaseline => "no baseline value to compare with".into(),
            };
            let note = v.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
            let line = format!("    {}  {cell:>vw$}  {change:<cw$}  {words}{note}", v.date);
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    if !unmeasured.is_empty() {
        let _ = writeln!(s, "\nNot measured in these sessions: {}.", unmeasured.join(", "));
    }
}

/// How many reps of each session carried each fault label.
fn write_faults(c: &Comparison, s: &mut String) {
    let n = c.sessions.len();
    let _ = writeln!(s);
    if c.faults.is_empty() {
        let _ = writeln!(s, "Fault labels: none in these sessions.");
    } else {
        let _ = writeln!(s, "Fault labels: reps labelled likely / reps in the set (+N watch = labelled watch)");
        let cells: Vec<Vec<String>> = c.faults.iter().map(|f| f.per_session.iter().map(fault_cell).collect()).collect();
        let lw = c.faults.iter().map(|f| f.label.len()).max().unwrap_or(5).max(5);
        let cw: Vec<usize> = (0..n).map(|k| cells.iter().map(|r| r[k].len()).chain([10]).max().unwrap_or(10)).collect();
        let mut head = format!("  {:<lw$}", "fault");
        for (k, x) in c.sessions.iter().enumerate() {
            let _ = write!(head, "  {:<w$}", x.date.to_string(), w = cw[k]);
        }
        let _ = writeln!(s, "{}", head.trim_end());
        for (f, row) in c.faults.iter().zip(&cells) {
            let mut l = format!("  {:<lw$}", f.label);
            for (k, cell) in row.iter().enumerate() {
                let _ = write!(l, "  {cell:<w$}", w = cw[k]);
            }
            let base = c.sessions.iter().position(|x| x.is_baseline).unwrap_or(0);
            let trend = fault_trend(&f.per_session, base);
            let l = if trend.is_empty() { l.trim_end().to_string() } else { l };
            let _ = writeln!(s, "{l}{trend}");
        }
    }
}

/// The regressions since the baseline, each with its cue.
fn write_verdict(c: &Comparison, s: &mut String) {
    let n = c.sessions.len();
    let _ = writeln!(s);
    if c.regressions.is_empty() {
        if n >= 2 {
            let _ = writeln!(s, "No regression: no metric moved past its margin toward a fault since the baseline.");
        }
    } else {
        let k = c.regressions.len();
        let _ = writeln!(s, "{k} regression{} since the baseline:", plural(k));
        for r in &c.regressions {
            let def = super::metrics::metric(r.metric).expect("regressions name known metrics");
            let _ = writeln!(
                s,
                "  {}  {}: {} (baseline {}), {} toward {}; margin {}.",
                r.date,
                r.label,
                def.format_with_unit(r.value),
                def.format_with_unit(r.baseline),
                def.format_change(r.toward_fault).trim_start_matches('+'),
                fault_words(def, Some(r.value)),
                def.format_margin()
            );
            let _ = writeln!(s, "              Cue: {}.", r.cue);
        }
    }
}

/// The fault a metric moves toward; for a two-sided metric, the side `value` is on.
fn fault_words(d: &super::metrics::MetricDef, value: Option<f64>) -> String {
    if let (super::metrics::Worse::AwayFrom(c), Some(v), [high, low]) = (d.worse, value, d.faults) {
        return fault_label(if v >= c { high } else { low });
    }
    if d.faults.is_empty() {
        match d.key {
            "velocity_loss_pct" => "fatigue".into(),
            _ => "a slower bar".into(),
        }
    } else {
        d.faults.iter().map(|f| fault_label(f)).collect::<Vec<_>>().join(" / ")
    }
}

fn fault_cell(f: &FaultCount) -> String {
    if f.reps == 0 {
        return "-".into();
    }
    if f.watch_reps > 0 {
        format!("{}/{} +{} watch", f.likely_reps, f.reps, f.watch_reps)
    } else {
        format!("{}/{}", f.likely_reps, f.reps)
    }
}

/// "more often" / "less often": the last session against the baseline.
fn fault_trend(per: &[FaultCount], base: usize) -> &'static str {
    let (Some(a), Some(b)) = (per.get(base).and_then(FaultCount::share), per.last().and_then(FaultCount::share)) else {
        return "";
    };
    if per.len() < 2 || base + 1 == per.len() {
        ""
    } else if b > a + 1e-9 {
        "  more often than at the baseline"
    } else if b < a - 1e-9 {
        "  less often than at the baseline"
    } else {
        ""
    }
}

/// Says so when the shown sessions' body points came from different landmark models: the
/// models read angles a few degrees apart (docs/accuracy.md), which is the size of change a
/// comparison flags.
fn note_mixed_body_models(c: &Comparison, s: &mut String) {
    let name = |m: Option<LandmarkModel>| m.map_or("not recorded", LandmarkModel::name);
    let mut models: Vec<&str> = c.sessions.iter().map(|x| name(x.body_model)).collect();
    models.sort();
    models.dedup();
    if models.len() < 2 {
        return;
    }
    let per_session: Vec<String> = c.sessions.iter().map(|x| format!("{} {}", x.date, name(x.body_model))).collect();
    let _ = writeln!(
        s,
        "\nThese sessions were analysed with different body models ({}). The models read angles and\nthe hip's rise a few degrees and centimetres apart, so a change of that size between them\nmay be the model, not you. Analyse every check with the same --model.",
        per_session.join(", ")
    );
}
