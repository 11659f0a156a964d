//! What a coach would say first: fault names as lifters know them, the order to fix faults
//! in, and per-rep status for the fault strip. Plain functions of the result.

use crate::schema::*;

/// How a fault id is shown, and which measurement stands behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaultInfo {
    pub id: &'static str,
    /// Number in shared/docs/faults.md.
    pub number: u8,
    pub name: &'static str,
    /// A few words, for table chips.
    pub short: &'static str,
    /// Unit of `Fault::value` and of the rep's measurement.
    pub unit: &'static str,
    /// How much fixing it matters beyond how often it shows: spine load first.
    pub priority: f64,
    /// The cue when a result carries none.
    pub cue: &'static str,
}

/// Every fault id, in the order the fault strip lists them.
pub const FAULTS: [FaultInfo; 7] = [
    FaultInfo {
        id: "lumbar_rounding",
        number: 1,
        name: "Lower back rounding",
        short: "Back rounding",
        unit: "%",
        priority: 1.5,
        cue: "Brace before the pull; lighter load until the back stays neutral; hinge, don't reach.",
    },
    FaultInfo {
        id: "lumbar_hyperextension",
        number: 2,
        name: "Leaning back at lockout",
        short: "Leaning back",
        unit: "°",
        priority: 0.9,
        cue: "Ribs down, abs braced; finish with the glutes and stand tall.",
    },
    FaultInfo {
        id: "bar_drift",
        number: 3,
        name: "Bar drifting forward",
        short: "Bar drift",
        unit: "cm",
        priority: 1.3,
        cue: "Engage the lats (\"bend the bar around your legs\"); brush the shins and thighs.",
    },
    FaultInfo {
        id: "hips_too_high",
        number: 4,
        name: "Hips too high at setup",
        short: "Hips high",
        unit: "fraction",
        priority: 1.0,
        cue: "Shins vertical, hips above the knees and below the shoulders.",
    },
    FaultInfo {
        id: "hips_too_low",
        number: 4,
        name: "Hips too low at setup",
        short: "Hips low",
        unit: "fraction",
        priority: 1.0,
        cue: "Shins vertical, hips above the knees and below the shoulders.",
    },
    FaultInfo {
        id: "hips_rise_early",
        number: 4,
        name: "Hips rising before the bar",
        short: "Hips early",
        unit: "cm",
        priority: 1.25,
        cue: "Push the floor away so hips and shoulders rise together.",
    },
    FaultInfo {
        id: "jerked_liftoff",
        number: 5,
        name: "Jerking the bar off the floor",
        short: "Jerked start",
        unit: "×",
        priority: 1.1,
        cue: "Take the slack out: pull until bar and plates are loaded, then drive the floor away.",
    },
];

pub fn fault_info(id: &str) -> Option<&'static FaultInfo> {
    FAULTS.iter().find(|f| f.id == id)
}

/// A readable name for any fault id (unknown ids are shown as they are).
pub fn fault_name(id: &str) -> String {
    fault_info(id).map_or_else(|| id.replace('_', " "), |f| f.name.to_string())
}

/// The measurement a rep carries for a fault id, if it was measured: the fault strip shows
/// "not measured" where this is `None` and no fault was labelled.
pub fn rep_measure(rep: &Rep, id: &str) -> Option<f64> {
    match id {
        "lumbar_rounding" => rep.trunk_chord_change_pct,
        "lumbar_hyperextension" => rep.lockout_trunk_lean_back_deg,
        "bar_drift" => match (rep.bar_drift_max_cm, rep.bar_start_offset_cm) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        },
        "hips_too_high" | "hips_too_low" => rep.setup.hip_height_ratio,
        "hips_rise_early" => rep.hip_rise_before_bar_cm,
        "jerked_liftoff" => rep.liftoff_accel_ratio,
        _ => None,
    }
}

/// A short name for table chips.
pub fn fault_short(id: &str) -> String {
    fault_info(id).map_or_else(|| id.replace('_', " "), |f| f.short.to_string())
}

