//! A plausible analysis built from a rendered video's truth: every frame's bar and body
//! points, mid-foot, reps with their measurements, and fault labels for the faults the
//! renderer put in. Used by the report tests and to draw sample pictures before the
//! metric and fault stages exist; never by `analyze`.
//!
//! The measurements come from the renderer's own record (`truth.render.reps`) when it has
//! one, else from the points; fault labels follow the default thresholds of faults.md.

use super::coach;
use super::series::vertical_velocity;
use crate::schema::*;
use serde_json::Value;

/// Default thresholds of shared/docs/faults.md: (likely, watch) in the fault's unit.
fn thresholds(id: &str) -> (f64, f64) {
    match id {
        "lumbar_rounding" => (8.0, 5.0),
        "lumbar_hyperextension" => (10.0, 5.0),
        "bar_drift" => (5.0, 3.0),
        "hips_too_high" => (0.8, 0.8),
        "hips_too_low" => (0.1, 0.1),
        "hips_rise_early" => (5.0, 3.0),
        "jerked_liftoff" => (3.0, 2.0),
        _ => (1.0, 1.0),
    }
}

/// The analysis a perfect pipeline would write for the rendered video `video_path`.
pub fn analysis_from_truth(truth: &Truth, video_path: &str) -> Analysis {
    let fps = truth.fps;
    let n = truth.frames.len();
    let cm = truth.cm_per_px;
    let sign = truth.facing.sign();
    let measured: Vec<Value> =
        truth.render.as_ref().and_then(|r| r.get("reps")).and_then(Value::as_array).cloned().unwrap_or_default();
    let get = |k: usize, key: &str| measured.get(k).and_then(|m| m.get(key)).and_then(Value::as_f64);
    let get_frame = |k: usize, key: &str| get(k, key).map(|v| v as usize);

    let frames: Vec<Frame> = truth
        .frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let b = &f.body;
            let p = |q: [f64; 2], conf: f64| [q[0], q[1], conf];
            Frame {
                i,
                t_s: i as f64 / fps,
                bar: Some(BarPoint { x_px: f.bar.x_px, y_px: f.bar.y_px, conf: 0.95 }),
                body: Some(Body {
                    shoulder: p(b.shoulder, 0.95),
                    hip: p(b.hip, 0.95),
                    knee: p(b.knee, 0.9),
                    ankle: p(b.ankle, 0.8),
                    heel: p(b.heel, 0.8),
                    toe: p(b.toe, 0.8),
                    ear: p(b.ear, 0.9),
                    wrist: p(b.wrist, 0.9),
                }),
                to_first_frame: None,
            }
        })
        .collect();

    let floor_y = truth.frames.first().map_or(truth.height as f64, |f| f.bar.y_px + 0.5 * truth.plate_diameter_cm / cm);
    let height: Vec<Option<f64>> = truth.frames.iter().map(|f| Some((floor_y - f.bar.y_px) * cm)).collect();
    let velocity = vertical_velocity(&height, fps);

    let mut reps: Vec<Rep> = Vec::new();
    for (k, tr) in truth.reps.iter().enumerate() {
        let lo = tr.liftoff_frame;
        let lk = tr.lockout_frame.max(lo + 1).min(n.saturating_sub(1));
        let start = get_frame(k, "start_frame")
            .unwrap_or_else(|| k.checked_sub(1).map_or(0, |p| (truth.reps[p].lockout_frame + lo) / 2));
        let end = get_frame(k, "end_frame")
            .unwrap_or_else(|| truth.reps.get(k + 1).map_or(n.saturating_sub(1), |nx| (lk + nx.liftoff_frame) / 2));
        let knee_pass = get_frame(k, "knee_pass_frame").or_else(|| {
            let knee_y = truth.frames.get(lo)?.body.knee[1];
            (lo..=lk).find(|&i| truth.frames[i].bar.y_px <= knee_y)
        });
        let setup = get_frame(k, "setup_frame").unwrap_or(lo.saturating_sub(1));
        let rom = height[lk].unwrap_or(0.0) - height[lo].unwrap_or(0.0);
        let ttl = (lk - lo) as f64 / fps;
        let peak = (lo..=lk).filter_map(|i| velocity[i]).fold(0.0f64, f64::max);
        let drift_max =
            (lo..=lk).map(|i| (truth.frames[i].bar.x_px - truth.midfoot_x_px) * cm * sign).fold(f64::MIN, f64::max);
        let drift_max = get(k, "bar_drift_max_cm").unwrap_or(drift_max);
        let start_offset =
            get(k, "bar_start_offset_cm").unwrap_or((truth.frames[setup].bar.x_px - truth.midfoot_x_px) * cm * sign);
        let drift_at = measured.get(k).and_then(|m| m.get("bar_drift_max_at")).and_then(Value::as_str).map(|s| {
            if s == "above_knee" {
                DriftAt::AboveKnee
            } else {
                DriftAt::BelowKnee
            }
        });
        let t = |i: usize| i as f64 / fps;
        let mut rep = Rep {
            index: k + 1,
            start_s: t(start),
            liftoff_s: t(lo),
            knee_pass_s: knee_pass.map(t),
            lockout_s: t(lk),
            end_s: t(end),
            rom_cm: get(k, "rom_cm").unwrap_or(rom),
            mean_velocity_m_s: get(k, "mean_velocity_m_s").unwrap_or(rom / ttl / 100.0),
            peak_velocity_m_s: get(k, "peak_velocity_m_s").unwrap_or(peak),
            time_to_lockout_s: ttl,
            velocity_loss_pct: 0.0,
            bar_start_offset_cm: Some(start_offset),
            bar_drift_max_cm: Some(drift_max),
            bar_drift_max_at: drift_at,
            hip_rise_before_bar_ms: get(k, "hip_rise_before_bar_ms"),
            hip_rise_before_bar_cm: get(k, "hip_rise_before_bar_cm"),
            hip_to_shoulder_rise_ratio: get(k, "hip_to_shoulder_rise_ratio"),
            setup: Setup {
                hip_height_ratio: get(k, "setup_hip_height_ratio"),
                knee_angle_deg: get(k, "setup_knee_angle_deg"),
                trunk_angle_deg: get(k, "setup_trunk_angle_deg"),
            },
            trunk_chord_change_pct: get(k, "trunk_chord_change_pct"),
            back_bulge_pct: get(k, "back_bulge_pct"),
            lockout_trunk_lean_back_deg: get(k, "lockout_trunk_lean_back_deg"),
            liftoff_accel_ratio: get(k, "liftoff_accel_ratio"),
            hold_before_liftoff_ms: get(k, "hold_before_liftoff_ms"),
            faults: Vec::new(),
            liftoff_frame: lo,
            lockout_frame: lk,
            knee_pass_frame: knee_pass,
            setup_frame: Some(setup),
            bar_drift_from_start_cm: None,
            floor_rebound: measured.get(k).and_then(|m| m.get("floor_rebound")).and_then(Value::as_bool),
            hands_rise_ratio: None,
            not_judged: None,
        };
        rep.faults = tr.faults.iter().map(|f| label(&rep, f, &truth.frames, fps)).collect();
        reps.push(rep);
    }
    let best = reps.iter().map(|r| r.mean_velocity_m_s).fold(0.0f64, f64::max);
    for r in &mut reps {
        if best > 0.0 {
            r.velocity_loss_pct = 100.0 * (best - r.mean_velocity_m_s) / best;
        }
    }

    Analysis {
        schema: ANALYSIS_SCHEMA.into(),
        tool_version: crate::VERSION.into(),
        body_model: None,
        video: VideoInfo {
            path: video_path.to_string(),
            sha256: String::new(),
            width: truth.width,
            height: truth.height,
            fps,
            frame_count: n,
            duration_s: n as f64 / fps,
        },
        calibration: Calibration {
            cm_per_px: cm,
            source: CalibrationSource::Plate,
            plate_diameter_cm: truth.plate_diameter_cm,
            plate_diameter_px: Some(truth.plate_diameter_cm / cm),
            plate_aspect: Some(1.0),
            trusted: Some(true),
        },
        facing: Some(truth.facing),
        near_side: None,
        view: View { kind: ViewKind::Side, usable: true, reason: None },
        midfoot_x_px: Some(truth.midfoot_x_px),
        midfoot_source: Some(MidfootSource::Feet),
        frames,
        summary: Summary {
            rep_count: reps.len(),
            faults_by_rep: reps.iter().map(|r| r.faults.iter().map(|f| f.id.clone()).collect()).collect(),
            notes: vec!["Built from a rendered video's truth (a test fixture), not measured.".into()],
            ..Default::default()
        },
        reps,
    }
}

