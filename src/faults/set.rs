//! Reading the set as a whole: which fault to fix first, which faults come only with fatigue,
//! and how much the bar slowed.

use super::rules::{cue, fault_number};
use super::thresholds::Thresholds;
use crate::schema::{FixItem, Rep, Severity};

/// How much each fault matters for the low back (faults.md's order of concern).
fn weight(id: &str) -> f64 {
    match id {
        "lumbar_rounding" => 1.0,
        "bar_drift" => 0.9,
        "hips_rise_early" => 0.85,
        "jerked_liftoff" => 0.75,
        "lumbar_hyperextension" => 0.7,
        "hips_too_high" => 0.6,
        _ => 0.55,
    }
}

fn name(id: &str) -> &'static str {
    match id {
        "lumbar_rounding" => "Low back rounding",
        "lumbar_hyperextension" => "Leaning back at lockout",
        "bar_drift" => "Bar drifting away from the body",
        "hips_too_high" => "Hips too high at setup",
        "hips_too_low" => "Hips too low at setup",
        "hips_rise_early" => "Hips rising before the bar",
        _ => "Jerking the bar off the floor",
    }
}

/// Ranks the faults found in the set, most important first.
pub fn fix_first(reps: &[Rep]) -> Vec<FixItem> {
    let mut ids: Vec<&str> = reps.iter().flat_map(|r| r.faults.iter().map(|f| f.id.as_str())).collect();
    ids.sort_unstable();
    ids.dedup();
    let out_of = out_of_judged(reps, false);
    let mut items: Vec<(f64, FixItem)> = ids
        .into_iter()
        .map(|id| {
            let with = |sev: Severity| -> Vec<usize> {
                reps.iter()
                    .filter(|r| r.faults.iter().any(|f| f.id == id && f.severity == sev))
                    .map(|r| r.index)
                    .collect()
            };
            let (likely, watch) = (with(Severity::Likely), with(Severity::Watch));
            let confidence = reps
                .iter()
                .flat_map(|r| r.faults.iter())
                .filter(|f| f.id == id)
                .map(|f| f.confidence)
                .fold(0.0, f64::max);
            let fatigue = is_fatigue(reps, &likely);
            let score = weight(id) * confidence * (likely.len() as f64 + 0.3 * watch.len() as f64);
            let headline = headline(id, &likely, &watch, &out_of, fatigue);
            (
                score,
                FixItem {
                    id: id.to_string(),
                    fault: fault_number(id),
                    likely_reps: likely,
                    watch_reps: watch,
                    confidence,
                    fatigue,
                    headline,
                    cue: cue(id).to_string(),
                },
            )
        })
        .collect();
    items.sort_by(|a, b| b.0.total_cmp(&a.0));
    items.into_iter().map(|(_, i)| i).collect()
}

/// A fault that is absent from the first reps and present in the last ones came with
/// fatigue: the advice is to stop the set earlier, not to rebuild the technique.
fn is_fatigue(reps: &[Rep], likely: &[usize]) -> bool {
    if reps.len() < 3 || likely.is_empty() {
        return false;
    }
    let first_half_clean = likely.iter().all(|&r| r > reps.len() / 2);
    let last = reps.last().map(|r| r.index).unwrap_or(0);
    first_half_clean && likely.contains(&last)
}

/// What a fault's count is out of: "5" or "5 reps" when every rep was judged, "the 4 that
/// could be judged" or "the 4 reps that could be judged" when not. A fault seen in 2 of 5 reps
/// where only 2 could be judged would read as rarer than it is. One wording for the headline
/// here and the report's "Seen in".
pub fn out_of_judged(reps: &[Rep], with_noun: bool) -> String {
    let judged = reps.iter().filter(|r| r.judged()).count();
    let noun = match (with_noun, judged) {
        (false, _) => "",
        (true, 1) => " rep",
        (true, _) => " reps",
    };
    if judged == reps.len() {
        format!("{judged}{noun}")
    } else {
        format!("the {judged}{noun} that could be judged")
    }
}

fn headline(id: &str, likely: &[usize], watch: &[usize], of: &str, fatigue: bool) -> String {
    let list = |v: &[usize]| v.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ");
    let mut s = name(id).to_string();
    if !likely.is_empty() {
        s += &format!(": likely in rep{} {} of {of}", if likely.len() > 1 { "s" } else { "" }, list(likely));
    }
    if !watch.is_empty() {
        s += &format!(
            "{} worth watching in rep{} {}",
            if likely.is_empty() { ":" } else { ";" },
            if watch.len() > 1 { "s" } else { "" },
            list(watch)
        );
    }
    if fatigue {
        s += ". It appears only late in the set: fatigue. End the set before form breaks, or lighten the load";
    }
    s + "."
}

/// The set's velocity loss note, when it passes the fatigue threshold.
pub fn velocity_note(reps: &[Rep], t: &Thresholds) -> Option<String> {
    let last = reps.last()?;
    (reps.len() >= 2 && last.velocity_loss_pct >= t.fatigue.velocity_loss_pct).then(|| {
        format!(
            "The bar slowed by {:.0}% from your fastest rep to the last (fatigue from {:.0}%): technique tends to break down from here.",
            last.velocity_loss_pct, t.fatigue.velocity_loss_pct
        )
    })
}