/// The unit of a fault label's `value` and `threshold`. Some faults are judged on more than
/// one measure (faults.md: early hips in cm, ms or as a hip/shoulder ratio; setup by the hip
/// height ratio or the knee angle; a jerk by an acceleration ratio or the hold in ms), so the
/// unit follows the threshold's scale.
pub fn fault_unit(id: &str, threshold: f64) -> &'static str {
    let t = threshold.abs();
    match id {
        "hips_rise_early" if t >= 20.0 => "ms",
        "hips_rise_early" if t <= 2.5 => "×",
        "hips_rise_early" => "cm",
        "hips_too_high" | "hips_too_low" if t > 5.0 => "°",
        "hips_too_high" | "hips_too_low" => "fraction",
        "jerked_liftoff" if t >= 20.0 => "ms",
        "jerked_liftoff" => "×",
        "bar_drift" => "cm",
        "lumbar_rounding" if t < 1.0 => "fraction",
        "lumbar_rounding" => "%",
        "lumbar_hyperextension" => "°",
        _ => "",
    }
}

/// Formats a fault label's value (or threshold) in the unit its threshold implies.
pub fn format_fault_value(f: &Fault, v: f64) -> String {
    format_in(fault_unit(&f.id, f.threshold), v)
}

fn format_in(unit: &str, v: f64) -> String {
    let v = if v.abs() < 0.05 { 0.0 } else { v };
    let whole = |v: f64| if v.abs() < 0.5 { 0.0 } else { v };
    match unit {
        "cm" => format!("{v:.1} cm"),
        "ms" => format!("{:.0} ms", whole(v)),
        "%" => format!("{:.0}%", whole(v)),
        "fraction" => format!("{:.0}%", whole(100.0 * v)),
        "°" => format!("{:.0}°", whole(v)),
        "×" => format!("{v:.1}×"),
        _ => format!("{v:.2}"),
    }
}

/// Formats a rep's measurement for a fault id (`rep_measure`) with its unit.
pub fn format_value(id: &str, v: f64) -> String {
    format_in(fault_info(id).map(|f| f.unit).unwrap_or(""), v)
}

/// What the strip shows for one fault in one rep.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Fault(Fault),
    /// Measured, within the thresholds.
    Clear(Option<f64>),
    NotMeasured,
}

pub fn cell(rep: &Rep, id: &str, judged: bool) -> Cell {
    let judged = judged && rep.judged();
    let worst = rep
        .faults
        .iter()
        .filter(|f| f.id == id)
        .max_by(|a, b| severity_weight(a.severity).total_cmp(&severity_weight(b.severity)));
    match (worst, rep_measure(rep, id)) {
        (Some(f), _) => Cell::Fault(f.clone()),
        (None, Some(v)) if judged => Cell::Clear(Some(v)),
        (None, _) if judged && any_body_measure(rep) => Cell::Clear(None),
        _ => Cell::NotMeasured,
    }
}

/// True when the metric stage filled in any body-based measurement for the rep.
fn any_body_measure(rep: &Rep) -> bool {
    rep.setup.hip_height_ratio.is_some() || rep.trunk_chord_change_pct.is_some() || rep.hip_rise_before_bar_cm.is_some()
}

/// Whether faults were judged at all for this result (a usable side view).
pub fn faults_judged(a: &Analysis) -> bool {
    a.view.usable
}

/// Whether faults were judged on this rep: the video allowed it and nothing about the rep
/// itself stood in the way (`Rep::not_judged`).
pub fn rep_judged(a: &Analysis, rep: &Rep) -> bool {
    faults_judged(a) && rep.judged()
}

pub fn severity_weight(s: Severity) -> f64 {
    match s {
        Severity::Likely => 1.0,
        Severity::Watch => 0.4,
    }
}

/// One fault across the set, for "what to fix first".
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub id: String,
    pub name: String,
    pub number: u8,
    pub score: f64,
    /// (rep index, fault) for every rep that showed it.
    pub reps: Vec<(usize, Fault)>,
    pub likely: usize,
    pub worst: Fault,
    pub cue: String,
    /// Present when the fault shows only in the later reps of a set of three or more.
    pub fatigue_from_rep: Option<usize>,
    /// The pipeline's one-line summary of this fault (`summary.fix_first`), when it has one.
    pub headline: Option<String>,
}

