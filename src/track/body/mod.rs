//! Body points from BlazePose: the person detector finds the lifter, the landmark network
//! follows them frame to frame from its own previous output, and the detector runs again
//! only when the lifter is lost. After the frame pass, `post` picks the near side, smooths
//! without lag, and repairs the points the plate hides.

pub mod crop;
pub mod detector;
pub mod engine;
pub mod landmarks;
pub mod outline;
pub mod post;
pub mod smooth;
pub mod view;

use crate::error::Result;
use crop::{InputBuffers, Roi};
use detector::Detection;
use engine::PoseEngine;
use landmarks::PoseFrame;
use opencv::core::Mat;

/// Below this presence the crop holds no person and tracking is lost (MediaPipe's value).
const MIN_PRESENCE: f64 = 0.5;
/// A suggested crop within this share of its side (and this many radians) of the current one
/// keeps the current one.
const CROP_DEAD_BAND: f64 = 0.02;
const CROP_DEAD_BAND_RAD: f64 = 0.03;

/// The back outline is read only while the trunk leans at least this far from vertical
/// (degrees): rounding is judged from the setup through the pull, when the lifter is bent
/// over; standing before the set and at the top holds, the mask would cost time for nothing.
const OUTLINE_MIN_LEAN_DEG: f64 = 25.0;

/// Streams frames through the pose networks.
pub struct BodyTracker {
    engine: Box<dyn PoseEngine>,
    anchors: Vec<(f64, f64)>,
    buffers: InputBuffers,
    roi: Option<Roi>,
    crop_nudge_px: f64,
    /// Read the back outline on every n-th frame (0: never).
    outline_every: usize,
    frames: Vec<Option<PoseFrame>>,
    detector_runs: usize,
}

/// What the frame pass produced: all 33 landmarks per frame (continuous pixel coordinates).
#[derive(Debug, Clone, PartialEq)]
pub struct RawBodyTrack {
    pub frames: Vec<Option<PoseFrame>>,
    pub detector_runs: usize,
}

impl BodyTracker {
    pub fn new(engine: Box<dyn PoseEngine>) -> Self {
        BodyTracker {
            engine,
            anchors: detector::anchors(),
            buffers: InputBuffers::default(),
            roi: None,
            crop_nudge_px: 0.0,
            outline_every: 0,
            frames: Vec::new(),
            detector_runs: 0,
        }
    }

    /// Reads the back outline from the person mask on every `n`-th frame (0: never) while the
    /// lifter is bent over. The mask costs about 7.7 ms more than a plain landmark run on one
    /// core (docs/speed.md), so it is sampled rather than read every frame.
    pub fn with_outline_every(mut self, n: usize) -> Self {
        self.outline_every = n;
        self
    }

    /// Moves every crop `dx` pixels right: a probe of how much the answers depend on where
    /// the network looks (docs/body.md); 0 in use.
    pub fn with_crop_nudge(mut self, dx: f64) -> Self {
        self.crop_nudge_px = dx;
        self
    }

    /// Finds the body in the next frame. `bar` is the bar centre in this frame when known:
    /// among several people, the lifter is the one holding the bar.
    pub fn push(&mut self, frame: &Mat, bar: Option<(f64, f64)>) -> Result<()> {
        let tracked = match self.roi {
            Some(roi) => self.landmarks_in(frame, &roi)?,
            None => None,
        };
        let pose = match tracked {
            Some(p) => Some(p),
            None => match self.detect(frame, bar)? {
                Some(d) => self.landmarks_in(frame, &d.roi())?,
                None => None,
            },
        };
        self.roi = pose.as_ref().map(|p| steady_crop(self.roi, p.next_roi()));
        self.frames.push(pose);
        Ok(())
    }

    fn landmarks_in(&mut self, frame: &Mat, roi: &Roi) -> Result<Option<PoseFrame>> {
        if !(roi.side > 8.0) {
            return Ok(None);
        }
        let roi = Roi { cx: roi.cx + self.crop_nudge_px, ..*roi };
        self.buffers.fill_landmark_input(frame, &roi)?;
        let read_outline = self.outline_every > 0
            && self.frames.len() % self.outline_every == 0
            && self.last().is_none_or(|p| trunk_lean_deg(p) >= OUTLINE_MIN_LEAN_DEG);
        let (raw, mask) = if read_outline {
            self.engine.landmarks_with_mask(&self.buffers.landmark)?
        } else {
            (self.engine.landmarks(&self.buffers.landmark)?, None)
        };
        let crop = landmarks::crop_points(&raw);
        let mut pose = landmarks::decode(&raw, &crop, &roi);
        if pose.presence < MIN_PRESENCE {
            return Ok(None);
        }
        pose.outline = mask.and_then(|m| {
            let (shoulder, hip) = landmarks::trunk_line(|i| crop[i]);
            outline::profile(&m, shoulder, hip)
        });
        Ok(Some(pose))
    }

