//! Truth: the rendered geometry sampled per frame, and every faults.md quantity measured
//! on the renderer's own world-space joint points (cm, y up, x forward, no shake).

use serde::Serialize;

use super::body::{hip_height_ratio, knee_angle_deg, trunk_angle_deg, Pose};
use super::camera::Camera;
use super::geom::V2;
use super::motion::Plan;
use super::spec::RenderSpec;
use crate::schema::{PointXY, Truth, TruthBody, TruthFault, TruthFrame, TruthRep, TRUTH_SCHEMA};

/// A frame counts as still when no body point nor the bar moved 0.05 cm or more since
/// the previous frame.
pub const STILL_CM: f64 = 0.05;
/// Lift-off / lockout tolerance, cm.
pub const LIFT_CM: f64 = 0.5;
/// Hips that go on down this far after the last still frame (cm) were not set there.
const SETUP_DESCENT_CM: f64 = 10.0;

/// Everything measured about one rep (world units; also written to `render.reps`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct RepMeasured {
    pub rep: usize,
    pub start_frame: usize,
    pub end_frame: usize,
    pub setup_frame: Option<usize>,
    pub liftoff_frame: usize,
    pub knee_pass_frame: Option<usize>,
    pub lockout_frame: usize,
    pub rest_height_cm: f64,
    pub top_height_cm: f64,
    pub rom_cm: f64,
    pub time_to_lockout_s: f64,
    pub mean_velocity_m_s: f64,
    pub peak_velocity_m_s: f64,
    pub bar_start_offset_cm: f64,
    pub bar_drift_max_cm: f64,
    pub bar_drift_max_at: &'static str,
    pub bar_x_range_cm: [f64; 2],
    pub hip_rise_before_bar_cm: f64,
    pub hip_rise_before_bar_ms: f64,
    pub hip_to_shoulder_rise_ratio: Option<f64>,
    pub setup_hip_height_ratio: f64,
    pub setup_knee_angle_deg: f64,
    pub setup_trunk_angle_deg: f64,
    pub liftoff_hip_height_ratio: f64,
    pub neutral_chord_cm: f64,
    pub min_chord_cm: f64,
    pub trunk_chord_change_pct: f64,
    pub lockout_trunk_lean_back_deg: f64,
    pub lockout_trunk_lean_back_deg_at_lockout_frame: f64,
    pub lockout_knee_angle_deg: f64,
    pub liftoff_accel_ratio: f64,
    pub peak_liftoff_accel_m_s2: f64,
    pub mean_abs_concentric_accel_m_s2: f64,
    pub hold_before_liftoff_ms: f64,
    pub hip_dip_cm: f64,
    pub floor_rebound: bool,
}

pub struct Sampled {
    pub poses: Vec<Pose>,
}

pub fn frame_count(plan: &Plan, fps: f64) -> usize {
    (plan.duration * fps).floor() as usize + 1
}

pub fn sample(plan: &Plan, fps: f64) -> Result<Sampled, super::RenderError> {
    let n = frame_count(plan, fps);
    let poses = (0..n).map(|i| plan.pose_at(i as f64 / fps)).collect::<Result<Vec<_>, _>>()?;
    Ok(Sampled { poses })
}

fn body_points(p: &Pose) -> [V2; 8] {
    [p.shoulder, p.hip, p.knee, p.ankle, p.heel, p.toe, p.ear, p.wrist]
}

fn chord(p: &Pose) -> f64 {
    p.shoulder.dist(p.hip)
}

/// Trunk lean past vertical, degrees, + = shoulders behind the hips.
pub fn lean_back_deg(p: &Pose) -> f64 {
    let v = p.shoulder - p.hip;
    (-v.x).atan2(v.y).to_degrees()
}