/// Faults of the set, most important first: likely before watch-only, then by how often and
/// how surely they showed, weighted by how much they load the spine.
pub fn rank(a: &Analysis) -> Vec<Ranked> {
    let mut out: Vec<Ranked> = Vec::new();
    for r in &a.reps {
        for f in &r.faults {
            let entry = match out.iter_mut().position(|x| x.id == f.id) {
                Some(k) => &mut out[k],
                None => {
                    let info = fault_info(&f.id);
                    out.push(Ranked {
                        id: f.id.clone(),
                        name: fault_name(&f.id),
                        number: info.map_or(f.fault, |i| i.number),
                        score: 0.0,
                        reps: Vec::new(),
                        likely: 0,
                        worst: f.clone(),
                        cue: if f.cue.trim().is_empty() {
                            info.map_or("", |i| i.cue).to_string()
                        } else {
                            f.cue.clone()
                        },
                        fatigue_from_rep: None,
                        headline: None,
                    });
                    out.last_mut().expect("just pushed")
                }
            };
            let priority = fault_info(&f.id).map_or(1.0, |i| i.priority);
            entry.score += severity_weight(f.severity) * f.confidence.clamp(0.05, 1.0) * priority;
            if f.severity == Severity::Likely {
                entry.likely += 1;
            }
            // The rep furthest past its line, whichever way is worse: the raw value ranks a low
            // setup backwards (bichraix_badform_far showed -33% as worst for rep 1's -101%).
            let worse = (severity_weight(f.severity), f.past_line() * f.confidence)
                > (severity_weight(entry.worst.severity), entry.worst.past_line() * entry.worst.confidence);
            if worse {
                entry.worst = f.clone();
            }
            if !entry.reps.iter().any(|(i, _)| *i == r.index) {
                entry.reps.push((r.index, f.clone()));
            }
        }
    }
    let n = a.reps.len();
    for e in &mut out {
        let first = e.reps.iter().map(|(i, _)| *i).min().unwrap_or(1);
        let contiguous_to_end = (first..=n).all(|i| e.reps.iter().any(|(k, _)| *k == i));
        if n >= 3 && first >= 2 && first > n / 2 && contiguous_to_end {
            e.fatigue_from_rep = Some(first);
        }
    }
    out.sort_by(|a, b| {
        (b.likely > 0).cmp(&(a.likely > 0)).then(b.score.total_cmp(&a.score)).then(a.number.cmp(&b.number))
    });
    // The pipeline's own ranking (summary.fix_first) decides the order when it has one;
    // faults it does not list keep their order after it.
    let order = &a.summary.fix_first;
    if !order.is_empty() {
        out.sort_by_key(|r| order.iter().position(|f| f.id == r.id).unwrap_or(usize::MAX));
        for r in &mut out {
            if let Some(f) = order.iter().find(|f| f.id == r.id) {
                if !f.cue.trim().is_empty() {
                    r.cue = f.cue.clone();
                }
                if f.fatigue && r.fatigue_from_rep.is_none() {
                    r.fatigue_from_rep = r.reps.iter().map(|(i, _)| *i).min();
                }
                r.headline = Some(f.headline.clone()).filter(|h| !h.trim().is_empty());
            }
        }
    }
    out
}

/// Why "what to fix first" is empty: no rep, no judgement from this view, or nothing found.
pub fn nothing_to_fix(a: &Analysis) -> &'static str {
    if a.reps.is_empty() {
        "No complete rep was found, so nothing was judged."
    } else if !faults_judged(a) {
        "Faults were not judged for this video (see the view verdict). Heights, speeds and timing are still given."
    } else if a.reps.iter().all(|r| !r.judged()) {
        "No rep could be judged: what was followed as the bar did not move with your hands (see the notes)."
    } else if a.reps.iter().any(|r| !r.judged()) {
        "No fault was labelled in the reps that were judged; the notes say why the others were not."
    } else {
        "No fault was labelled in any rep. Keep filming from the side to catch changes under heavier loads."
    }
}

