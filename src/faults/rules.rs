//! The five faults of faults.md as rules over one rep's measurements. Each label carries the
//! number it rests on, the threshold it crossed, when, a sentence a lifter can read, the
//! coaching cue, and a confidence that says how much the video allows.

use super::thresholds::{HipsRise, Rounding, Thresholds};
use crate::metrics::body::BodyRepMetrics;
use crate::schema::{DriftAt, Fault, MidfootSource, Severity};

/// What is known about one rep besides its measurements.
#[derive(Debug, Clone, PartialEq)]
pub struct RepContext {
    /// 1-based rep number.
    pub index: usize,
    pub fps: f64,
    pub liftoff_frame: usize,
    pub lockout_frame: usize,
    pub floor_rebound: bool,
    /// 0..1: how well the body was seen in this rep (landmark visibility, repairs).
    pub body_quality: f64,
    pub midfoot_source: Option<MidfootSource>,
    /// The lifter's own standing lean before the first rep, degrees, when the video shows it.
    pub standing_lean_deg: Option<f64>,
    /// Whether the set's neutral chord and back line rest on a setup read before the lifter
    /// first moved (`metrics::body::neutral_read_before_moving`): measured against a detector's
    /// first crop, which can misplace the hip.
    pub neutral_read_before_moving: bool,
    /// Whether centimetres from this video can be trusted: false when the plate's scale makes
    /// the lifter an impossible size, so labels that rest on a distance are not given.
    pub cm_trusted: bool,
}

/// No deadlift carries the bar this far in front of the feet (the arms hang from the
/// shoulders, which stay over the bar): a larger reading is the bar track, not the lifter.
pub const MAX_BELIEVABLE_DRIFT_CM: f64 = 40.0;

pub const CUE_ROUNDING: &str =
    "Brace before the pull, lighter load until the back stays neutral, bar over mid-foot, hinge rather than reach.";
pub const CUE_HYPEREXTENSION: &str = "Ribs down, abs braced: finish with the glutes, stand tall, don't lean back.";
pub const CUE_DRIFT: &str =
    "Engage the lats (\"bend the bar around your legs\"); the bar should brush the shins and thighs.";
pub const CUE_HIPS_HIGH: &str =
    "Shins vertical, hips above the knees and below the shoulders: sit the hips down a little before you pull.";
pub const CUE_HIPS_LOW: &str =
    "Shins vertical, hips above the knees and below the shoulders: it is a hinge, not a squat; start with the hips higher.";
pub const CUE_HIPS_RISE: &str =
    "Push the floor away so hips and shoulders rise together; keep the chest up as the bar leaves the floor.";
pub const CUE_JERK: &str = "Take the slack out: pull until the bar and plates are loaded, then drive the floor away.";

pub fn cue(id: &str) -> &'static str {
    match id {
        "lumbar_rounding" => CUE_ROUNDING,
        "lumbar_hyperextension" => CUE_HYPEREXTENSION,
        "bar_drift" => CUE_DRIFT,
        "hips_too_high" => CUE_HIPS_HIGH,
        "hips_too_low" => CUE_HIPS_LOW,
        "hips_rise_early" => CUE_HIPS_RISE,
        _ => CUE_JERK,
    }
}

/// faults.md's number for a fault id.
pub fn fault_number(id: &str) -> u8 {
    match id {
        "lumbar_rounding" => 1,
        "lumbar_hyperextension" => 2,
        "bar_drift" => 3,
        "hips_too_high" | "hips_too_low" | "hips_rise_early" => 4,
        _ => 5,
    }
}

/// One crossed threshold, before it becomes a `Fault`.
struct Finding {
    id: &'static str,
    severity: Severity,
    value: f64,
    threshold: f64,
    frame: usize,
    /// How far the value is past the likely threshold, in units of that threshold (0 at it).
    margin: f64,
    /// A smaller value is the worse one (graded on negated values, or against a minimum).
    lower_is_worse: bool,
    base_confidence: f64,
    evidence: String,
}

/// Severity of `value` against watch/likely levels where larger is worse.
fn grade(value: f64, watch: f64, likely: f64) -> Option<Severity> {
    if value >= likely {
        Some(Severity::Likely)
    } else if value >= watch {
        Some(Severity::Watch)
    } else {
        None
    }
}

fn margin(value: f64, likely: f64) -> f64 {
    ((value - likely).abs() / likely.abs().max(1e-6)).min(1.0)
}

/// The line a reading is judged against, in the lifter's words: the fault's limit for a
/// `likely` label; for one worth watching both lines, so a reading under the limit is not
/// printed beside it as if it had crossed it.
fn limit_words(severity: Severity, watch: &str, likely: &str) -> String {
    match severity {
        Severity::Watch => format!("worth watching from {watch}, a fault from {likely}"),
        Severity::Likely => format!("limit {likely}"),
    }
}

