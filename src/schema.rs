//! The files other programs read: the analysis result (`formcheck.analysis/1`) and the
//! rendered-video truth (`formcheck.truth/1`). Field names and units follow
//! `docs/result-schema.md`; add fields freely, never rename.
//!
//! These are plain data types on purpose: the renderer and the analysis pipeline both use
//! them, and nothing else, so a bug cannot hide in shared analysis code.

use crate::track::camera::Similarity;
use serde::{Deserialize, Serialize};

pub const ANALYSIS_SCHEMA: &str = "formcheck.analysis/1";
pub const TRUTH_SCHEMA: &str = "formcheck.truth/1";

/// The body points formcheck follows, in the order they are listed in the result.
pub const BODY_POINTS: [&str; 8] = ["shoulder", "hip", "knee", "ankle", "heel", "toe", "ear", "wrist"];

/// A fault id as written in results and truth files.
pub const FAULT_IDS: [&str; 7] = [
    "lumbar_rounding",
    "lumbar_hyperextension",
    "bar_drift",
    "hips_too_high",
    "hips_too_low",
    "hips_rise_early",
    "jerked_liftoff",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Facing {
    Left,
    Right,
}

impl Facing {
    /// +1 when the lifter faces image-right (x grows forward), -1 otherwise.
    pub fn sign(self) -> f64 {
        match self {
            Facing::Right => 1.0,
            Facing::Left => -1.0,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Truth files written by the renderer.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Truth {
    pub schema: String,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub frame_count: usize,
    pub cm_per_px: f64,
    pub plate_diameter_cm: f64,
    pub facing: Facing,
    pub midfoot_x_px: f64,
    pub frames: Vec<TruthFrame>,
    pub reps: Vec<TruthRep>,
    /// The renderer's settings, so a truth file says how it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub render: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct PointXY {
    pub x_px: f64,
    pub y_px: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TruthFrame {
    pub i: usize,
    pub bar: PointXY,
    pub body: TruthBody,
}

/// Near-side body points in image pixels, `[x, y]`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct TruthBody {
    pub shoulder: [f64; 2],
    pub hip: [f64; 2],
    pub knee: [f64; 2],
    pub ankle: [f64; 2],
    pub heel: [f64; 2],
    pub toe: [f64; 2],
    pub ear: [f64; 2],
    pub wrist: [f64; 2],
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TruthRep {
    pub liftoff_frame: usize,
    pub lockout_frame: usize,
    pub faults: Vec<TruthFault>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TruthFault {
    pub id: String,
    /// In the fault's own unit (faults.md): cm for drift and hip rise, degrees for lean,
    /// a fraction for chord loss, etc. The renderer documents each.
    pub magnitude: f64,
}

// ---------------------------------------------------------------------------------------
// Analysis results written by `formcheck analyze`.
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Analysis {
    pub schema: String,
    pub tool_version: String,
    /// The landmark network the body points came from (`null` when only the bar was
    /// followed). Numbers from different models differ by a few degrees and centimetres, which
    /// matters when two sessions are compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_model: Option<crate::track::body::engine::LandmarkModel>,
    pub video: VideoInfo,
    pub calibration: Calibration,
    pub facing: Option<Facing>,
    /// Which side of the lifter faces the camera (the side `frames[].body` mostly follows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_side: Option<String>,
    pub view: View,
    pub midfoot_x_px: Option<f64>,
    pub midfoot_source: Option<MidfootSource>,
    pub frames: Vec<Frame>,
    pub reps: Vec<Rep>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VideoInfo {
    pub path: String,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub frame_count: usize,
    pub duration_s: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CalibrationSource {
    Plate,
    User,
    Assumed,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Calibration {
    pub cm_per_px: f64,
    pub source: CalibrationSource,
    pub plate_diameter_cm: f64,
    /// Median plate diameter in pixels the scale came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plate_diameter_px: Option<f64>,
    /// Plate minor/major axis ratio: 1 when the camera is square to the bar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plate_aspect: Option<f64>,
    /// Whether the scale passed the body check: false when, on the plate's scale, the lifter
    /// would be an impossible height (the plate misread, or not the size assumed), and every
    /// centimetre is off by half or more; absent when no body was tracked to check it against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted: Option<bool>,
}

impl Calibration {
    /// Whether centimetres (and speeds) from this scale may be used: yes unless the body check
    /// failed. Unchecked (no body) counts as usable, since the plate was still measured.
    pub fn cm_trusted(&self) -> bool {
        self.trusted != Some(false)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ViewKind {
    Side,
    Oblique,
    Front,
    Unknown,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct View {
    pub kind: ViewKind,
    pub usable: bool,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MidfootSource {
    Feet,
    BarAtSetup,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Frame {
    pub i: usize,
    pub t_s: f64,
    pub bar: Option<BarPoint>,
    pub body: Option<Body>,
    /// Where the camera had moved to: the similarity `[a, b, tx, ty]` taking this frame's
    /// pixels to the first frame's (x' = a·x − b·y + tx, y' = b·x + a·y + ty), where every
    /// measurement is made. The points above stay as recorded, so they sit on the video;
    /// pictures of the measurements (the bar path, heights over time) put them through this
    /// first. Absent when the camera stood still.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_first_frame: Option<[f64; 4]>,
}

impl Frame {
    /// The camera's motion to the first frame (identity for a still camera).
    fn to_first(&self) -> Similarity {
        self.to_first_frame.map_or(Similarity::IDENTITY, |[a, b, tx, ty]| Similarity { a, b, tx, ty })
    }

    /// A point of this frame in the first frame's coordinates (`to_first_frame`).
    pub fn steady(&self, x: f64, y: f64) -> (f64, f64) {
        self.to_first().apply(x, y)
    }

    /// A point of the first frame's coordinates where this frame shows it (the inverse of
    /// `steady`): where to draw a line measured in the first frame, such as mid-foot.
    pub fn unsteady(&self, x: f64, y: f64) -> (f64, f64) {
        self.to_first().inverse().apply(x, y)
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct BarPoint {
    pub x_px: f64,
    pub y_px: f64,
    pub conf: f64,
}

/// Near-side body points, `[x_px, y_px, conf]`; `conf` 0 marks a point judged hidden.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Body {
    pub shoulder: [f64; 3],
    pub hip: [f64; 3],
    pub knee: [f64; 3],
    pub ankle: [f64; 3],
    pub heel: [f64; 3],
    pub toe: [f64; 3],
    pub ear: [f64; 3],
    pub wrist: [f64; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftAt {
    BelowKnee,
    AboveKnee,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Setup {
    pub hip_height_ratio: Option<f64>,
    pub knee_angle_deg: Option<f64>,
    pub trunk_angle_deg: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rep {
    pub index: usize,
    pub start_s: f64,
    pub liftoff_s: f64,
    pub knee_pass_s: Option<f64>,
    pub lockout_s: f64,
    pub end_s: f64,
    pub rom_cm: f64,
    pub mean_velocity_m_s: f64,
    pub peak_velocity_m_s: f64,
    pub time_to_lockout_s: f64,
    pub velocity_loss_pct: f64,
    pub bar_start_offset_cm: Option<f64>,
    pub bar_drift_max_cm: Option<f64>,
    pub bar_drift_max_at: Option<DriftAt>,
    pub hip_rise_before_bar_ms: Option<f64>,
    pub hip_rise_before_bar_cm: Option<f64>,
    pub hip_to_shoulder_rise_ratio: Option<f64>,
    pub setup: Setup,
    pub trunk_chord_change_pct: Option<f64>,
    /// Largest bulge of the back out of its setup line during the pull, % of the trunk chord,
    /// from the person mask's outline (null when the outline was not read).
    #[serde(default)]
    pub back_bulge_pct: Option<f64>,
    pub lockout_trunk_lean_back_deg: Option<f64>,
    pub liftoff_accel_ratio: Option<f64>,
    pub hold_before_liftoff_ms: Option<f64>,
    pub faults: Vec<Fault>,
    /// Frame indices behind the times above, for tools that index frames.
    pub liftoff_frame: usize,
    pub lockout_frame: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knee_pass_frame: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setup_frame: Option<usize>,
    /// Bar path relative to the bar's start when mid-foot is unknown (cm, + = forward).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bar_drift_from_start_cm: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_rebound: Option<bool>,
    /// How far the hands rose from the setup to lockout for each centimetre the followed bar
    /// rose (about 1 when they hold it); absent when it could not be compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hands_rise_ratio: Option<f64>,
    /// Why no fault was judged on this rep when the rest of the video allowed it (absent when
    /// the rep was judged): e.g. the hands did not move with what was followed as the bar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_judged: Option<String>,
}

/// Where a rep's setup is read when no setup frame was found (or, in results written before
/// `setup_frame` was recorded, none was stored): the frame before lift-off. The one rule for
/// the measurements, the fault rules and the report.
pub fn setup_or_before_liftoff(setup_frame: Option<usize>, liftoff: usize) -> usize {
    setup_frame.unwrap_or(liftoff.saturating_sub(1))
}

impl Rep {
    /// Whether faults were judged on this rep by itself (`not_judged` absent). The one test
    /// behind the report's "not judged", the batch status and what the history keeps.
    pub fn judged(&self) -> bool {
        self.not_judged.is_none()
    }

    /// The frame the setup quantities were read at ([`setup_or_before_liftoff`]).
    pub fn setup_frame_or_before_liftoff(&self) -> usize {
        setup_or_before_liftoff(self.setup_frame, self.liftoff_frame)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Likely,
    Watch,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    pub fault: u8,
    pub id: String,
    pub severity: Severity,
    pub confidence: f64,
    pub at_s: f64,
    pub value: f64,
    pub threshold: f64,
    /// True when a smaller `value` is the worse one (a low setup's hip height or knee angle,
    /// a jerk read as too short a hold): how far a reading is past its line depends on it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lower_is_worse: bool,
    pub evidence: String,
    pub cue: String,
}

impl Fault {
    /// How far the reading is past its line, in units of the line (0 at it), whichever way
    /// is worse.
    pub fn past_line(&self) -> f64 {
        let beyond = if self.lower_is_worse { self.threshold - self.value } else { self.value - self.threshold };
        beyond / self.threshold.abs().max(1e-9)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub rep_count: usize,
    pub faults_by_rep: Vec<Vec<String>>,
    pub notes: Vec<String>,
    /// The faults found, most important to fix first.
    #[serde(default)]
    pub fix_first: Vec<FixItem>,
    /// Velocity loss of the set's last rep from its fastest, %.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub velocity_loss_last_pct: Option<f64>,
}

/// One fault across the set, ranked by what to fix first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FixItem {
    pub id: String,
    pub fault: u8,
    /// Reps (1-based) labelled `likely`, then those labelled `watch`.
    pub likely_reps: Vec<usize>,
    pub watch_reps: Vec<usize>,
    pub confidence: f64,
    /// The fault shows only in the later reps of the set: fatigue, not a habit.
    pub fatigue: bool,
    pub headline: String,
    pub cue: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Results written before the body check was recorded have no `trusted`; their scale
    /// stays usable, as it was when they were made. Only a failed check withholds centimetres.
    #[test]
    fn only_a_failed_body_check_withholds_centimetres() {
        let old: Calibration =
            serde_json::from_str(r#"{"cm_per_px": 0.3, "source": "plate", "plate_diameter_cm": 45.0}"#).unwrap();
        assert_eq!(old.trusted, None);
        assert!(old.cm_trusted());
        assert!(Calibration { trusted: Some(true), ..old.clone() }.cm_trusted());
        assert!(!Calibration { trusted: Some(false), ..old }.cm_trusted());
    }

    /// A rep as a result written before `setup_frame` was recorded (and one after).
    fn rep_json(setup_frame: Option<usize>) -> Rep {
        let mut v = serde_json::json!({
            "index": 1, "start_s": 0.0, "liftoff_s": 2.0, "lockout_s": 3.0, "end_s": 4.0,
            "rom_cm": 60.0, "mean_velocity_m_s": 0.5, "peak_velocity_m_s": 0.8,
            "time_to_lockout_s": 1.0, "velocity_loss_pct": 0.0, "setup": {}, "faults": [],
            "liftoff_frame": 60, "lockout_frame": 90
        });
        if let Some(f) = setup_frame {
            v["setup_frame"] = f.into();
        }
        serde_json::from_value(v).expect("a rep")
    }

    #[test]
    fn an_old_result_without_a_setup_frame_reads_its_setup_before_lift_off() {
        assert_eq!(rep_json(None).setup_frame_or_before_liftoff(), 59);
        assert_eq!(rep_json(Some(52)).setup_frame_or_before_liftoff(), 52);
    }
}