/// "Seen in 2 of 3 reps (reps 2, 3)".
pub fn seen_in(r: &Ranked, reps: &[Rep]) -> String {
    let seen: Vec<String> = r.reps.iter().map(|(i, _)| i.to_string()).collect();
    let out_of = crate::faults::set::out_of_judged(reps, true);
    format!("Seen in {} of {out_of} (rep{} {})", seen.len(), if seen.len() == 1 { "" } else { "s" }, seen.join(", "))
}

/// "worst 9.6% against a threshold of 8%, confidence 72%", or for a label worth watching
/// "worst 2.8×, past the 2.5× line worth watching, confidence 45%": a watch label's threshold
/// is the lower line, and "against a threshold" would read as the fault's limit.
pub fn worst_reading(r: &Ranked) -> String {
    let w = &r.worst;
    let (value, line) = (format_fault_value(w, w.value), format_fault_value(w, w.threshold));
    let against = match w.severity {
        Severity::Likely => format!(" against a threshold of {line}"),
        Severity::Watch => format!(", past the {line} line worth watching"),
    };
    format!("worst {value}{against}, confidence {:.0}%", 100.0 * w.confidence)
}

/// The fatigue advice, when the fault shows only late in the set and the pipeline's headline
/// does not already say so.
pub fn fatigue_advice(r: &Ranked) -> Option<String> {
    r.fatigue_from_rep.filter(|_| r.headline.is_none()).map(|k| {
        format!(
            "Only from rep {k} on: a fatigue pattern. Technique holds while fresh; end the set a rep or two earlier or lower the load for the last reps."
        )
    })
}

/// One sentence on how sure the result is overall, with the reasons.
pub fn confidence(a: &Analysis) -> Confidence {
    let n = a.frames.len().max(1);
    let bar_seen = a.frames.iter().filter(|f| f.bar.is_some()).count();
    let mut bar_conf: Vec<f64> = a.frames.iter().filter_map(|f| f.bar.map(|b| b.conf)).collect();
    let body_seen = a.frames.iter().filter(|f| f.body.is_some()).count();
    let bar_share = bar_seen as f64 / n as f64;
    let body_share = body_seen as f64 / n as f64;
    let bar_conf = crate::signal::median(&mut bar_conf).unwrap_or(0.0);
    let mut reasons = Vec::new();
    let mut level = 3u8;
    if bar_share < 0.8 {
        level = level.min(1);
        reasons.push(format!("the bar was seen in only {:.0}% of frames", 100.0 * bar_share));
    } else if bar_conf < 0.5 {
        level = level.min(2);
        reasons.push(format!("bar tracking was unsure (median match {bar_conf:.2})"));
    }
    match a.calibration.source {
        CalibrationSource::Assumed => {
            level = level.min(1);
            reasons.push("the scale was assumed, not measured: cm values are rough".into());
        }
        CalibrationSource::User => {
            reasons.push(format!("scale from the {:.1} cm plate you gave", a.calibration.plate_diameter_cm))
        }
        CalibrationSource::Plate => {}
    }
    if !a.calibration.cm_trusted() {
        level = level.min(1);
        reasons.push("the plate's scale makes the lifter an impossible height: cm values are not trustworthy".into());
    }
    if let Some(aspect) = a.calibration.plate_aspect {
        if aspect < 0.9 {
            level = level.min(2);
            reasons.push(format!("the camera is not square to the bar (plate width/height {aspect:.2})"));
        }
    }
    if body_seen == 0 {
        level = level.min(2);
        reasons.push("body points were not tracked: only bar measures are available".into());
    } else if body_share < 0.7 {
        level = level.min(2);
        reasons.push(format!("the body was tracked in {:.0}% of frames", 100.0 * body_share));
    }
    if !a.view.usable {
        level = level.min(2);
    }
    Confidence { level, bar_share, bar_conf, body_share, reasons }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Confidence {
    /// 3 high, 2 medium, 1 low.
    pub level: u8,
    pub bar_share: f64,
    pub bar_conf: f64,
    pub body_share: f64,
    pub reasons: Vec<String>,
}

impl Confidence {
    pub fn word(&self) -> &'static str {
        match self.level {
            3 => "high",
            2 => "medium",
            _ => "low",
        }
    }
}