/// A fault label for a fault the renderer drew, at the moment a coach would see it.
fn label(rep: &Rep, f: &TruthFault, frames: &[TruthFrame], fps: f64) -> Fault {
    let info = coach::fault_info(&f.id);
    let (likely, watch) = thresholds(&f.id);
    let v = f.magnitude;
    // Faults in "too low" direction are likely below the threshold.
    let is_likely = match f.id.as_str() {
        "hips_too_low" => v < likely,
        "lumbar_rounding" if v < 1.0 => v * 100.0 > likely,
        _ => v >= likely,
    };
    let value = if f.id == "lumbar_rounding" && v < 1.0 { v * 100.0 } else { v };
    let at_frame = match f.id.as_str() {
        "bar_drift" => (rep.liftoff_frame..=rep.lockout_frame)
            .max_by(|&a, &b| frames[a].bar.x_px.total_cmp(&frames[b].bar.x_px))
            .unwrap_or(rep.liftoff_frame),
        "lumbar_hyperextension" => rep.lockout_frame,
        "lumbar_rounding" => rep.knee_pass_frame.unwrap_or(rep.liftoff_frame),
        "hips_too_high" | "hips_too_low" => rep.setup_frame_or_before_liftoff(),
        _ => rep.liftoff_frame,
    };
    let threshold = if is_likely { likely } else { watch };
    let evidence = match f.id.as_str() {
        "bar_drift" => format!("bar {value:.1} cm in front of mid-foot during the pull (threshold {likely:.0} cm)"),
        "hips_rise_early" => {
            format!("hips rose {value:.1} cm before the bar left the floor (threshold {likely:.0} cm)")
        }
        "lumbar_rounding" => format!(
            "trunk chord shortened by {value:.0}% (threshold {likely:.0}%); two points cannot see the spine itself"
        ),
        "lumbar_hyperextension" => {
            format!("trunk leans back {value:.0}° past vertical at lockout (threshold {likely:.0}°)")
        }
        "jerked_liftoff" => format!("lift-off acceleration {value:.1}× the rep's mean (threshold {likely:.0}×)"),
        "hips_too_high" => format!("hip height ratio {value:.2} at setup (threshold {likely:.1})"),
        "hips_too_low" => format!("hip height ratio {value:.2} at setup (threshold {likely:.1})"),
        _ => format!("measured {value:.2}"),
    };
    Fault {
        fault: info.map_or(0, |i| i.number),
        id: f.id.clone(),
        severity: if is_likely { Severity::Likely } else { Severity::Watch },
        confidence: if f.id == "lumbar_rounding" { 0.6 } else { 0.85 },
        at_s: at_frame as f64 / fps,
        value,
        threshold,
        lower_is_worse: f.id == "hips_too_low",
        evidence,
        cue: info.map_or("", |i| i.cue).to_string(),
    }
}