pub fn measure(plan: &Plan, s: &Sampled, fps: f64) -> Vec<RepMeasured> {
    let poses = &s.poses;
    let n = poses.len();
    let rest = plan.plate_r;
    let mid = plan.midfoot_x;
    let still: Vec<bool> = (0..n)
        .map(|i| {
            i > 0 && {
                let a = body_points(&poses[i]);
                let b = body_points(&poses[i - 1]);
                a.iter().zip(b.iter()).all(|(x, y)| x.dist(*y) < STILL_CM)
                    && poses[i].bar.dist(poses[i - 1].bar) < STILL_CM
            }
        })
        .collect();
    let by = |i: usize| poses[i].bar.y;
    let acc = |i: usize| -> f64 {
        if i == 0 || i + 1 >= n {
            0.0
        } else {
            (by(i + 1) - 2.0 * by(i) + by(i - 1)) * fps * fps / 100.0
        }
    };
    let mut out: Vec<RepMeasured> = Vec::new();
    let mut neutral: Option<f64> = None;
    let nreps = plan.reps.len();
    for (k, intent) in plan.reps.iter().enumerate() {
        let f0 = if k == 0 { 0 } else { ((intent.t_start * fps).ceil() as usize).min(n - 1) };
        let f1 = if k + 1 == nreps { n } else { ((intent.t_end * fps).ceil() as usize).min(n) };
        let liftoff = (f0..f1).find(|&i| by(i) - rest >= LIFT_CM).unwrap_or(f0);
        let top = (f0..f1).map(by).fold(f64::MIN, f64::max);
        let lockout = (liftoff..f1).find(|&i| by(i) >= top - LIFT_CM).unwrap_or(liftoff);
        let knee_pass = (liftoff..=lockout).find(|&i| by(i) >= poses[i].knee.y);
        // Set-up: the last still frame before lift-off (within 1.5 s).
        let win0 = liftoff.saturating_sub((1.5 * fps) as usize);
        let last_still = (win0..liftoff).rev().take_while(|&i| by(i) - rest < LIFT_CM).find(|&i| still[i]);
        // A lifter who drops into the pull without pausing is set where the hips bottom out.
        let setup = last_still.map(|sf| {
            let bottom = (sf..liftoff).min_by(|&a, &b| poses[a].hip.y.total_cmp(&poses[b].hip.y)).unwrap_or(sf);
            if poses[sf].hip.y - poses[bottom].hip.y >= SETUP_DESCENT_CM {
                bottom
            } else {
                sf
            }
        });
        let hold_frames = match setup {
            Some(sf) => (0..=sf).rev().take_while(|&i| still[i]).count(),
            None => 0,
        };
        let sref = setup.unwrap_or(liftoff.saturating_sub(1));
        let ps = &poses[sref];
        let pl = &poses[liftoff];
        // Hip rise before the bar: from the set-up to the last frame before lift-off.
        let pb = &poses[liftoff.saturating_sub(1).max(sref)];
        let hip_rise = pb.hip.y - ps.hip.y;
        let hip_first = (sref..=liftoff).find(|&i| poses[i].hip.y - ps.hip.y >= LIFT_CM);
        let hip_rise_ms = match hip_first {
            Some(i) => (liftoff - i) as f64 * 1000.0 / fps,
            None => 0.0,
        };
        let ratio = knee_pass.and_then(|kp| {
            let dh = poses[kp].hip.y - pl.hip.y;
            let ds = poses[kp].shoulder.y - pl.shoulder.y;
            (ds.abs() > 1e-6).then(|| dh / ds)
        });
        if neutral.is_none() {
            neutral = Some(chord(ps));
        }
        let neutral_c = neutral.unwrap();
        let min_chord = (liftoff..=lockout).map(|i| chord(&poses[i])).fold(f64::MAX, f64::min);
        // Top phase: lockout frame up to the start of the lowering.
        let lower_f = ((intent.t_lower * fps).ceil() as usize).clamp(lockout, n - 1);
        let lean_max = (lockout..=lower_f).map(|i| lean_back_deg(&poses[i])).fold(f64::MIN, f64::max);
        let (mut dmax, mut dat) = (f64::MIN, "below_knee");
        let (mut xmin, mut xmax) = (f64::MAX, f64::MIN);
        for i in liftoff..=lockout {
            let dx = poses[i].bar.x - mid;
            xmin = xmin.min(dx);
            xmax = xmax.max(dx);
            if dx > dmax {
                dmax = dx;
                dat = if by(i) < poses[i].knee.y { "below_knee" } else { "above_knee" };
            }
        }
        let w = (0.15 * fps).round() as usize;
        let peak_acc = (liftoff.saturating_sub(1)..=(liftoff + w).min(n - 1)).map(acc).fold(f64::MIN, f64::max);
        let mean_abs = (liftoff..=lockout).map(|i| acc(i).abs()).sum::<f64>() / (lockout + 1 - liftoff) as f64;
        let mut peak_v: f64 = 0.0;
        for i in liftoff.max(1)..lockout.min(n - 2) + 1 {
            peak_v = peak_v.max((by(i + 1) - by(i - 1)) * fps / 200.0);
        }
        let dt = (lockout - liftoff) as f64 / fps;
        // Hip dip: largest drop of the hips while the bar is on the floor, 0.6 s before lift-off.
        let dip0 = liftoff.saturating_sub((0.6 * fps) as usize).max(f0.saturating_sub(1));
        let mut runmax = f64::MIN;
        let mut dip: f64 = 0.0;
        for i in dip0..liftoff {
            if by(i) - rest >= LIFT_CM {
                runmax = f64::MIN;
                continue;
            }
            runmax = runmax.max(poses[i].hip.y);
            dip = dip.max(runmax - poses[i].hip.y);
        }
        // Floor rebound: fast downward motion turned upward within a frame of contact.
        let mut rebound = false;
        for i in f0.max(1)..liftoff.min(n - 1) + 1 {
            if i + 1 < n && by(i) - rest < LIFT_CM {
                let vin = (by(i) - by(i - 1)) * fps;
                let vout = (by(i + 1) - by(i)) * fps;
                if vin < -10.0 && vout > 10.0 {
                    rebound = true;
                }
            }
        }
        out.push(RepMeasured {
            rep: intent.rep,
            start_frame: f0,
            end_frame: f1 - 1,
            setup_frame: setup,
            liftoff_frame: liftoff,
            knee_pass_frame: knee_pass,
            lockout_frame: lockout,
            rest_height_cm: rest,
            top_height_cm: top,
            rom_cm: top - rest,
            time_to_lockout_s: dt,
            mean_velocity_m_s: if dt > 0.0 { (by(lockout) - by(liftoff)) / dt / 100.0 } else { 0.0 },
            peak_velocity_m_s: peak_v,
            bar_start_offset_cm: ps.bar.x - mid,
            bar_drift_max_cm: dmax,
            bar_drift_max_at: dat,
            bar_x_range_cm: [xmin, xmax],
            hip_rise_before_bar_cm: hip_rise,
            hip_rise_before_bar_ms: hip_rise_ms,
            hip_to_shoulder_rise_ratio: ratio,
            setup_hip_height_ratio: hip_height_ratio(ps),
            setup_knee_angle_deg: knee_angle_deg(ps),
            setup_trunk_angle_deg: trunk_angle_deg(ps),
            liftoff_hip_height_ratio: hip_height_ratio(pl),
            neutral_chord_cm: neutral_c,
            min_chord_cm: min_chord,
            trunk_chord_change_pct: 100.0 * (neutral_c - min_chord) / neutral_c,
            lockout_trunk_lean_back_deg: lean_max,
            lockout_trunk_lean_back_deg_at_lockout_frame: lean_back_deg(&poses[lockout]),
            lockout_knee_angle_deg: knee_angle_deg(&poses[lockout]),
            liftoff_accel_ratio: if mean_abs > 0.0 { peak_acc / mean_abs } else { 0.0 },
            peak_liftoff_accel_m_s2: peak_acc,
            mean_abs_concentric_accel_m_s2: mean_abs,
            hold_before_liftoff_ms: hold_frames as f64 * 1000.0 / fps,
            hip_dip_cm: dip,
            floor_rebound: rebound,
        });
    }
    out
}