    fn detect(&mut self, frame: &Mat, bar: Option<(f64, f64)>) -> Result<Option<Detection>> {
        let letterbox = self.buffers.fill_detector_input(frame)?;
        let raw = self.engine.detect(&self.buffers.detector)?;
        self.detector_runs += 1;
        let people = detector::decode(&raw, &self.anchors, &letterbox);
        Ok(pick_lifter(&people, bar))
    }

    /// The pose found in the latest frame.
    pub fn last(&self) -> Option<&PoseFrame> {
        self.frames.last().and_then(Option::as_ref)
    }

    pub fn finish(self) -> RawBodyTrack {
        RawBodyTrack { frames: self.frames, detector_runs: self.detector_runs }
    }
}

/// The crop for the next frame. The network suggests it from its own answer, and the answer
/// depends on the crop: left free, the crop wanders on a still lifter (a few per cent of its
/// side over half a second) and the points wander with it, so a still setup reads as hips
/// rising. Small suggestions are ignored; any real movement moves the crop at once.
fn steady_crop(current: Option<Roi>, suggested: Roi) -> Roi {
    match current {
        Some(c)
            if (suggested.cx - c.cx).hypot(suggested.cy - c.cy) < CROP_DEAD_BAND * c.side
                && (suggested.side - c.side).abs() < CROP_DEAD_BAND * c.side
                && (suggested.rotation - c.rotation).abs() < CROP_DEAD_BAND_RAD =>
        {
            c
        }
        _ => suggested,
    }
}

/// How far the trunk (mid-hip to mid-shoulder) leans from vertical, degrees.
fn trunk_lean_deg(pose: &PoseFrame) -> f64 {
    let (s, h) = landmarks::trunk_line(|i| (pose.points[i].x, pose.points[i].y));
    (s.0 - h.0).abs().atan2(h.1 - s.1).to_degrees()
}

/// The person holding the bar: nearest to the bar relative to their size; without a bar,
/// the most confident detection.
fn pick_lifter(people: &[Detection], bar: Option<(f64, f64)>) -> Option<Detection> {
    match bar {
        None => people.first().copied(),
        Some((bx, by)) => people
            .iter()
            .min_by(|a, b| {
                let d = |p: &Detection| (p.cx - bx).hypot(p.cy - by) / p.w.max(p.h).max(1.0);
                d(a).total_cmp(&d(b))
            })
            .copied(),
    }
}

#[cfg(test)]
mod tests {
    use super::landmarks::{Landmark, POSE_POINTS};
    use super::*;

    fn pose(shoulder: (f64, f64), hip: (f64, f64)) -> PoseFrame {
        let mut points = [Landmark::default(); POSE_POINTS];
        for (i, (x, y)) in [(11, shoulder), (12, shoulder), (23, hip), (24, hip)] {
            points[i] = Landmark { x, y, visibility: 1.0, presence: 1.0 };
        }
        PoseFrame { points, next_centre: hip, next_scale: shoulder, presence: 1.0, outline: None }
    }

    #[test]
    fn trunk_lean_is_measured_from_vertical_either_way_the_lifter_faces() {
        assert!(trunk_lean_deg(&pose((100.0, 100.0), (100.0, 200.0))).abs() < 1e-9);
        assert!((trunk_lean_deg(&pose((200.0, 100.0), (100.0, 200.0))) - 45.0).abs() < 1e-9);
        assert!((trunk_lean_deg(&pose((0.0, 100.0), (100.0, 200.0))) - 45.0).abs() < 1e-9);
        // Bent over past horizontal-ish setups still count as leaning.
        assert!(trunk_lean_deg(&pose((200.0, 190.0), (100.0, 200.0))) > OUTLINE_MIN_LEAN_DEG);
    }

    #[test]
    fn the_crop_ignores_small_suggestions_and_follows_real_movement() {
        let c = Roi { cx: 500.0, cy: 400.0, side: 500.0, rotation: 0.1 };
        let creep = Roi { cx: 503.0, cy: 398.0, side: 494.0, rotation: 0.11 };
        assert_eq!(steady_crop(Some(c), creep), c);
        let moved = Roi { cy: 380.0, ..c };
        assert_eq!(steady_crop(Some(c), moved), moved);
        let turned = Roi { rotation: 0.2, ..c };
        assert_eq!(steady_crop(Some(c), turned), turned);
        assert_eq!(steady_crop(None, creep), creep);
    }
}
