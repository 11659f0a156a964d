//! Turning the landmark network's output into frame points.

use super::crop::Roi;
use super::engine::{LandmarkOutput, HEATMAP_SIZE, LANDMARK_ROWS, LANDMARK_SIZE};
use super::outline::BackProfile;
use super::post::{LEFT, RIGHT};

/// The 33 BlazePose points plus the two that place the next crop.
pub const POSE_POINTS: usize = 33;
pub const NEXT_CENTRE: usize = 33;
pub const NEXT_SCALE: usize = 34;

/// Heatmap refinement window (MediaPipe: kernel 7, refine only when confident).
const HEATMAP_KERNEL: usize = 7;
const HEATMAP_MIN_CONFIDENCE: f32 = 0.5;

/// One landmark in frame pixels (continuous coordinates) with its visibility (probability
/// that it is seen, not hidden behind something) and presence (that it is in the frame).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Landmark {
    pub x: f64,
    pub y: f64,
    pub visibility: f64,
    pub presence: f64,
}

/// All landmarks of one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct PoseFrame {
    pub points: [Landmark; POSE_POINTS],
    pub next_centre: (f64, f64),
    pub next_scale: (f64, f64),
    /// Probability that a person is in the crop at all.
    pub presence: f64,
    /// The back's outline, on the frames where the person mask was read.
    pub outline: Option<BackProfile>,
}

impl PoseFrame {
    /// The crop to use on the next frame.
    pub fn next_roi(&self) -> Roi {
        Roi::from_alignment(self.next_centre, self.next_scale)
    }

    /// Mid-shoulder and mid-hip in frame pixels ([`trunk_line`]).
    pub fn trunk(&self) -> ((f64, f64), (f64, f64)) {
        trunk_line(|i| (self.points[i].x, self.points[i].y))
    }
}

fn sigmoid(x: f32) -> f64 {
    1.0 / (1.0 + (-(x as f64)).exp())
}

/// Landmarks in crop pixels (see `crop_points`).
pub type CropPoints = [(f64, f64); LANDMARK_ROWS];

/// Maps the network output for crop `roi` back into the frame; `crop_xy` is
/// `crop_points(raw)`, computed once by the caller, who may read the mask with it too.
pub fn decode(raw: &LandmarkOutput, crop_xy: &CropPoints, roi: &Roi) -> PoseFrame {
    let mut points = [Landmark::default(); POSE_POINTS];
    for (i, p) in points.iter_mut().enumerate() {
        let r = &raw.landmarks[5 * i..5 * i + 5];
        let (x, y) = roi.to_frame(crop_xy[i].0, crop_xy[i].1);
        *p = Landmark { x, y, visibility: sigmoid(r[3]), presence: sigmoid(r[4]) };
    }
    let at = |i: usize| roi.to_frame(crop_xy[i].0, crop_xy[i].1);
    PoseFrame {
        points,
        next_centre: at(NEXT_CENTRE),
        next_scale: at(NEXT_SCALE),
        presence: raw.presence as f64,
        outline: None,
    }
}

/// The trunk line: mid-shoulder and mid-hip (both sides averaged), from any point lookup.
pub fn trunk_line(at: impl Fn(usize) -> (f64, f64)) -> ((f64, f64), (f64, f64)) {
    let mid = |a: usize, b: usize| {
        let (p, q) = (at(a), at(b));
        ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0)
    };
    (mid(LEFT.shoulder, RIGHT.shoulder), mid(LEFT.hip, RIGHT.hip))
}

/// Every landmark in crop pixels, after heatmap refinement.
pub fn crop_points(raw: &LandmarkOutput) -> CropPoints {
    let mut crop_xy = [(0.0f64, 0.0f64); LANDMARK_ROWS];
    for (i, xy) in crop_xy.iter_mut().enumerate() {
        let r = &raw.landmarks[5 * i..5 * i + 5];
        *xy = refine_from_heatmap(&raw.heatmap, i, r[0] as f64, r[1] as f64);
    }
    crop_xy
}

/// MediaPipe's heatmap refinement: the confidence-weighted mean cell of a 7x7 window of the
/// landmark's heatmap around the regressed point, when the heatmap is confident there.
fn refine_from_heatmap(heatmap: &[f32], landmark: usize, x: f64, y: f64) -> (f64, f64) {
    let n = HEATMAP_SIZE as i64;
    let cc = (x / LANDMARK_SIZE as f64 * n as f64) as i64;
    let cr = (y / LANDMARK_SIZE as f64 * n as f64) as i64;
    if x < 0.0 || y < 0.0 || cc >= n || cr >= n {
        return (x, y);
    }
    let half = (HEATMAP_KERNEL / 2) as i64;
    let (mut sum, mut max, mut wc, mut wr) = (0.0f64, 0.0f32, 0.0f64, 0.0f64);
    for row in (cr - half).max(0)..(cr + half + 1).min(n) {
        for col in (cc - half).max(0)..(cc + half + 1).min(n) {
            let logit = heatmap[((row * n + col) as usize) * LANDMARK_ROWS + landmark];
            let c = sigmoid(logit);
            sum += c;
            max = max.max(c as f32);
            wc += col as f64 * c;
            wr += row as f64 * c;
        }
    }
    if max >= HEATMAP_MIN_CONFIDENCE && sum > 0.0 {
        let scale = LANDMARK_SIZE as f64 / n as f64;
        (wc / sum * scale, wr / sum * scale)
    } else {
        (x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confident_heatmap_pulls_the_point_to_its_peak() {
        let mut heatmap = vec![-10.0f32; 64 * 64 * LANDMARK_ROWS];
        heatmap[(20 * 64 + 30) * LANDMARK_ROWS + 5] = 10.0;
        let (x, y) = refine_from_heatmap(&heatmap, 5, 31.0 * 4.0, 21.0 * 4.0);
        assert!((x - 120.0).abs() < 0.2 && (y - 80.0).abs() < 0.2, "{x},{y}");
    }

    #[test]
    fn flat_heatmap_leaves_the_point() {
        let heatmap = vec![-10.0f32; 64 * 64 * LANDMARK_ROWS];
        assert_eq!(refine_from_heatmap(&heatmap, 3, 100.0, 50.0), (100.0, 50.0));
    }
}