/// The realised magnitude of fault `id` on a measured rep, in the renderer's unit.
pub fn realised(id: &str, m: &RepMeasured) -> f64 {
    match id {
        "lumbar_rounding" => m.trunk_chord_change_pct / 100.0,
        "lumbar_hyperextension" => m.lockout_trunk_lean_back_deg,
        "bar_drift" => m.bar_drift_max_cm.max(m.bar_start_offset_cm),
        "hips_too_high" | "hips_too_low" => m.setup_hip_height_ratio,
        "hips_rise_early" => m.hip_rise_before_bar_cm,
        "jerked_liftoff" => m.liftoff_accel_ratio,
        _ => f64::NAN,
    }
}

fn r4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Build the truth file content (points in final-frame pixels, shake applied).
pub fn build_truth(spec: &RenderSpec, plan: &Plan, s: &Sampled, cam: &Camera, measured: &[RepMeasured]) -> Truth {
    let px = |i: usize, p: V2| -> [f64; 2] {
        let q = cam.to_px(i, p);
        [r4(q.x), r4(q.y)]
    };
    let frames: Vec<TruthFrame> = s
        .poses
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let b = px(i, p.bar);
            TruthFrame {
                i,
                bar: PointXY { x_px: b[0], y_px: b[1] },
                body: TruthBody {
                    shoulder: px(i, p.shoulder),
                    hip: px(i, p.hip),
                    knee: px(i, p.knee),
                    ankle: px(i, p.ankle),
                    heel: px(i, p.heel),
                    toe: px(i, p.toe),
                    ear: px(i, p.ear),
                    wrist: px(i, p.wrist),
                },
            }
        })
        .collect();
    let midfoot_x_px = frames.iter().map(|f| 0.5 * (f.body.heel[0] + f.body.toe[0])).sum::<f64>() / frames.len() as f64;
    let reps: Vec<TruthRep> = plan
        .reps
        .iter()
        .zip(measured)
        .map(|(intent, m)| TruthRep {
            liftoff_frame: m.liftoff_frame,
            lockout_frame: m.lockout_frame,
            faults: intent
                .faults
                .iter()
                .map(|(id, _, _)| TruthFault { id: id.clone(), magnitude: r4(realised(id, m)) })
                .collect(),
        })
        .collect();
    let world_bar: Vec<[f64; 2]> = s.poses.iter().map(|p| [r4(p.bar.x - plan.midfoot_x), r4(p.bar.y)]).collect();
    let phases: Vec<serde_json::Value> = plan
        .phases
        .iter()
        .map(|p| {
            serde_json::json!({
                "kind": p.kind, "rep": p.rep,
                "t0_s": r4(p.t0), "t1_s": r4(p.t1),
            })
        })
        .collect();
    let intents: Vec<serde_json::Value> = plan
        .reps
        .iter()
        .map(|r| {
            serde_json::json!({
                "rep": r.rep,
                "faults": r.faults.iter().map(|(id, m, v)| serde_json::json!({"id": id, "target": m, "variant": v})).collect::<Vec<_>>(),
                "mean_velocity_m_s": r.mean_velocity_m_s,
            })
        })
        .collect();
    let d = &plan.dims;
    let render = serde_json::json!({
        "renderer": "formcheck-render/1",
        "units": "measured values are world cm / s / degrees on the renderer's own joint points, before camera shake; y up, x forward",
        "spec": spec,
        "lifter": {
            "stature_cm": d.stature,
            "shank_cm": r4(d.shank), "thigh_cm": r4(d.thigh), "trunk_chord_cm": r4(d.trunk),
            "upper_arm_cm": r4(d.upper_arm), "forearm_cm": r4(d.forearm),
            "wrist_to_bar_cm": r4(d.grip), "ankle_height_cm": r4(d.ankle_h),
        },
        "midfoot_x_cm_from_ankle": r4(plan.midfoot_x),
        "bar_rest_height_cm": plan.plate_r,
        "thresholds": { "still_cm_per_frame": STILL_CM, "liftoff_cm": LIFT_CM, "lockout_cm": LIFT_CM },
        "reps": measured,
        "intended": intents,
        "phases": phases,
        "world_bar_cm": world_bar,
        "camera": {
            "floor_y_px": r4(cam.floor_py),
            "ankle_x_px": r4(cam.ox),
            "shake": cam.shakes.iter().map(|s| [r4(s.dx), r4(s.dy), r4(s.rot.to_degrees())]).collect::<Vec<_>>(),
        },
    });
    Truth {
        schema: TRUTH_SCHEMA.to_string(),
        width: spec.width,
        height: spec.height,
        fps: spec.fps,
        frame_count: frames.len(),
        cm_per_px: spec.cm_per_px,
        plate_diameter_cm: spec.plate_diameter_cm,
        facing: spec.facing,
        midfoot_x_px: r4(midfoot_x_px),
        frames,
        reps,
        render: Some(render),
    }
}