/// The view verdict in words (the result's `view.reason` says how it was judged).
pub fn view_verdict(v: &View) -> String {
    let kind = match v.kind {
        ViewKind::Side => "Side view",
        ViewKind::Oblique => "Oblique view",
        ViewKind::Front => "Front view",
        ViewKind::Unknown => "View not checked",
    };
    let usable = if v.usable { "usable for form judgements" } else { "faults are not judged from it" };
    format!("{kind}: {usable}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(id: &str, severity: Severity, value: f64, threshold: f64) -> Fault {
        Fault {
            fault: crate::faults::rules::fault_number(id),
            id: id.into(),
            severity,
            confidence: 0.45,
            at_s: 1.0,
            value,
            threshold,
            lower_is_worse: id == "hips_too_low",
            evidence: String::new(),
            cue: String::new(),
        }
    }

    fn ranked(id: &str, severity: Severity, value: f64, threshold: f64) -> Ranked {
        let fault = fault(id, severity, value, threshold);
        Ranked {
            id: id.into(),
            name: fault_name(id),
            number: 5,
            score: 0.0,
            reps: vec![(1, fault.clone())],
            likely: usize::from(severity == Severity::Likely),
            worst: fault,
            cue: String::new(),
            fatigue_from_rep: None,
            headline: None,
        }
    }

    /// A watch label's threshold is the lower line: "against a threshold of 2.5×" beside a
    /// fault limit of 3.0× in the evidence read as a contradiction.
    #[test]
    fn the_worst_reading_says_which_line_it_crossed() {
        let watch = worst_reading(&ranked("jerked_liftoff", Severity::Watch, 2.81, 2.5));
        assert_eq!(watch, "worst 2.8×, past the 2.5× line worth watching, confidence 45%");
        let likely = worst_reading(&ranked("bar_drift", Severity::Likely, 10.5, 5.0));
        assert_eq!(likely, "worst 10.5 cm against a threshold of 5.0 cm, confidence 45%");
    }

    /// The worst rep of a fault is the one furthest past its line, whichever way is worse.
    #[test]
    fn the_worst_rep_is_the_furthest_past_the_line_even_where_lower_is_worse() {
        let truth = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_videos/clean_3rep.truth.json");
        let truth: Truth = serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
        let mut a = crate::report::fixture::analysis_from_truth(&truth, "clean_3rep.mp4");
        a.summary.fix_first.clear();
        let likely = |id: &str, value: f64, threshold: f64| fault(id, Severity::Likely, value, threshold);
        // Hips: -0.33 in rep 1, -1.01 in rep 2 (the lower the worse); drift 6 then 9 cm.
        a.reps[0].faults = vec![likely("hips_too_low", -0.33, 0.1), likely("bar_drift", 6.0, 5.0)];
        a.reps[1].faults = vec![likely("hips_too_low", -1.01, 0.1), likely("bar_drift", 9.0, 5.0)];
        a.reps[2].faults.clear();
        let ranked = rank(&a);
        let worst = |id: &str| ranked.iter().find(|r| r.id == id).unwrap().worst.value;
        assert_eq!(worst("hips_too_low"), -1.01);
        assert_eq!(worst("bar_drift"), 9.0);
    }

    /// The hip height reads as a share of knee-to-shoulder, as the evidence sentence gives it.
    #[test]
    fn the_hip_height_reads_as_a_percentage() {
        let r = ranked("hips_too_high", Severity::Likely, 1.32, 0.8);
        assert_eq!(worst_reading(&r), "worst 132% against a threshold of 80%, confidence 45%");
        let r = ranked("hips_too_low", Severity::Likely, 82.0, 80.0);
        assert!(worst_reading(&r).starts_with("worst 82° against a threshold of 80°"));
        // And in the fault strip's cells, which show each rep's hip height.
        assert_eq!(format_value("hips_too_low", 1.32), "132%");
    }
}
