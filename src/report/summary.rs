//! The plain-language summary printed after an analysis.

use crate::schema::*;
use std::fmt::Write;

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
    let _ = writeln!(s, "View: {}", view_line(&a.view));
    let _ = writeln!(s);
    if a.reps.is_empty() {
        let _ = writeln!(s, "No complete rep found.");
    } else {
        let _ = writeln!(s, "{} rep{}:", a.reps.len(), if a.reps.len() == 1 { "" } else { "s" });
        s.push_str(&rep_table(&a.reps));
    }
    if !a.summary.notes.is_empty() {
        let _ = writeln!(s);
        for n in &a.summary.notes {
            let _ = writeln!(s, "Note: {n}");
        }
    }
    s
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
    match (&v.reason, v.usable) {
        (Some(r), _) => format!("{kind} ({r})"),
        (None, true) => format!("{kind}, usable for form judgements"),
        (None, false) => format!("{kind}, not usable for form judgements"),
    }
}

fn rep_table(reps: &[Rep]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "  rep  lift-off  lockout   ROM cm  mean m/s  peak m/s  loss %  drift cm");
    for r in reps {
        let drift =
            r.bar_drift_max_cm.or(r.bar_drift_from_start_cm).map_or_else(|| "   -".to_string(), |d| format!("{d:5.1}"));
        let _ = writeln!(
            s,
            "  {:>3}  {:>7.2}s {:>7.2}s  {:>6.1}  {:>8.2}  {:>8.2}  {:>6.0}  {drift:>8}",
            r.index, r.liftoff_s, r.lockout_s, r.rom_cm, r.mean_velocity_m_s, r.peak_velocity_m_s, r.velocity_loss_pct
        );
    }
    s
}
