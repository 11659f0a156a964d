//! Shared helpers for the history tests: plausible `Analysis` values with chosen per-rep
//! metrics and faults, and a few file utilities.
#![allow(dead_code)]

use formcheck::schema::*;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::path::Path;

/// What one rep measured; `None` = not measured.
#[derive(Debug, Clone, Default)]
pub struct RepSpec {
    pub drift_cm: Option<f64>,
    pub hip_rise_cm: Option<f64>,
    pub hip_rise_ms: Option<f64>,
    pub hip_height: Option<f64>,
    pub chord_pct: Option<f64>,
    pub lean_deg: Option<f64>,
    pub accel_ratio: Option<f64>,
    pub velocity: f64,
    pub loss_pct: f64,
    pub faults: Vec<(&'static str, Severity)>,
}

impl RepSpec {
    pub fn clean() -> RepSpec {
        RepSpec {
            drift_cm: Some(1.0),
            hip_rise_cm: Some(1.0),
            hip_rise_ms: Some(40.0),
            hip_height: Some(0.45),
            chord_pct: Some(2.0),
            lean_deg: Some(2.0),
            accel_ratio: Some(1.8),
            velocity: 0.5,
            loss_pct: 0.0,
            faults: Vec::new(),
        }
    }
}

pub fn sha_of(seed: &str) -> String {
    Sha256::digest(seed.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A plausible result of a 30 fps video whose reps measured `reps`. `video` names the clip
/// (its SHA-256 is derived from the name). Built through JSON so fields other engineers add
/// to the schema (with defaults) do not break the tests.
pub fn analysis(video: &str, reps: &[RepSpec]) -> Analysis {
    let fps = 30.0;
    let mut out_reps = Vec::new();
    let mut t: f64 = 2.0;
    for (k, r) in reps.iter().enumerate() {
        let liftoff = t + 0.5;
        let lockout = liftoff + 1.2;
        let faults: Vec<serde_json::Value> = r
            .faults
            .iter()
            .map(|(id, severity)| {
                json!({
                    "fault": formcheck::faults::rules::fault_number(id), "id": id,
                    "severity": match severity { Severity::Likely => "likely", Severity::Watch => "watch" },
                    "confidence": 0.8, "at_s": liftoff + 0.3, "value": 7.0, "threshold": 5.0,
                    "evidence": format!("{id} in rep {}", k + 1), "cue": "cue"
                })
            })
            .collect();
        out_reps.push(json!({
            "index": k + 1,
            "start_s": t, "liftoff_s": liftoff, "knee_pass_s": liftoff + 0.5, "lockout_s": lockout,
            "end_s": lockout + 1.0,
            "rom_cm": 60.0, "mean_velocity_m_s": r.velocity, "peak_velocity_m_s": r.velocity * 1.5,
            "time_to_lockout_s": 1.2, "velocity_loss_pct": r.loss_pct,
            "bar_start_offset_cm": r.drift_cm.map(|d| d * 0.3),
            "bar_drift_max_cm": r.drift_cm,
            "bar_drift_max_at": r.drift_cm.map(|_| "below_knee"),
            "hip_rise_before_bar_ms": r.hip_rise_ms,
            "hip_rise_before_bar_cm": r.hip_rise_cm,
            "hip_to_shoulder_rise_ratio": r.hip_rise_cm.map(|_| 1.1),
            "setup": {
                "hip_height_ratio": r.hip_height,
                "knee_angle_deg": r.hip_height.map(|_| 110.0),
                "trunk_angle_deg": r.hip_height.map(|_| 35.0)
            },
            "trunk_chord_change_pct": r.chord_pct,
            "lockout_trunk_lean_back_deg": r.lean_deg,
            "liftoff_accel_ratio": r.accel_ratio,
            "hold_before_liftoff_ms": 400.0,
            "faults": faults,
            "liftoff_frame": (liftoff * fps) as usize,
            "lockout_frame": (lockout * fps) as usize,
            "knee_pass_frame": ((liftoff + 0.5) * fps) as usize,
            "setup_frame": (liftoff * fps) as usize - 2,
            "bar_drift_from_start_cm": r.drift_cm,
            "floor_rebound": false
        }));
        t = lockout + 1.0;
    }
    let frame_count = (t * fps) as usize + 30;
    let frames: Vec<serde_json::Value> = (0..frame_count)
        .map(|i| json!({"i": i, "t_s": i as f64 / fps, "bar": {"x_px": 640.0, "y_px": 600.0, "conf": 0.9}, "body": null}))
        .collect();
    let faults_by_rep: Vec<Vec<&str>> = reps.iter().map(|r| r.faults.iter().map(|f| f.0).collect()).collect();
    let value = json!({
        "schema": ANALYSIS_SCHEMA,
        "tool_version": formcheck::VERSION,
        "video": {
            "path": format!("/videos/{video}.mp4"), "sha256": sha_of(video), "width": 1280, "height": 720,
            "fps": fps, "frame_count": frame_count, "duration_s": frame_count as f64 / fps
        },
        "calibration": {"cm_per_px": 0.3, "source": "plate", "plate_diameter_cm": 45.0,
                        "plate_diameter_px": 150.0, "plate_aspect": 0.98},
        "facing": "right",
        "view": {"kind": "side", "usable": true, "reason": null},
        "midfoot_x_px": 640.0, "midfoot_source": "feet",
        "frames": frames,
        "reps": out_reps,
        "summary": {"rep_count": reps.len(), "faults_by_rep": faults_by_rep, "notes": []}
    });
    serde_json::from_value(value).expect("the test result matches the schema")
}

/// Three reps, the same spec each, with the velocity loss growing to `loss` by the last.
pub fn set_of(n: usize, rep: &RepSpec, last_loss: f64) -> Vec<RepSpec> {
    (0..n)
        .map(|k| {
            let mut r = rep.clone();
            r.loss_pct = last_loss * k as f64 / (n - 1).max(1) as f64;
            r
        })
        .collect()
}

pub fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

/// Every file next to `p` whose name starts with `p`'s name (the -wal and -shm files).
pub fn sidecars(p: &Path) -> Vec<String> {
    let name = p.file_name().unwrap().to_string_lossy().to_string();
    let mut v: Vec<String> = std::fs::read_dir(p.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&name) && n != &name)
        .collect();
    v.sort();
    v
}