pub fn label(m: &BodyRepMetrics, ctx: &RepContext, t: &Thresholds) -> Vec<Fault> {
    if !hands_hold_the_bar(m) {
        return Vec::new();
    }
    let mut findings = Vec::new();
    findings.extend(rounding(m, ctx, t));
    findings.extend(hyperextension(m, ctx, t));
    findings.extend(drift(m, ctx, t));
    findings.extend(setup_height(m, ctx, t));
    findings.extend(hips_rise(m, ctx, t));
    findings.extend(jerk(m, ctx, t));
    findings
        .into_iter()
        .map(|f| Fault {
            fault: fault_number(f.id),
            id: f.id.to_string(),
            severity: f.severity,
            confidence: confidence(&f, ctx),
            at_s: f.frame as f64 / ctx.fps,
            value: round2(f.value),
            threshold: f.threshold,
            lower_is_worse: f.lower_is_worse,
            evidence: f.evidence,
            cue: cue(f.id).to_string(),
        })
        .collect()
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// How sure: what the measurement can see (base), how clear the crossing is (margin), how
/// well the body was seen (quality). A watch-level finding is by nature less certain.
fn confidence(f: &Finding, ctx: &RepContext) -> f64 {
    let clearness = match f.severity {
        Severity::Likely => 0.75 + 0.25 * f.margin.min(1.0),
        Severity::Watch => 0.6,
    };
    round2((f.base_confidence * clearness * ctx.body_quality.clamp(0.3, 1.0)).clamp(0.05, 0.99))
}

/// Two views of one fault: the trunk chord (two points, which flatten a curved back) and the
/// back's outline in the person mask (the surface itself). The outline, where it was read,
/// has the last word: it can raise a chord reading to likely, or hold a chord reading that
/// the back does not show down to watch.
fn rounding(m: &BodyRepMetrics, ctx: &RepContext, t: &Thresholds) -> Option<Finding> {
    let th = &t.lumbar_rounding;
    use Severity::{Likely, Watch};
    // A chord already that much short at this rep's own setup, when the set's other setups
    // agree on a longer one, was short before the bar moved: a misread (the detector's first
    // crop on a lifter filmed already set up) as often as a rounded setup. It can ask for a
    // look, not decide.
    // The same holds for the back's outline.
    let short_at_setup = m.setup_chord_change_pct.filter(|&p| p >= th.likely_pct);
    let bulged_at_setup = m.setup_back_bulge_pct.filter(|&p| p >= th.outline_likely_pct);
    let held = |graded: Option<(Severity, f64)>, at_setup: Option<f64>| {
        graded.map(|(s, v)| if at_setup.is_some() { (Watch, v) } else { (s, v) })
    };
    let chord = held(
        m.trunk_chord_change_pct.and_then(|v| grade(v, th.watch_pct, th.likely_pct).map(|s| (s, v))),
        short_at_setup,
    );
    let bulge = m.back_bulge_pct.map(|b| {
        let graded = held(grade(b, th.outline_watch_pct, th.outline_likely_pct).map(|s| (s, b)), bulged_at_setup);
        (graded.map(|g| g.0), b)
    });
    if let (Some((Watch, c)), Some((Some(Watch), b))) = (chord, bulge) {
        if short_at_setup.is_none() && bulged_at_setup.is_none() && !ctx.neutral_read_before_moving {
            return Some(rounding_seen_both_ways(c, b, m, ctx, th));
        }
    }
    let (severity, by_outline) = match (chord.map(|c| c.0), bulge.map(|b| b.0)) {
        (Some(Likely), Some(Some(_))) | (Some(Likely), None) => (Likely, false),
        (_, Some(Some(Likely))) => (Likely, true),
        (Some(Likely), Some(None)) | (Some(Watch), _) => (Watch, false),
        (None, Some(Some(Watch))) => (Watch, true),
        (None, _) => return None,
    };
    let chord_value = chord.map(|c| c.1).or(m.trunk_chord_change_pct).unwrap_or(0.0);
    let (value, likely, watch, frame) = if by_outline {
        let b = bulge.map_or(0.0, |b| b.1);
        (b, th.outline_likely_pct, th.outline_watch_pct, m.max_bulge_frame)
    } else {
        (chord_value, th.likely_pct, th.watch_pct, m.min_chord_frame)
    };
    let frame = frame.unwrap_or(ctx.liftoff_frame);
    let at = frame as f64 / ctx.fps;
    // A chord that crossed neither line is printed against the limit.
    let chord_severity = chord.map_or(Likely, |c| c.0);
    let chord_limit = limit_words(chord_severity, &format!("{:.0}%", th.watch_pct), &format!("{:.0}%", th.likely_pct));
    let chord_text =
        format!("the distance from shoulder to hip shrank by {chord_value:.0}% of your braced setup ({chord_limit})");
    let setup_note = match (short_at_setup, bulged_at_setup) {
        (Some(p), _) => Some(format!("the shoulder-to-hip distance already read {p:.0}% short")),
        (None, Some(p)) => Some(format!("the back already stood {p:.0}% out of its line")),
        _ => None,
    }
    .map(|what| {
        format!(" But {what} at this rep's setup, before the bar moved, unlike your other setups, so the points may be misread here.")
    });
    let (base, evidence) = match bulge {
        Some((Some(bulge_severity), b)) => (
            0.85,
            format!(
                "Rep {}: at {at:.2} s, during the pull, your back bulged out of its setup line by {b:.0}% of the shoulder-to-hip distance ({}) and {chord_text}: the back is rounding under the load.",
                ctx.index,
                limit_words(
                    bulge_severity,
                    &format!("{:.0}%", th.outline_watch_pct),
                    &format!("{:.0}%", th.outline_likely_pct)
                )
            ),
        ),
        Some((None, b)) => (
            0.45,
            format!(
                "Rep {}: {chord_text} at {at:.2} s, but the back's outline {}, so this may be the hips or shoulders moving rather than the spine: look at the video.",
                ctx.index,
                outline_kept(b)
            ),
        ),
        None => (
            0.55,
            format!(
                "Rep {}: {chord_text} at {at:.2} s, during the pull: the back is likely rounding under the load. Two points cannot see the spine itself, so treat this as a prompt to look at the video.",
                ctx.index
            ),
        ),
    };
    let evidence = evidence + setup_note.as_deref().unwrap_or("");
    Some(Finding {
        id: "lumbar_rounding",
        severity,
        value,
        threshold: if severity == Likely { likely } else { watch },
        frame,
        margin: margin(value, likely),
        base_confidence: base,
        lower_is_worse: false,
        evidence,
    })
}

/// How the back's outline stayed when it did not bulge past its watch line (`b`, % of the
/// shoulder-to-hip distance; negative is the back flatter than at the setup).
fn outline_kept(b: f64) -> String {
    if b < 0.5 {
        "did not bulge out of its setup line".to_string()
    } else {
        format!("bulged only {b:.0}% out of its setup line")
    }
}

/// Rounding that neither view is sure of alone but both see: the chord shrank past its watch
/// level and the outline bulged past its own. They are two measurements of one back (two
/// points; the mask's surface), and each under-reads a curved spine: on the rendered suite the
/// chord reads 0.55-0.75 of the true shrink, so a back rounded 10.4% read 5.6-6.1% of chord and
/// 7.6-7.9% of bulge (seeds 17 and 47), while no straight rep read both past watch. Only called
/// when neither reading was held for a misread setup and the neutral they are both measured
/// against was not read before the lifter first moved: a misread neutral moves both at once,
/// so their agreement would say nothing (a real single-rep clip opening on a set-up lifter read
/// 6.7% and 6.2%). That check is not applied to a reading past its own likely line: in suite
/// seeds 23, 52 and 59 truly rounded reps measured against such a neutral read past 8%, and
/// would be lost.
fn rounding_seen_both_ways(chord: f64, bulge: f64, m: &BodyRepMetrics, ctx: &RepContext, th: &Rounding) -> Finding {
    let frame = m.max_bulge_frame.or(m.min_chord_frame).unwrap_or(ctx.liftoff_frame);
    let at = frame as f64 / ctx.fps;
    Finding {
        id: "lumbar_rounding",
        severity: Severity::Likely,
        value: bulge,
        threshold: th.outline_watch_pct,
        frame,
        margin: 0.0,
        base_confidence: 0.75,
        lower_is_worse: false,
        evidence: format!(
            "Rep {}: at {at:.2} s, during the pull, your back bulged out of its setup line by {bulge:.0}% of the shoulder-to-hip distance and the distance from shoulder to hip shrank by {chord:.0}% of your braced setup. Each is under its own limit ({:.0}% and {:.0}%) but both are past the level worth watching ({:.0}% and {:.0}%), and two separate measurements agreeing say the back is rounding under the load.",
            ctx.index, th.outline_likely_pct, th.likely_pct, th.outline_watch_pct, th.watch_pct
        ),
    }
}

/// Lean readings over the top hold spread wider than this (interquartile range, degrees) are
/// too unsteady to call a lean `likely`: every rendered and real rep looked at on 2026-12-04
/// stayed under 7, a clip whose trunk points swung 60° between frames read 34.
const UNSTEADY_LEAN_SPREAD_DEG: f64 = 10.0;

fn hyperextension(m: &BodyRepMetrics, ctx: &RepContext, t: &Thresholds) -> Option<Finding> {
    let lean = m.lockout_trunk_lean_back_deg?;
    let th = &t.lumbar_hyperextension;
    // A standing baseline that leans forward is more likely the hip point seen differently
    // without the plate in front of it than a posture: it never lowers the bar below 8°.
    let beyond = ctx.standing_lean_deg.map(|b| lean - b.max(0.0));
    let mut severity = grade(lean, th.watch_deg, th.likely_deg);
    if beyond.is_some_and(|b| b >= th.likely_beyond_baseline_deg) && lean >= th.watch_deg {
        severity = Some(Severity::Likely);
    }
    // Readings that swing from frame to frame over the hold cannot decide the lean: the
    // median of noise is noise. They can still ask for a look.
    let unsteady = m.lockout_lean_spread_deg.filter(|&s| s > UNSTEADY_LEAN_SPREAD_DEG);
    let severity = severity.map(|s| if unsteady.is_some() { Severity::Watch } else { s })?;
    let frame = m.lockout_lean_frame.unwrap_or(ctx.lockout_frame);
    let mut baseline = match (ctx.standing_lean_deg, beyond) {
        (Some(b), Some(d)) => {
            format!(" You stood at {b:.0}° before the set, so that is {d:.0}° beyond your own posture.")
        }
        _ => String::new(),
    };
    if let Some(spread) = unsteady {
        baseline += &format!(
            " But the trunk's readings at the top swung by {spread:.0}° between frames, so the points are unsteady there: look at the video."
        );
    }
    Some(Finding {
        id: "lumbar_hyperextension",
        severity,
        value: lean,
        threshold: if severity == Severity::Likely { th.likely_deg } else { th.watch_deg },
        frame,
        margin: margin(lean, th.likely_deg),
        base_confidence: 0.8,
        lower_is_worse: false,
        evidence: format!(
            "Rep {}: at lockout ({:.2} s) your trunk leaned {lean:.0}° back past vertical ({}): finishing by arching the low back instead of squeezing the hips through.{baseline}",
            ctx.index,
            frame as f64 / ctx.fps,
            limit_words(severity, &format!("{:.0}°", th.watch_deg), &format!("{:.0}°", th.likely_deg))
        ),
    })
}

fn drift(m: &BodyRepMetrics, ctx: &RepContext, t: &Thresholds) -> Option<Finding> {
    if !ctx.cm_trusted || drift_unbelievable(m) {
        return None;
    }
    let th = &t.bar_drift;
    let from_feet = ctx.midfoot_source == Some(MidfootSource::Feet);
    // The start offset only means something when mid-foot comes from the feet.
    let start = if from_feet { m.bar_start_offset_cm } else { None };
    let during = m.bar_drift_max_cm;
    let (value, frame, what) = match (start, during) {
        (Some(s), Some(d)) if s > d => (s, setup_at(m, ctx), "started"),
        (_, Some(d)) => (d, m.bar_drift_max_frame.unwrap_or(ctx.liftoff_frame), "travelled"),
        (Some(s), None) => (s, setup_at(m, ctx), "started"),
        (None, None) => return None,
    };
    let severity = grade(value, th.watch_cm, th.likely_cm)?;
    let place = match (what, m.bar_drift_max_at) {
        ("started", _) => "before the pull".to_string(),
        (_, Some(DriftAt::AboveKnee)) => "above the knee".to_string(),
        _ => "below the knee".to_string(),
    };
    let reference = if from_feet { "mid-foot" } else { "where it started (the feet were not seen)" };
    Some(Finding {
        id: "bar_drift",
        severity,
        value,
        threshold: if severity == Severity::Likely { th.likely_cm } else { th.watch_cm },
        frame,
        margin: margin(value, th.likely_cm),
        base_confidence: if from_feet { 0.85 } else { 0.6 },
        lower_is_worse: false,
        evidence: format!(
            "Rep {}: the bar {what} {value:.1} cm in front of {reference} {place} at {:.2} s ({}): a longer lever on the low back.",
            ctx.index,
            frame as f64 / ctx.fps,
            limit_words(severity, &format!("{:.0} cm", th.watch_cm), &format!("{:.0} cm", th.likely_cm))
        ),
    })
}

/// Whether this rep's bar drift is beyond anything a deadlift does (see
/// `MAX_BELIEVABLE_DRIFT_CM`).
pub fn drift_unbelievable(m: &BodyRepMetrics) -> bool {
    [m.bar_drift_max_cm, m.bar_start_offset_cm].into_iter().flatten().any(|d| d.abs() > MAX_BELIEVABLE_DRIFT_CM)
}

/// Whether the hands rose with what was followed as the bar (`HANDS_WITH_BAR`); true when it
/// could not be compared. When they did not, the followed circle was something else (an
/// exercise ball, a spot on the floor) or the body was lost, and no label on the rep can be
/// trusted: every rule reads the rep's frames from the bar, and most read the body too.
pub fn hands_hold_the_bar(m: &BodyRepMetrics) -> bool {
    m.hands_rise_ratio.is_none_or(|r| HANDS_WITH_BAR.contains(&r))
}

/// Why [`label`] gives a rep no label at all, in words for the lifter: the hands did not move
/// with the followed bar ([`hands_hold_the_bar`]). None when the rep is judged.
pub fn why_not_judged(m: &BodyRepMetrics) -> Option<String> {
    let ratio = m.hands_rise_ratio.filter(|_| !hands_hold_the_bar(m))?;
    let how = if ratio.is_infinite() {
        "they rose while it stayed put".to_string()
    } else if ratio < 0.0 {
        "they moved the opposite way".to_string()
    } else if ratio < 1.0 {
        // One decimal: a ratio just under the limit (0.328) must not print as the limit (33%).
        format!("they rose only {:.1}% as far", 100.0 * ratio)
    } else {
        format!("they rose {ratio:.2} times as far")
    };
    Some(format!("from the setup to lockout your hands did not move with what was followed as the bar ({how})"))
}

/// How far the hands may rise per centimetre of the bar's rise on a rep that is judged. Held,
/// they rise 0.82-1.15 as far on every rendered rep, and 0.46-1.21 on the real side-view reps
/// (the wrist is guessed where the plate hides the hand; 2.4 on a trap-bar rep). The real clip
/// whose track followed an exercise ball read 0.05; the render whose track followed floor grain
/// 3.0, -1.4, 8.3 and 0.05 (docs/accuracy.md, "Hands and bar").
pub const HANDS_WITH_BAR: std::ops::RangeInclusive<f64> = (1.0 / 3.0)..=3.0;

/// The frame the setup was read at (`metrics::body::Setup::at`: the frame before lift-off
/// when no setup was found).
fn setup_at(m: &BodyRepMetrics, ctx: &RepContext) -> usize {
    crate::schema::setup_or_before_liftoff(m.setup_frame, ctx.liftoff_frame)
}

fn setup_height(m: &BodyRepMetrics, ctx: &RepContext, t: &Thresholds) -> Option<Finding> {
    let frame = setup_at(m, ctx);
    let h = m.setup_hip_height_ratio;
    let knee = m.setup_knee_angle_deg;
    let at = frame as f64 / ctx.fps;
    let hi = &t.hips_too_high;
    let high_h = h
        .and_then(|h| grade(h, hi.watch_ratio, hi.likely_ratio).map(|s| (s, h, hi.likely_ratio, hi.watch_ratio, true)));
    let high_k = knee.and_then(|k| {
        grade(k, hi.watch_knee_deg, hi.likely_knee_deg).map(|s| (s, k, hi.likely_knee_deg, hi.watch_knee_deg, false))
    });
    if let Some(g) = worst(high_h, high_k) {
        let v = g.1;
        let so = if g.0 == Severity::Likely {
            "the pull starts as a stiff-leg deadlift"
        } else {
            "close to turning the pull into a stiff-leg deadlift"
        };
        let limit = setup_limit_words(g);
        let evidence = if g.4 {
            format!(
                "Rep {}: at setup ({at:.2} s) your hips sat {:.0}% of the way from knees to shoulders ({limit}): {so}.",
                ctx.index,
                100.0 * v
            )
        } else {
            format!("Rep {}: at setup ({at:.2} s) your knees were almost straight ({v:.0}°, {limit}): {so}.", ctx.index)
        };
        return Some(setup_finding("hips_too_high", g, false, frame, evidence));
    }
    let lo = &t.hips_too_low;
    // Lower is worse: grade the negated values.
    let low_h = h.and_then(|h| {
        grade(-h, -lo.watch_ratio, -lo.likely_ratio).map(|s| (s, h, lo.likely_ratio, lo.watch_ratio, true))
    });
    let low_k = knee.and_then(|k| {
        grade(-k, -lo.watch_knee_deg, -lo.likely_knee_deg).map(|s| (s, k, lo.likely_knee_deg, lo.watch_knee_deg, false))
    });
    let g = worst(low_h, low_k)?;
    let v = g.1;
    let limit = setup_limit_words(g);
    let (hips, so) = if g.0 == Severity::Likely {
        ("were down at knee level", "squatting the bar up instead of hinging")
    } else {
        ("sat low", "close to squatting the bar up instead of hinging")
    };
    let evidence = if g.4 {
        format!(
            "Rep {}: at setup ({at:.2} s) your hips {hips} ({:.0}% of the way from knees to shoulders, {limit}): {so}.",
            ctx.index,
            100.0 * v
        )
    } else {
        format!("Rep {}: at setup ({at:.2} s) your knees were bent to {v:.0}° ({limit}): {so}.", ctx.index)
    };
    Some(setup_finding("hips_too_low", g, true, frame, evidence))
}

/// A setup-height finding from its grading (severity, value, likely and watch limits);
/// `too_low` for the low setup, graded on negated values (lower is worse).
fn setup_finding(
    id: &'static str,
    (severity, value, likely, watch, _): Graded,
    too_low: bool,
    frame: usize,
    evidence: String,
) -> Finding {
    Finding {
        id,
        severity,
        value,
        threshold: if severity == Severity::Likely { likely } else { watch },
        frame,
        margin: margin(value, likely),
        base_confidence: 0.8,
        lower_is_worse: too_low,
        evidence,
    }
}

type Graded = (Severity, f64, f64, f64, bool);

/// `limit_words` for a setup grading: hip height as a share of knee-to-shoulder, or degrees.
fn setup_limit_words((severity, _, likely, watch, is_height): Graded) -> String {
    let words = |v: f64| if is_height { format!("{:.0}%", 100.0 * v) } else { format!("{v:.0}°") };
    limit_words(severity, &words(watch), &words(likely))
}

/// The more severe of two gradings (likely over watch; first wins a tie).
fn worst(a: Option<Graded>, b: Option<Graded>) -> Option<Graded> {
    match (a, b) {
        (Some(x), Some(y)) if y.0 == Severity::Likely && x.0 == Severity::Watch => Some(y),
        (Some(x), _) => Some(x),
        (None, y) => y,
    }
}

fn hips_rise(m: &BodyRepMetrics, ctx: &RepContext, t: &Thresholds) -> Option<Finding> {
    let th = &t.hips_rise_early;
    let crept = crept_too_little(m, ctx, th);
    let mut best: Option<(f64, Severity, f64, f64, f64, &str)> = None; // (score, sev, value, likely, watch, unit)
    let mut consider = |value: Option<f64>, watch: f64, likely: f64, unit: &'static str| {
        let Some(v) = value else { return };
        let Some(mut sev) = grade(v, watch, likely) else { return };
        if unit == "ms" && crept {
            sev = Severity::Watch;
        }
        let score = v / likely + if sev == Severity::Likely { 10.0 } else { 0.0 };
        if best.is_none_or(|b| score > b.0) {
            best = Some((score, sev, v, likely, watch, unit));
        }
    };
    if ctx.cm_trusted {
        consider(m.hip_rise_before_bar_cm, th.watch_cm, th.likely_cm, "cm");
    }
    consider(m.hip_rise_before_bar_ms, th.watch_ms, th.likely_ms, "ms");
    consider(m.hip_to_shoulder_rise_ratio, th.watch_ratio, th.likely_ratio, "ratio");
    let (_, severity, value, likely, watch, unit) = best?;
    let cm = m.hip_rise_before_bar_cm.unwrap_or(0.0);
    let ms = m.hip_rise_before_bar_ms.unwrap_or(0.0);
    let evidence = match unit {
        "ratio" => format!(
            "Rep {}: from lift-off to the knee your hips rose {value:.1}x as fast as your shoulders ({}): the hips shoot up, the back takes the load and the bar swings forward.",
            ctx.index,
            limit_words(severity, &format!("{watch:.1}x"), &format!("{likely:.1}x"))
        ),
        "ms" if crept => format!(
            "Rep {}: your hips crept up {cm:.1} cm over {ms:.0} ms before the bar left the floor: under {:.0} cm is a slow creep, not the hips shooting up, but they moved before the bar did.",
            ctx.index, th.watch_cm
        ),
        _ => {
            // Without a trusted scale a centimetre figure would be a guess; say only what the
            // clock saw.
            let seen = if ctx.cm_trusted {
                let lines = |cm: f64, ms: f64| format!("{cm:.0} cm or {ms:.0} ms");
                let limits = limit_words(
                    severity,
                    &lines(th.watch_cm, th.watch_ms),
                    &lines(th.likely_cm, th.likely_ms),
                );
                format!("your hips rose {cm:.1} cm over {ms:.0} ms before the bar left the floor ({limits})")
            } else {
                let limit = limit_words(
                    severity,
                    &format!("{:.0} ms", th.watch_ms),
                    &format!("{:.0} ms", th.likely_ms),
                );
                format!("your hips rose for {ms:.0} ms before the bar left the floor ({limit})")
            };
            format!("Rep {}: {seen}: the chest drops and the back takes the start of the pull.", ctx.index)
        }
    };
    Some(Finding {
        id: "hips_rise_early",
        severity,
        value,
        threshold: if severity == Severity::Likely { likely } else { watch },
        frame: ctx.liftoff_frame,
        margin: margin(value, likely),
        base_confidence: 0.8,
        lower_is_worse: false,
        evidence,
    })
}

