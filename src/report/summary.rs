//! The plain-language summary printed after an analysis.

use super::coach;
use crate::schema::*;
use std::fmt::Write;

/// Width the summary's paragraphs are wrapped to: readable in an 80-column terminal.
const WIDTH: usize = 88;

/// A short, readable account of the set: what was measured, how sure, what to fix.
pub fn render(a: &Analysis) -> String {
    let mut s = String::new();
    let name =
        std::path::Path::new(&a.video.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let _ = writeln!(
        s,
        "{name}: {}x{}, {:.1} s at {:.0} fps",
        a.video.width, a.video.height, a.video.duration_s, a.video.fps
    );
    let _ = writeln!(s, "Scale: {}", scale_line(&a.calibration));
    if let Some(model) = model_line(a) {
        let _ = writeln!(s, "Body points: {model}");
    }
    s += &labelled("View: ", &view_line(&a.view));
    let _ = writeln!(s);
    if a.reps.is_empty() {
        let _ = writeln!(s, "No complete rep found.");
    } else {
        let _ = writeln!(s, "{} rep{}:", a.reps.len(), if a.reps.len() == 1 { "" } else { "s" });
        s.push_str(&rep_table(&a.reps));
    }
    let _ = writeln!(s);
    s.push_str(&fix_first(a));
    if !a.summary.notes.is_empty() {
        let _ = writeln!(s);
        for n in &a.summary.notes {
            s += &labelled("Note: ", n);
        }
    }
    s
}

/// Names the body model when it is not the default, so a result read later (or next to
/// another check) says where its angles came from.
pub fn model_line(a: &Analysis) -> Option<String> {
    use crate::track::body::engine::LandmarkModel;
    match a.body_model? {
        LandmarkModel::Full => None,
        LandmarkModel::Heavy => Some("heavy model (--model heavy, the most accurate)".into()),
        LandmarkModel::Lite => Some("lite model (--model lite: faster, less accurate, no back outline)".into()),
    }
}

fn scale_line(c: &Calibration) -> String {
    let from = match c.source {
        CalibrationSource::Plate => format!("from the {:.0} cm plate", c.plate_diameter_cm),
        CalibrationSource::User => format!("from the {:.1} cm plate you gave", c.plate_diameter_cm),
        CalibrationSource::Assumed => "assumed".into(),
    };
    match c.plate_diameter_px {
        Some(px) => format!("{:.3} cm per pixel {from} ({px:.0} px across)", c.cm_per_px),
        None => format!("{:.3} cm per pixel {from}", c.cm_per_px),
    }
}

fn view_line(v: &View) -> String {
    let kind = match v.kind {
        ViewKind::Side => "side view",
        ViewKind::Oblique => "oblique view",
        ViewKind::Front => "front view",
        ViewKind::Unknown => "not checked",
    };
    let usable = if v.usable { "usable for form judgements" } else { "not usable for form judgements" };
    match &v.reason {
        // The verdict's reason already names the view ("side view (...)").
        Some(r) if r.starts_with(kind) => format!("{r}, {usable}"),
        Some(r) => format!("{kind}, {usable}: {r}"),
        None => format!("{kind}, {usable}"),
    }
}

/// The faults, most important first, each with what was seen, how sure, and the cue: the
/// same account as the HTML report's "What to fix first", for the terminal.
fn fix_first(a: &Analysis) -> String {
    let ranked = coach::rank(a);
    let mut s = String::from("What to fix first:\n");
    if ranked.is_empty() {
        s += &paragraph(coach::nothing_to_fix(a), "  ");
        return s;
    }
    for (k, r) in ranked.iter().enumerate() {
        if k > 0 {
            s.push('\n');
        }
        let severity = match r.worst.severity {
            Severity::Likely => "likely",
            Severity::Watch => "worth a look",
        };
        let _ = writeln!(s, "  {}. {} ({severity})", k + 1, r.name);
        let indent = "     ";
        if let Some(h) = &r.headline {
            s += &paragraph(h, indent);
        }
        s += &paragraph(&format!("{}; {}.", coach::seen_in(r, &a.reps), coach::worst_reading(r)), indent);
        s += &paragraph(&r.worst.evidence, indent);
        s += &paragraph(&format!("Cue: {}", r.cue), indent);
        if let Some(advice) = coach::fatigue_advice(r) {
            s += &paragraph(&advice, indent);
        }
    }
    s
}

/// `label` then `text`, wrapped to the summary's width under the text's first line.
fn labelled(label: &str, text: &str) -> String {
    wrapped(text, label, &" ".repeat(label.chars().count()))
}

/// `text` wrapped to the summary's width, every line indented.
fn paragraph(text: &str, indent: &str) -> String {
    wrapped(text, indent, indent)
}

fn wrapped(text: &str, first: &str, rest: &str) -> String {
    let options = textwrap::Options::new(WIDTH).initial_indent(first).subsequent_indent(rest);
    textwrap::fill(text, options) + "\n"
}

fn rep_table(reps: &[Rep]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "  rep  lift-off  lockout   ROM cm  mean m/s  peak m/s  loss %  drift cm");
    for r in reps {
        let drift =
            r.bar_drift_max_cm.or(r.bar_drift_from_start_cm).map_or_else(|| "   -".to_string(), |d| format!("{d:5.1}"));
        let _ = writeln!(
            s,
            "  {:>3}  {:>7.2}s {:>7.2}s  {:>6.1}  {:>8.2}  {:>8.2}  {:>6.0}  {drift:>8}{}",
            r.index,
            r.liftoff_s,
            r.lockout_s,
            r.rom_cm,
            r.mean_velocity_m_s,
            r.peak_velocity_m_s,
            r.velocity_loss_pct,
            if !r.judged() { "  not judged (see the notes)" } else { "" }
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::body::engine::LandmarkModel;

    #[test]
    fn the_summary_names_a_body_model_other_than_the_default() {
        let truth: Truth =
            serde_json::from_str(&std::fs::read_to_string("sample_videos/clean_3rep.truth.json").unwrap()).unwrap();
        let mut a = crate::report::fixture::analysis_from_truth(&truth, "clean_3rep.mp4");
        for (model, says) in
            [(None, None), (Some(LandmarkModel::Full), None), (Some(LandmarkModel::Heavy), Some("heavy model"))]
        {
            a.body_model = model;
            let text = render(&a);
            match says {
                Some(words) => assert!(text.contains(&format!("Body points: {words}")), "{text}"),
                None => assert!(!text.contains("Body points:"), "{text}"),
            }
        }
    }
}
