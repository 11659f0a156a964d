//! Is this a side view? The faults are judged from side-view geometry; a front or oblique
//! view hides forward drift and trunk angles, so formcheck must say so instead of guessing.
//!
//! Two independent witnesses: the body (seen from the side, left and right shoulders and
//! hips overlap; from the front they are a trunk-width apart) and the plate (seen square from
//! the side it is a circle; turned away, an ellipse).

use super::landmarks::PoseFrame;
use crate::schema::{View, ViewKind};
use crate::signal;

/// Shoulder/hip spread (left–right distance over trunk length) below which the body is
/// seen from the side, and above which it is seen from the front.
pub const SIDE_MAX_SPREAD: f64 = 0.35;
pub const FRONT_MIN_SPREAD: f64 = 0.65;
/// Plate roundness (minor/major axis) at or above which the camera is square to the bar.
pub const SIDE_MIN_ROUNDNESS: f64 = 0.8;
/// Below this the plate is seen nearly edge-on: a front view.
pub const FRONT_MAX_ROUNDNESS: f64 = 0.45;

/// What the view check measured.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ViewEvidence {
    /// Median over frames of the larger of the shoulder and hip spreads.
    pub body_spread: Option<f64>,
    pub plate_roundness: Option<f64>,
}

/// Median left–right spread of shoulders and hips relative to trunk length.
pub fn body_spread(frames: &[Option<PoseFrame>]) -> Option<f64> {
    let mut spreads: Vec<f64> = frames
        .iter()
        .flatten()
        .filter_map(|f| {
            let p = &f.points;
            let (s, h) = f.trunk();
            let trunk = (s.0 - h.0).hypot(s.1 - h.1);
            if trunk < 1.0 {
                return None;
            }
            let shoulders = (p[11].x - p[12].x).abs() / trunk;
            let hips = (p[23].x - p[24].x).abs() / trunk;
            Some(shoulders.max(hips))
        })
        .collect();
    signal::median(&mut spreads)
}

pub fn classify(evidence: ViewEvidence) -> View {
    let (spread, round) = (evidence.body_spread, evidence.plate_roundness);
    let fmt = |v: Option<f64>| v.map_or("unknown".to_string(), |v| format!("{v:.2}"));
    let facts = format!("shoulder/hip spread {} of trunk length, plate roundness {}", fmt(spread), fmt(round));
    let front = spread.is_some_and(|s| s >= FRONT_MIN_SPREAD) || round.is_some_and(|r| r < FRONT_MAX_ROUNDNESS);
    let side_body = spread.is_some_and(|s| s < SIDE_MAX_SPREAD);
    let side_plate = round.is_none_or(|r| r >= SIDE_MIN_ROUNDNESS);
    let (kind, usable, reason) = if spread.is_none() {
        (
            ViewKind::Unknown,
            false,
            format!("the lifter's body was not found, so the camera angle cannot be checked ({facts})"),
        )
    } else if front {
        (ViewKind::Front, false, format!("filmed from the front or back: bar drift and trunk angles cannot be judged ({facts}). Film from the side, level with the bar."))
    } else if side_body && side_plate {
        (ViewKind::Side, true, format!("side view ({facts})"))
    } else {
        (ViewKind::Oblique, false, format!("filmed at an angle: horizontal distances and trunk angles would be distorted ({facts}). Film square to the side, the plate should look round."))
    };
    View { kind, usable, reason: Some(reason) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_cases() {
        let side = classify(ViewEvidence { body_spread: Some(0.1), plate_roundness: Some(0.97) });
        assert_eq!((side.kind, side.usable), (ViewKind::Side, true));
        let front = classify(ViewEvidence { body_spread: Some(0.9), plate_roundness: None });
        assert_eq!((front.kind, front.usable), (ViewKind::Front, false));
        let oblique = classify(ViewEvidence { body_spread: Some(0.2), plate_roundness: Some(0.6) });
        assert_eq!((oblique.kind, oblique.usable), (ViewKind::Oblique, false));
        let unknown = classify(ViewEvidence { body_spread: None, plate_roundness: Some(1.0) });
        assert!(!unknown.usable);
    }
}