/// The rise's clock starts at half a centimetre, well inside the body points' noise (the
/// network's hip sits 2-4 cm from the joint and can creep while a lifter holds still). Time
/// alone therefore proves a real hip rise only when the hips also moved by the watch
/// distance; a long, tiny creep is worth watching, not a `likely` "hips shoot up". Without a
/// trusted scale the distance cannot be checked and the clock stands alone.
fn crept_too_little(m: &BodyRepMetrics, ctx: &RepContext, th: &HipsRise) -> bool {
    ctx.cm_trusted && m.hip_rise_before_bar_cm.is_some_and(|cm| cm < th.watch_cm)
}

fn jerk(m: &BodyRepMetrics, ctx: &RepContext, t: &Thresholds) -> Option<Finding> {
    let th = &t.jerked_liftoff;
    let at = ctx.liftoff_frame as f64 / ctx.fps;
    if ctx.floor_rebound {
        // Read as the still start it lacked, as the dip-and-go case below: held for so many ms
        // where a tight start takes `min_hold_ms`.
        return Some(Finding {
            id: "jerked_liftoff",
            severity: Severity::Likely,
            value: m.hold_before_liftoff_ms.unwrap_or(0.0),
            threshold: th.min_hold_ms,
            frame: ctx.liftoff_frame,
            margin: 1.0,
            base_confidence: 0.75,
            lower_is_worse: true,
            evidence: format!("Rep {}: the bar bounced off the floor at {at:.2} s (touch-and-go with a rebound) instead of starting from a tight, still position.", ctx.index),
        });
    }
    let dipped = m.hip_dip_cm.is_some_and(|d| d >= th.hip_dip_cm);
    if let (Some(hold), true) = (m.hold_before_liftoff_ms, dipped) {
        if hold < th.min_hold_ms {
            return Some(Finding {
                id: "jerked_liftoff",
                severity: Severity::Likely,
                value: hold,
                threshold: th.min_hold_ms,
                frame: ctx.liftoff_frame,
                margin: margin(hold, th.min_hold_ms),
                base_confidence: 0.7,
                lower_is_worse: true,
                evidence: format!(
                    "Rep {}: your hips dropped {:.0} cm and the bar left the floor {hold:.0} ms later (a still, tight start takes at least {:.0} ms): the slack was not pulled out first.",
                    ctx.index,
                    m.hip_dip_cm.unwrap_or(0.0),
                    th.min_hold_ms
                ),
            });
        }
    }
    let ratio = m.liftoff_accel_ratio?;
    let graded = grade(ratio, th.watch_accel_ratio, th.likely_accel_ratio)?;
    let filmed = start_filmed(ctx, th.min_hold_ms);
    let spike = format!(
        "its acceleration in the first 150 ms peaked at {ratio:.1}x the average of the pull ({})",
        limit_words(
            if filmed { graded } else { Severity::Watch },
            &format!("{:.1}x", th.watch_accel_ratio),
            &format!("{:.1}x", th.likely_accel_ratio)
        )
    );
    let (severity, evidence) = if filmed {
        (graded, format!("Rep {}: the bar was yanked off the floor at {at:.2} s: {spike}.", ctx.index))
    } else {
        let seen_ms = 1000.0 * at;
        (
            Severity::Watch,
            format!(
                "Rep {}: the bar left the floor fast at {at:.2} s: {spike}. The video starts only {seen_ms:.0} ms before lift-off, so whether the slack was pulled out first cannot be seen: a quick break from a tight start looks the same.",
                ctx.index
            ),
        )
    };
    Some(Finding {
        id: "jerked_liftoff",
        severity,
        value: ratio,
        threshold: if severity == Severity::Likely { th.likely_accel_ratio } else { th.watch_accel_ratio },
        frame: m.peak_accel_frame.unwrap_or(ctx.liftoff_frame),
        margin: margin(ratio, th.likely_accel_ratio),
        base_confidence: 0.75,
        lower_is_worse: false,
        evidence,
    })
}

