//! Per-frame series every picture draws from, derived once from a result: heights above the
//! floor in cm, horizontal position from the reference line in cm, and the bar's vertical
//! velocity. Smoothing matches the rep splitter (`reps::split_reps`), so the velocity a
//! picture shows is the one the numbers were measured from.

use crate::schema::*;
use crate::signal;

/// A body point is drawn only when the tracker gave it some confidence (0 = judged hidden).
pub const MIN_POINT_CONF: f64 = 0.05;

/// The derived tracks of one result.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub fps: f64,
    pub t_s: Vec<f64>,
    /// Height of the bar (sleeve centre) above the floor, cm.
    pub bar_height_cm: Vec<Option<f64>>,
    /// Bar distance from the reference line, cm, + = forward (or image right).
    pub bar_x_cm: Vec<Option<f64>>,
    /// Smoothed vertical bar velocity, m/s, + = up.
    pub bar_velocity_m_s: Vec<Option<f64>>,
    pub hip_height_cm: Vec<Option<f64>>,
    pub shoulder_height_cm: Vec<Option<f64>>,
    pub knee_height_cm: Vec<Option<f64>>,
    /// The floor in image pixels (y of the plate's lowest point at the first setup).
    pub floor_y_px: f64,
    /// The reference line in image pixels (mid-foot, else the bar at the first setup).
    pub reference_x_px: Option<f64>,
    pub reference: Reference,
    /// +1 when + x in cm is image right.
    pub sign: f64,
    /// True when any frame has body points.
    pub has_body: bool,
}

/// What x = 0 means in the pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    Midfoot,
    BarAtSetup,
    /// Neither mid-foot nor a bar position is known.
    None,
}

impl Reference {
    pub fn label(self) -> &'static str {
        match self {
            Reference::Midfoot => "mid-foot",
            Reference::BarAtSetup => "bar at first setup",
            Reference::None => "image left edge",
        }
    }
}

impl Series {
    pub fn new(a: &Analysis) -> Series {
        let fps = if a.video.fps > 0.0 { a.video.fps } else { 30.0 };
        let cm = a.calibration.cm_per_px;
        let n = a.frames.len();
        // Measurements are made in the first frame's coordinates; a moving camera must not
        // draw its own motion into the bar path or the heights.
        let bar: Vec<Option<(f64, f64)>> = a.frames.iter().map(|f| f.bar.map(|b| f.steady(b.x_px, b.y_px))).collect();
        let bar_y: Vec<Option<f64>> = bar.iter().map(|b| b.map(|b| b.1)).collect();
        let setup_bar = first_setup_bar(a);
        let radius_px = 0.5 * a.calibration.plate_diameter_cm / cm.max(1e-9);
        let floor_y_px = match setup_bar {
            Some(b) => b.1 + radius_px,
            None => {
                let ys: Vec<f64> = bar_y.iter().flatten().copied().collect();
                signal::quantile(&ys, 0.98).map_or(a.video.height as f64, |y| y + radius_px)
            }
        };
        let (reference_x_px, reference) = match (a.midfoot_x_px, setup_bar) {
            (Some(m), _) => (Some(m), Reference::Midfoot),
            (None, Some(b)) => (Some(b.0), Reference::BarAtSetup),
            (None, None) => (None, Reference::None),
        };
        let sign = a.facing.map_or(1.0, Facing::sign);
        let height = |y: f64| (floor_y_px - y) * cm;
        let bar_height_cm: Vec<Option<f64>> = bar_y.iter().map(|y| y.map(height)).collect();
        let x0 = reference_x_px.unwrap_or(0.0);
        let bar_x_cm = bar.iter().map(|b| b.map(|b| (b.0 - x0) * cm * sign)).collect();
        let point_height = |pick: fn(&Body) -> [f64; 3]| -> Vec<Option<f64>> {
            a.frames
                .iter()
                .map(|f| {
                    let p = pick(f.body.as_ref()?);
                    (p[2] >= MIN_POINT_CONF).then(|| height(f.steady(p[0], p[1]).1))
                })
                .collect()
        };
        let hip_height_cm = point_height(|b| b.hip);
        let shoulder_height_cm = point_height(|b| b.shoulder);
        let knee_height_cm = point_height(|b| b.knee);
        let has_body = a.frames.iter().any(|f| f.body.is_some());
        Series {
            fps,
            t_s: (0..n).map(|i| i as f64 / fps).collect(),
            bar_velocity_m_s: vertical_velocity(&bar_height_cm, fps),
            bar_height_cm,
            bar_x_cm,
            hip_height_cm,
            shoulder_height_cm,
            knee_height_cm,
            floor_y_px,
            reference_x_px,
            reference,
            sign,
            has_body,
        }
    }

    pub fn len(&self) -> usize {
        self.t_s.len()
    }

    pub fn is_empty(&self) -> bool {
        self.t_s.is_empty()
    }

