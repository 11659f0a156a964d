//! Where the landmark network looks next.
//!
//! The network is handed a crop placed by the previous frame's two alignment points (hip
//! centre and the point above the head). The same network gives answers a few pixels apart
//! for crops a few pixels apart, so how those points are steadied decides most of the
//! difference between two BlazePose pipelines. formcheck steadies them as MediaPipe's own
//! pipeline does (one-euro, min cut-off 0.01 Hz, beta 10, speed in units of the points' own
//! extent), which makes its body points agree with the reference a coach may already use.
//!
//! That filter trails a fast move: when the lifter drops the bar or stands up quickly the
//! crop lags behind the body and the network, half the legs outside its view, can return a
//! wrong pose that then places the next crop. [`CropFilter::trails`] detects this from the
//! answer itself (the crop the answer asks for is far from the one it was given) so the
//! tracker can look again, in the same frame, where the answer points.

use super::crop::Roi;
use std::f64::consts::PI;

/// MediaPipe's settings for the auxiliary (alignment) landmarks.
const MIN_CUTOFF: f64 = 0.01;
const BETA: f64 = 10.0;
const D_CUTOFF: f64 = 1.0;

/// A crop whose centre is off by more than this share of its side from where the answer
/// puts the person, or whose side is off by more than this share, is looked at again.
pub const TRAIL_LIMIT: f64 = 0.06;

/// MediaPipe's causal one-euro filter: the speed comes from successive *raw* values, scaled
/// by `value_scale` so that the cut-off does not depend on how large the person appears.
#[derive(Debug, Clone, Copy, Default)]
struct Causal {
    raw: Option<f64>,
    value: f64,
    speed: f64,
}

fn alpha(cutoff: f64, dt: f64) -> f64 {
    let tau = 1.0 / (2.0 * PI * cutoff);
    1.0 / (1.0 + tau / dt)
}

impl Causal {
    fn apply(&mut self, x: f64, value_scale: f64, dt: f64) -> f64 {
        let Some(raw) = self.raw else {
            *self = Causal { raw: Some(x), value: x, speed: 0.0 };
            return x;
        };
        let speed = (x - raw) * value_scale / dt;
        self.speed += alpha(D_CUTOFF, dt) * (speed - self.speed);
        let cutoff = MIN_CUTOFF + BETA * self.speed.abs();
        self.value += alpha(cutoff, dt) * (x - self.value);
        self.raw = Some(x);
        self.value
    }
}

/// Steadies the alignment points frame to frame and turns them into the next crop.
#[derive(Debug, Clone)]
pub struct CropFilter {
    dt: f64,
    axes: [Causal; 4],
}

impl CropFilter {
    pub fn new(fps: f64) -> Self {
        let fps = if fps.is_finite() && fps > 0.0 { fps } else { 30.0 };
        CropFilter { dt: 1.0 / fps, axes: [Causal::default(); 4] }
    }

    /// Forgets the past: the next crop follows its points exactly (after a lost person).
    pub fn reset(&mut self) {
        self.axes = [Causal::default(); 4];
    }

    /// The crop for the next frame from this frame's alignment points.
    pub fn next_roi(&mut self, centre: (f64, f64), scale_point: (f64, f64)) -> Roi {
        let extent = 0.5 * ((centre.0 - scale_point.0).abs() + (centre.1 - scale_point.1).abs());
        if !(extent > 1e-6) {
            self.reset();
            return Roi::from_alignment(centre, scale_point);
        }
        let scale = 1.0 / extent;
        let [cx, cy, sx, sy] = &mut self.axes;
        let centre = (cx.apply(centre.0, scale, self.dt), cy.apply(centre.1, scale, self.dt));
        let scale_point = (sx.apply(scale_point.0, scale, self.dt), sy.apply(scale_point.1, scale, self.dt));
        Roi::from_alignment(centre, scale_point)
    }
}

/// Whether the crop `given` lags the crop the answer `wanted` so far that the answer may
/// have been made from a view missing part of the body.
pub fn trails(given: &Roi, wanted: &Roi) -> bool {
    let off = (given.cx - wanted.cx).hypot(given.cy - wanted.cy) / given.side;
    let size = (wanted.side / given.side - 1.0).abs();
    off > TRAIL_LIMIT || size > TRAIL_LIMIT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_still_person_keeps_the_crop_in_place() {
        let mut f = CropFilter::new(30.0);
        let mut roi = f.next_roi((500.0, 600.0), (500.0, 300.0));
        for i in 0..60 {
            let jitter = if i % 2 == 0 { 2.0 } else { -2.0 };
            roi = f.next_roi((500.0 + jitter, 600.0), (500.0 - jitter, 300.0));
        }
        assert!((roi.cx - 500.0).abs() < 1.0, "{roi:?}");
        assert!((roi.side - 750.0).abs() < 2.0, "{roi:?}");
    }

    #[test]
    fn a_smooth_fast_move_is_followed_without_a_second_look() {
        let mut f = CropFilter::new(30.0);
        let mut given = f.next_roi((500.0, 600.0), (500.0, 300.0));
        // The person moves 300 px down in 10 frames (a fast descent), then stops.
        for i in 1..=40 {
            let y = 600.0 + 30.0 * i.min(10) as f64;
            let wanted = Roi::from_alignment((500.0, y), (500.0, y - 300.0));
            assert!(!trails(&given, &wanted), "frame {i}: {given:?} for {wanted:?}");
            given = f.next_roi((500.0, y), (500.0, y - 300.0));
        }
        assert!((given.cy - 900.0).abs() < 1.0, "{given:?}");
    }

    #[test]
    fn a_jump_the_filter_cannot_follow_is_flagged() {
        let mut f = CropFilter::new(30.0);
        for _ in 0..30 {
            f.next_roi((500.0, 600.0), (500.0, 300.0));
        }
        // Still for a second, so the filter is at its heaviest; then 80 px in one frame.
        let given = f.next_roi((500.0, 600.0), (500.0, 300.0));
        let wanted = Roi::from_alignment((580.0, 600.0), (580.0, 300.0));
        assert!(trails(&given, &wanted));
    }

    #[test]
    fn degenerate_points_give_the_unfiltered_crop() {
        let mut f = CropFilter::new(f64::NAN);
        let roi = f.next_roi((10.0, 10.0), (10.0, 10.0));
        assert_eq!(roi.side, 0.0);
    }
}