/// Whether the video shows at least the still start a lift needs (`min_hold_ms`) before the
/// bar leaves the floor. A jerk is slack not pulled out before the pull; in a clip that opens
/// a few frames before lift-off (several real side clips open 67-300 ms before it) that part
/// was never filmed, and the bar's speed-up alone cannot tell a yank from a quick, tight break.
fn start_filmed(ctx: &RepContext, min_hold_ms: f64) -> bool {
    1000.0 * ctx.liftoff_frame as f64 / ctx.fps >= min_hold_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> RepContext {
        RepContext {
            index: 2,
            fps: 30.0,
            liftoff_frame: 60,
            lockout_frame: 90,
            floor_rebound: false,
            body_quality: 1.0,
            midfoot_source: Some(MidfootSource::Feet),
            standing_lean_deg: None,
            neutral_read_before_moving: false,
            cm_trusted: true,
        }
    }

    /// The rounding label, if any, under the default thresholds and context.
    fn rounding_label(m: &BodyRepMetrics) -> Option<Fault> {
        label(m, &ctx(), &Thresholds::default()).into_iter().find(|f| f.id == "lumbar_rounding")
    }

    fn clean() -> BodyRepMetrics {
        BodyRepMetrics {
            setup_frame: Some(55),
            knee_pass_frame: Some(70),
            hold_before_liftoff_ms: Some(500.0),
            hip_rise_before_bar_cm: Some(0.5),
            hip_rise_before_bar_ms: Some(0.0),
            hip_to_shoulder_rise_ratio: Some(1.0),
            setup_hip_height_ratio: Some(0.45),
            setup_knee_angle_deg: Some(115.0),
            setup_trunk_angle_deg: Some(35.0),
            setup_chord_cm: Some(50.0),
            trunk_chord_change_pct: Some(1.0),
            setup_chord_change_pct: Some(0.0),
            setup_back_bulge_pct: None,
            min_chord_frame: Some(65),
            back_bulge_pct: None,
            max_bulge_frame: None,
            lockout_trunk_lean_back_deg: Some(1.0),
            lockout_lean_frame: Some(92),
            lockout_lean_spread_deg: Some(1.0),
            liftoff_accel_ratio: Some(1.6),
            peak_accel_frame: Some(61),
            hip_dip_cm: Some(0.0),
            bar_start_offset_cm: Some(0.5),
            bar_drift_max_cm: Some(1.5),
            bar_drift_max_at: Some(DriftAt::BelowKnee),
            bar_drift_max_frame: Some(66),
            hands_rise_ratio: Some(1.0),
        }
    }

    /// A reading worth watching is printed against both lines, not beside the fault's limit it
    /// did not reach (a coach read "2.8x ... (limit 3.0x)" under a "worth watching" heading
    /// as a contradiction); a likely one against its limit.
    #[test]
    fn the_evidence_names_the_line_the_reading_crossed() {
        let t = Thresholds::default();
        let drift_label = |cm: f64| {
            let m = BodyRepMetrics { bar_drift_max_cm: Some(cm), ..clean() };
            label(&m, &ctx(), &t).into_iter().find(|f| f.id == "bar_drift").expect("drift past watch")
        };
        let watch = drift_label(4.0);
        assert_eq!(watch.severity, Severity::Watch);
        assert!(watch.evidence.contains("(worth watching from 3 cm, a fault from 5 cm)"), "{}", watch.evidence);
        let likely = drift_label(6.0);
        assert_eq!(likely.severity, Severity::Likely);
        assert!(likely.evidence.contains("(limit 5 cm)"), "{}", likely.evidence);

        let high = BodyRepMetrics { setup_hip_height_ratio: Some(0.78), setup_knee_angle_deg: Some(120.0), ..clean() };
        let f = label(&high, &ctx(), &t).into_iter().find(|f| f.id == "hips_too_high").expect("hips past watch");
        assert_eq!(f.severity, Severity::Watch);
        let (w, l) = (100.0 * t.hips_too_high.watch_ratio, 100.0 * t.hips_too_high.likely_ratio);
        assert!(
            f.evidence.contains(&format!(
                "78% of the way from knees to shoulders (worth watching from {w:.0}%, a fault from {l:.0}%)"
            )),
            "{}",
            f.evidence
        );
        assert!(!f.lower_is_worse && !likely.lower_is_worse);
    }

    /// The record says which way is worse, so the report can rank reps by how far past the
    /// line they are: a low setup at -1.01 is further past 0.10 than one at -0.33.
    #[test]
    fn a_low_setup_says_lower_is_worse() {
        let t = Thresholds::default();
        let low = |h: f64| {
            let m = BodyRepMetrics { setup_hip_height_ratio: Some(h), setup_knee_angle_deg: Some(100.0), ..clean() };
            label(&m, &ctx(), &t).into_iter().find(|f| f.id == "hips_too_low").expect("hips below the line")
        };
        let (mild, deep) = (low(-0.33), low(-1.01));
        assert!(mild.lower_is_worse && deep.lower_is_worse);
        assert!(deep.past_line() > mild.past_line());
    }

    #[test]
    fn an_outline_that_stayed_flat_is_said_in_words_not_as_a_negative_share() {
        let m = BodyRepMetrics { trunk_chord_change_pct: Some(15.0), back_bulge_pct: Some(-1.2), ..clean() };
        let f = rounding_label(&m).expect("the chord crossed its limit");
        assert!(f.evidence.contains("the back's outline did not bulge out of its setup line"), "{}", f.evidence);
        let m = BodyRepMetrics { back_bulge_pct: Some(2.0), ..m };
        let f = rounding_label(&m).expect("the chord crossed its limit");
        assert!(f.evidence.contains("bulged only 2% out of its setup line"), "{}", f.evidence);
    }

    /// Real clip bichraix_good018: the circle followed in its one rep was an exercise ball on
    /// the wall (the hands rose 0.05 as far), and that "rep" carried a likely rounding.
    #[test]
    fn a_rep_whose_hands_did_not_rise_with_the_bar_is_not_judged() {
        let t = Thresholds::default();
        let rounded = BodyRepMetrics { trunk_chord_change_pct: Some(15.0), ..clean() };
        assert_eq!(label(&rounded, &ctx(), &t).len(), 1, "judged when held");
        for ratio in [0.05, -0.5, 0.3, 3.5] {
            let m = BodyRepMetrics { hands_rise_ratio: Some(ratio), ..rounded.clone() };
            assert!(label(&m, &ctx(), &t).is_empty(), "hands rose {ratio} of the bar's rise");
        }
        // A wrist guessed behind the plate makes the hands lag (0.46 on a real clip whose track
        // is right); not comparable at all is no reason to withhold.
        for ratio in [Some(0.45), Some(1.2), Some(2.5), None] {
            let m = BodyRepMetrics { hands_rise_ratio: ratio, ..rounded.clone() };
            assert_eq!(label(&m, &ctx(), &t).len(), 1, "hands rose {ratio:?} of the bar's rise");
        }
    }

    #[test]
    fn a_clean_rep_has_no_label() {
        assert!(label(&clean(), &ctx(), &Thresholds::default()).is_empty());
    }

    #[test]
    fn each_fault_fires_likely_above_and_watch_between() {
        let t = Thresholds::default();
        type Set = Box<dyn Fn(&mut BodyRepMetrics, f64)>;
        let cases: Vec<(&str, Set, f64, f64)> = vec![
            ("lumbar_rounding", Box::new(|m, v| m.trunk_chord_change_pct = Some(v)), 10.0, 6.0),
            ("lumbar_hyperextension", Box::new(|m, v| m.lockout_trunk_lean_back_deg = Some(v)), 14.0, 7.0),
            ("bar_drift", Box::new(|m, v| m.bar_drift_max_cm = Some(v)), 7.0, 4.0),
            ("hips_too_high", Box::new(|m, v| m.setup_hip_height_ratio = Some(v)), 0.9, 0.75),
            ("hips_too_low", Box::new(|m, v| m.setup_hip_height_ratio = Some(v)), 0.05, 0.15),
            ("hips_rise_early", Box::new(|m, v| m.hip_rise_before_bar_cm = Some(v)), 8.0, 4.0),
            ("jerked_liftoff", Box::new(|m, v| m.liftoff_accel_ratio = Some(v)), 4.0, 2.7),
        ];
        for (id, set, likely, watch) in cases {
            for (v, sev) in [(likely, Severity::Likely), (watch, Severity::Watch)] {
                let mut m = clean();
                set(&mut m, v);
                let faults = label(&m, &ctx(), &t);
                assert_eq!(faults.len(), 1, "{id} at {v}: {faults:?}");
                let f = &faults[0];
                assert_eq!((f.id.as_str(), f.severity), (id, sev), "{f:?}");
                assert!(f.evidence.starts_with("Rep 2"), "{}", f.evidence);
                assert!(!f.cue.is_empty() && f.confidence > 0.0 && f.confidence < 1.0);
            }
        }
    }

    /// A setup near the limit is worth a look, not a verdict: its sentence must not claim what
    /// only a `likely` setup shows.
    #[test]
    fn a_setup_near_the_limit_is_described_as_near_it() {
        let t = Thresholds::default();
        let evidence = |h: f64| {
            let m = BodyRepMetrics { setup_hip_height_ratio: Some(h), ..clean() };
            let f = label(&m, &ctx(), &t).into_iter().find(|f| f.id.starts_with("hips_too")).expect("a setup label");
            (f.severity, f.evidence)
        };
        let (sev, text) = evidence(0.15);
        assert_eq!(sev, Severity::Watch);
        assert!(text.contains("hips sat low") && text.contains("close to squatting"), "{text}");
        let (sev, text) = evidence(0.05);
        assert_eq!(sev, Severity::Likely);
        assert!(text.contains("down at knee level") && !text.contains("close to"), "{text}");
        let (sev, text) = evidence(0.75);
        assert_eq!(sev, Severity::Watch);
        assert!(text.contains("close to turning the pull into a stiff-leg deadlift"), "{text}");
    }

    /// Fault-suite seed 2: a lifter filmed already set up, read from the detector's first crop,
    /// shows a chord 19% short at rep 1's setup and all through its pull, while the set's other
    /// setups agree with each other. That reading asks for a look; it does not decide.
    #[test]
    fn a_chord_already_short_at_its_own_setup_is_not_likely_rounding_on_its_own() {
        let rounding = |bulge: Option<f64>| {
            let m = BodyRepMetrics {
                trunk_chord_change_pct: Some(18.7),
                setup_chord_change_pct: Some(19.3),
                back_bulge_pct: bulge,
                ..clean()
            };
            rounding_label(&m).map(|f| (f.severity, f.evidence))
        };
        let (sev, evidence) = rounding(None).unwrap();
        assert_eq!(sev, Severity::Watch);
        assert!(evidence.contains("19% short at this rep's setup, before the bar moved"), "{evidence}");
        assert_eq!(rounding(Some(7.0)).unwrap().0, Severity::Watch);
        // The back's outline bulging past its own limit still decides.
        assert_eq!(rounding(Some(12.0)).unwrap().0, Severity::Likely);
    }

    /// The same for the outline: bichraix badform_far rep 1's back already stood 13% out of the
    /// set's neutral line at its own setup, and read an 18% bulge in the pull.
    #[test]
    fn an_outline_already_bulged_at_its_own_setup_is_not_likely_rounding_on_its_own() {
        let m = BodyRepMetrics {
            trunk_chord_change_pct: Some(4.0),
            back_bulge_pct: Some(18.4),
            setup_back_bulge_pct: Some(13.0),
            ..clean()
        };
        let f = rounding_label(&m).unwrap();
        assert_eq!(f.severity, Severity::Watch);
        assert!(f.evidence.contains("stood 13% out of its line at this rep's setup"), "{}", f.evidence);
        let steady = BodyRepMetrics { setup_back_bulge_pct: Some(1.0), ..m };
        assert_eq!(rounding_label(&steady).unwrap().severity, Severity::Likely);
    }

    /// bichraix bad006: at the top the trunk points swing from -34° to +31° between frames, and
    /// the median of that window read 12° of lean back. It asks for a look; it does not decide.
    #[test]
    fn an_unsteady_lean_at_the_top_is_not_likely_hyperextension() {
        let t = Thresholds::default();
        let lean = |spread: f64| {
            let m = BodyRepMetrics {
                lockout_trunk_lean_back_deg: Some(16.0),
                lockout_lean_spread_deg: Some(spread),
                ..clean()
            };
            label(&m, &ctx(), &t)
                .into_iter()
                .find(|f| f.id == "lumbar_hyperextension")
                .map(|f| (f.severity, f.evidence))
        };
        assert_eq!(lean(2.0).unwrap().0, Severity::Likely);
        let (sev, evidence) = lean(33.7).unwrap();
        assert_eq!(sev, Severity::Watch);
        assert!(evidence.contains("swung by 34° between frames"), "{evidence}");
    }

    #[test]
    fn the_back_outline_decides_rounding_where_it_was_read() {
        let rounding = |chord: f64, bulge: Option<f64>| {
            let m = BodyRepMetrics { trunk_chord_change_pct: Some(chord), back_bulge_pct: bulge, ..clean() };
            rounding_label(&m).map(|f| (f.severity, f.confidence))
        };
        // Chord alone: its own grading, at a middling confidence.
        let (sev, alone) = rounding(12.0, None).unwrap();
        assert_eq!(sev, Severity::Likely);
        // The outline agrees: likely and surer.
        let (sev, agreed) = rounding(12.0, Some(12.0)).unwrap();
        assert!(sev == Severity::Likely && agreed > alone);
        // The outline stays flat: held down to watch, less sure.
        let (sev, doubted) = rounding(12.0, Some(2.0)).unwrap();
        assert!(sev == Severity::Watch && doubted < alone);
        // The outline bulges while the chord under-reads: likely.
        assert_eq!(rounding(6.0, Some(12.0)).unwrap().0, Severity::Likely);
        assert_eq!(rounding(1.0, Some(12.0)).unwrap().0, Severity::Likely);
        // Neither: nothing.
        assert!(rounding(1.0, Some(2.0)).is_none());
        assert!(rounding(1.0, None).is_none());
    }

    /// Fault-suite seeds 17 (rep 3) and 47 (rep 4): a back rounded 10.4% read 5.6-6.1% of chord
    /// and 7.6-7.9% of bulge, each only at its watch level. Together they are likely, unless
    /// the neutral both are measured against was read before the lifter first moved.
    #[test]
    fn chord_and_outline_both_at_watch_make_rounding_likely() {
        let t = Thresholds::default();
        let rounding = |chord: f64, bulge: f64, before_moving: bool| {
            let m = BodyRepMetrics {
                trunk_chord_change_pct: Some(chord),
                back_bulge_pct: Some(bulge),
                max_bulge_frame: Some(45),
                ..clean()
            };
            let c = RepContext { neutral_read_before_moving: before_moving, ..ctx() };
            label(&m, &c, &t).into_iter().find(|f| f.id == "lumbar_rounding")
        };
        let f = rounding(5.6, 7.6, false).unwrap();
        assert_eq!(f.severity, Severity::Likely);
        assert_eq!((f.value, f.threshold), (7.6, t.lumbar_rounding.outline_watch_pct));
        assert!(f.evidence.contains("bulged out of its setup line by 8%"), "{}", f.evidence);
        assert!(f.evidence.contains("shrank by 6%"), "{}", f.evidence);
        assert!(f.evidence.contains("two separate measurements agreeing"), "{}", f.evidence);
        // One of the two below its watch level: the other's own grading.
        assert_eq!(rounding(4.0, 7.6, false).unwrap().severity, Severity::Watch);
        assert_eq!(rounding(5.6, 5.0, false).unwrap().severity, Severity::Watch);
        // Both against a neutral read before the lifter moved (bichraix good014: 6.7% and 6.2%).
        assert_eq!(rounding(6.7, 6.2, true).unwrap().severity, Severity::Watch);
        // A chord already short at the rep's own setup is held, agreement or not.
        let held = BodyRepMetrics {
            trunk_chord_change_pct: Some(6.0),
            setup_chord_change_pct: Some(9.0),
            back_bulge_pct: Some(7.0),
            ..clean()
        };
        let f = rounding_label(&held).unwrap();
        assert_eq!(f.severity, Severity::Watch);
    }

    #[test]
    fn a_bounce_or_a_dip_without_hold_is_a_jerk() {
        let t = Thresholds::default();
        let bounced = BodyRepMetrics { hold_before_liftoff_ms: Some(0.0), ..clean() };
        let f = label(&bounced, &RepContext { floor_rebound: true, ..ctx() }, &t);
        assert_eq!(f[0].id, "jerked_liftoff");
        // Read as the hold it lacked, in the unit the summary prints (not 1.0 against 1.0).
        assert_eq!((f[0].value, f[0].threshold), (0.0, t.jerked_liftoff.min_hold_ms));
        assert!(f[0].lower_is_worse, "a shorter hold is the worse one");
        let mut m = clean();
        m.hold_before_liftoff_ms = Some(60.0);
        m.hip_dip_cm = Some(4.0);
        assert_eq!(label(&m, &ctx(), &t)[0].id, "jerked_liftoff");
    }

    /// bichraix_good015 opens 5 frames (167 ms) before lift-off and its bar speeds up 3.5x the
    /// pull's mean: the speed-up is seen, the start is not, so the label stays at watch.
    #[test]
    fn a_speed_up_off_the_floor_is_only_watched_when_the_start_was_not_filmed() {
        let t = Thresholds::default();
        let mut m = clean();
        m.liftoff_accel_ratio = Some(3.5);
        let filmed = label(&m, &ctx(), &t);
        assert_eq!((filmed[0].id.as_str(), filmed[0].severity), ("jerked_liftoff", Severity::Likely));
        let opened_late = label(&m, &RepContext { liftoff_frame: 5, ..ctx() }, &t);
        let f = &opened_late[0];
        assert_eq!((f.id.as_str(), f.severity), ("jerked_liftoff", Severity::Watch));
        assert_eq!(f.threshold, t.jerked_liftoff.watch_accel_ratio);
        assert!(f.evidence.contains("starts only 167 ms before lift-off"), "{}", f.evidence);
        let just_enough = RepContext { liftoff_frame: 6, ..ctx() };
        assert_eq!(label(&m, &just_enough, &t)[0].severity, Severity::Likely, "200 ms at 30 fps is enough");
    }

    #[test]
    fn start_offset_is_ignored_without_feet() {
        let mut m = clean();
        m.bar_start_offset_cm = Some(9.0);
        let t = Thresholds::default();
        assert_eq!(label(&m, &ctx(), &t)[0].id, "bar_drift");
        let c = RepContext { midfoot_source: Some(MidfootSource::BarAtSetup), ..ctx() };
        assert!(label(&m, &c, &t).is_empty());
    }

    #[test]
    fn distances_are_not_judged_when_the_scale_is_broken() {
        let mut m = clean();
        m.bar_drift_max_cm = Some(9.0);
        m.hip_rise_before_bar_cm = Some(8.0);
        let t = Thresholds::default();
        let ids = |m: &BodyRepMetrics, c: &RepContext| label(m, c, &t).into_iter().map(|f| f.id).collect::<Vec<_>>();
        let broken = RepContext { cm_trusted: false, ..ctx() };
        assert_eq!(ids(&m, &ctx()), ["bar_drift", "hips_rise_early"]);
        assert!(ids(&m, &broken).is_empty());
        // A time-based hip rise needs no scale.
        m.hip_rise_before_bar_ms = Some(300.0);
        assert_eq!(ids(&m, &broken), ["hips_rise_early"]);
        let evidence = &label(&m, &broken, &t)[0].evidence;
        assert!(evidence.contains("300 ms"), "{evidence}");
        assert!(!evidence.contains("cm"), "an untrusted scale must not be quoted in cm: {evidence}");
    }

    #[test]
    fn a_long_tiny_hip_creep_is_watched_not_called_likely() {
        let t = Thresholds::default();
        let mut m = clean();
        m.hip_rise_before_bar_ms = Some(433.0);
        m.hip_rise_before_bar_cm = Some(2.3);
        let crept = label(&m, &ctx(), &t);
        assert_eq!((crept[0].id.as_str(), crept[0].severity), ("hips_rise_early", Severity::Watch));
        assert!(crept[0].evidence.contains("crept up 2.3 cm over 433 ms"), "{}", crept[0].evidence);
        // From the watch distance on, the clock counts again.
        m.hip_rise_before_bar_cm = Some(t.hips_rise_early.watch_cm);
        assert_eq!(label(&m, &ctx(), &t)[0].severity, Severity::Likely);
        // Without a trusted scale the distance is unknown and the clock stands alone.
        m.hip_rise_before_bar_cm = Some(2.3);
        let broken = RepContext { cm_trusted: false, ..ctx() };
        assert_eq!(label(&m, &broken, &t)[0].severity, Severity::Likely);
    }

    #[test]
    fn an_impossible_drift_is_the_track_not_the_lifter() {
        let mut m = clean();
        m.bar_drift_max_cm = Some(128.0);
        assert!(drift_unbelievable(&m));
        assert!(label(&m, &ctx(), &Thresholds::default()).is_empty());
        m.bar_drift_max_cm = Some(12.0);
        assert!(!drift_unbelievable(&m));
    }
}