    /// The knee's height at the set's setups (median over the reps' setup frames), for the
    /// "knee" line of the bar-path plot.
    pub fn knee_height_at_setup(&self, a: &Analysis) -> Option<f64> {
        let mut v: Vec<f64> = a
            .reps
            .iter()
            .filter_map(|r| {
                let i = r.setup_frame_or_before_liftoff();
                self.knee_height_cm.get(i).copied().flatten()
            })
            .collect();
        signal::median(&mut v)
    }
}

/// Smoothed vertical velocity in m/s from heights in cm, as the rep splitter computes it.
pub fn vertical_velocity(height_cm: &[Option<f64>], fps: f64) -> Vec<Option<f64>> {
    let (_, fit) = crate::reps::bar_height_signal(height_cm, fps);
    fit.into_iter().map(|l| l.map(|l| l.rate / 100.0)).collect()
}

/// The bar at the last frame with a bar at or before the first rep's lift-off.
/// The bar at the first rep's setup, in the first frame's coordinates.
fn first_setup_bar(a: &Analysis) -> Option<(f64, f64)> {
    let first = a.reps.first()?;
    let last = first.liftoff_frame.min(a.frames.len().checked_sub(1)?);
    (0..=last).rev().find_map(|i| a.frames[i].bar.map(|b| a.frames[i].steady(b.x_px, b.y_px)))
}

/// Frame index of a time in seconds, clamped to the video.
pub fn frame_at(a: &Analysis, t_s: f64) -> usize {
    let fps = if a.video.fps > 0.0 { a.video.fps } else { 30.0 };
    ((t_s * fps).round().max(0.0) as usize).min(a.frames.len().saturating_sub(1))
}

/// First and last frame of a rep (`start_s`..=`end_s`), clamped to the video.
pub fn rep_frames(a: &Analysis, r: &Rep) -> (usize, usize) {
    let start = frame_at(a, r.start_s).min(r.liftoff_frame);
    let end = frame_at(a, r.end_s).max(r.lockout_frame);
    (start, end.min(a.frames.len().saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean_3rep() -> Analysis {
        let truth = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_videos/clean_3rep.truth.json");
        let truth: Truth = serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
        crate::report::fixture::analysis_from_truth(&truth, "clean_3rep.mp4")
    }

    /// The same set filmed by a camera that pans and turns a little: every recorded point
    /// moves with the camera, and `to_first_frame` says how.
    fn filmed_panning(a: &Analysis) -> Analysis {
        let mut moved = a.clone();
        for f in &mut moved.frames {
            let t = f.i as f64 / 30.0;
            // Frame-to-first map: rotate by a small angle, shift by a growing pan.
            let (s, c) = (0.02 * t.sin()).sin_cos();
            let to_first = [c, s, -12.0 * t, 4.0 * t.cos()];
            f.to_first_frame = Some(to_first);
            let camera = Frame { bar: None, body: None, ..f.clone() };
            let record = |p: (f64, f64)| camera.unsteady(p.0, p.1);
            if let Some(b) = &mut f.bar {
                (b.x_px, b.y_px) = record((b.x_px, b.y_px));
            }
            if let Some(body) = &mut f.body {
                for p in [&mut body.shoulder, &mut body.hip, &mut body.knee] {
                    (p[0], p[1]) = record((p[0], p[1]));
                }
            }
        }
        moved
    }

    /// The pictures draw what was measured: a moving camera leaves the bar path and the
    /// heights as the still camera's (bichraix_badform_far's plot read 15.5 cm of drift
    /// where the measurement was 7.3, the camera's own pan).
    #[test]
    fn a_moving_camera_does_not_draw_its_motion_into_the_bar_path_or_the_heights() {
        let still = clean_3rep();
        let panning = filmed_panning(&still);
        assert!(panning
            .frames
            .iter()
            .zip(&still.frames)
            .any(|(p, s)| (p.bar.unwrap().x_px - s.bar.unwrap().x_px).abs() > 30.0));
        let (a, b) = (Series::new(&still), Series::new(&panning));
        let close = |u: &[Option<f64>], v: &[Option<f64>]| {
            u.iter().zip(v).all(|(x, y)| match (x, y) {
                (Some(x), Some(y)) => (x - y).abs() < 1e-6,
                (None, None) => true,
                _ => false,
            })
        };
        assert!(close(&a.bar_x_cm, &b.bar_x_cm));
        assert!(close(&a.bar_height_cm, &b.bar_height_cm));
        assert!(close(&a.hip_height_cm, &b.hip_height_cm));
        assert!(close(&a.bar_velocity_m_s, &b.bar_velocity_m_s));
        assert!((a.floor_y_px - b.floor_y_px).abs() < 1e-6);
    }

    #[test]
    fn steady_and_unsteady_undo_each_other() {
        let f = Frame { i: 0, t_s: 0.0, bar: None, body: None, to_first_frame: Some([0.99, 0.05, -7.0, 3.0]) };
        let (x, y) = f.steady(412.0, 305.0);
        let (u, v) = f.unsteady(x, y);
        assert!((u - 412.0).abs() < 1e-9 && (v - 305.0).abs() < 1e-9);
        let still = Frame { to_first_frame: None, ..f };
        assert_eq!(still.steady(412.0, 305.0), (412.0, 305.0));
    }
}
