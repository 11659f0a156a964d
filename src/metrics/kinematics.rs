//! The set in lifter coordinates: centimetres through the plate calibration, x forward (the
//! way the lifter faces) from the mid-foot line, y up. Every per-rep measurement reads these
//! series, so each quantity is defined once, in one unit.

use crate::schema::Body;
use crate::signal::{self, Local};

/// A point in lifter coordinates (cm).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct P {
    pub x: f64,
    pub y: f64,
}

impl P {
    pub fn dist(self, o: P) -> f64 {
        (self.x - o.x).hypot(self.y - o.y)
    }
}

/// How to turn image pixels into lifter coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame2Lifter {
    pub cm_per_px: f64,
    /// +1 when the lifter faces image-right.
    pub forward: f64,
    /// Image x of the reference line (mid-foot, else the bar at the first setup).
    pub origin_x_px: f64,
    /// Image y of the floor reference (the bar centre at rest).
    pub origin_y_px: f64,
}

impl Frame2Lifter {
    pub fn point(&self, x_px: f64, y_px: f64) -> P {
        P {
            x: (x_px - self.origin_x_px) * self.cm_per_px * self.forward,
            y: (self.origin_y_px - y_px) * self.cm_per_px,
        }
    }
}

/// Per-frame positions in lifter coordinates; `None` where not seen.
#[derive(Debug, Clone, Default)]
pub struct Kinematics {
    pub fps: f64,
    pub bar: Vec<Option<P>>,
    pub shoulder: Vec<Option<P>>,
    pub hip: Vec<Option<P>>,
    pub knee: Vec<Option<P>>,
    pub ankle: Vec<Option<P>>,
    pub wrist: Vec<Option<P>>,
    /// Vertical speed and acceleration of the bar (cm/s, cm/s²), from a local fit.
    pub bar_y: Vec<Option<Local>>,
    pub hip_y: Vec<Option<Local>>,
    /// Height of the midpoint of both hips (see `with_hip_motion`); empty when not given.
    pub hip_motion_y: Vec<Option<Local>>,
    /// The trunk's mid-line: both shoulders' midpoint and both hips' midpoint (see
    /// `with_trunk_midline`); empty when not given.
    pub trunk_midline: Vec<Option<(P, P)>>,
    pub shoulder_y: Vec<Option<Local>>,
    /// How far the back stands out of the shoulder–hip line (share of the chord), on the
    /// frames where the person mask was read; empty when it never was.
    pub back: Vec<Option<f64>>,
}

/// A knee reads straight above this angle (degrees): standing, locked out.
pub const STRAIGHT_KNEE_DEG: f64 = 165.0;

/// Half-window of the local fits: 0.1 s each side averages out landmark jitter while
/// following a lift-off (about 0.2 s from still to full speed).
fn half_window(fps: f64) -> usize {
    ((0.1 * fps).round() as usize).max(2)
}

/// The angle of the line from `hip` up to `shoulder` above horizontal, degrees, measured
/// towards the front (90 = upright).
fn angle_above_horizontal(shoulder: P, hip: P) -> f64 {
    (shoulder.y - hip.y).atan2(shoulder.x - hip.x).to_degrees()
}

/// Heights with short gaps bridged, fitted locally: value, speed and acceleration per frame.
fn fit_height(points: impl Iterator<Item = Option<P>>, fps: f64) -> Vec<Option<Local>> {
    let y: Vec<Option<f64>> = points.map(|p| p.map(|p| p.y)).collect();
    let bridged = signal::fill_short_gaps(&y, (0.3 * fps).round() as usize);
    signal::local_quadratic(&bridged, 1.0 / fps, half_window(fps))
}

impl Kinematics {
    pub fn new(fps: f64, to_lifter: &Frame2Lifter, bar_px: &[Option<(f64, f64)>], body: &[Option<Body>]) -> Self {
        let map = |f: &dyn Fn(&Body) -> [f64; 3]| -> Vec<Option<P>> {
            body.iter().map(|b| b.as_ref().map(f).map(|p| to_lifter.point(p[0], p[1]))).collect()
        };
        let bar: Vec<Option<P>> = bar_px.iter().map(|b| b.map(|(x, y)| to_lifter.point(x, y))).collect();
        let hip = map(&|b| b.hip);
        let shoulder = map(&|b| b.shoulder);
        let fit = |s: &[Option<P>]| fit_height(s.iter().copied(), fps);
        Kinematics {
            fps,
            bar_y: fit(&bar),
            hip_y: fit(&hip),
            hip_motion_y: Vec::new(),
            trunk_midline: Vec::new(),
            shoulder_y: fit(&shoulder),
            knee: map(&|b| b.knee),
            ankle: map(&|b| b.ankle),
            wrist: map(&|b| b.wrist),
            bar,
            shoulder,
            hip,
            back: Vec::new(),
        }
    }

    /// Adds the height of the midpoint of both hips, `px` per frame in frame pixels, fitted
    /// like the others. It times when the hips start to rise; where they are stays `hip`
    /// (`BodyTrack::hip_midpoints` says why the two differ).
    pub fn with_hip_motion(mut self, to_lifter: &Frame2Lifter, px: &[Option<(f64, f64)>]) -> Self {
        self.hip_motion_y = fit_height(px.iter().map(|p| p.map(|(x, y)| to_lifter.point(x, y))), self.fps);
        self
    }

    /// Adds the trunk's mid-line from both shoulders' and both hips' midpoints per frame, in
    /// frame pixels.
    pub fn with_trunk_midline(
        mut self,
        to_lifter: &Frame2Lifter,
        shoulders: &[Option<(f64, f64)>],
        hips: &[Option<(f64, f64)>],
    ) -> Self {
        let lifter = |p: &Option<(f64, f64)>| p.map(|(x, y)| to_lifter.point(x, y));
        self.trunk_midline = shoulders.iter().zip(hips).map(|(s, h)| Some((lifter(s)?, lifter(h)?))).collect();
        self
    }

    /// Trunk angle above horizontal (degrees) along the trunk's mid-line, where it was given,
    /// else `trunk_angle`. Both sides' shoulder-hip lines run parallel, and the network
    /// misplaces one side's points at a time, so the mid-line averages two readings of one
    /// direction: at the setup it is within 4 degrees of the rendered trunk on 164 of the
    /// suite's 170 reps against 159 along the near shoulder and the hip point (docs/accuracy.md,
    /// "Trunk angle at setup"). For the setup only: standing tall, the far shoulder hides
    /// behind the near one and the mid-line leans back about 3 degrees too far.
    pub fn midline_trunk_angle(&self, i: usize) -> Option<f64> {
        let along_midline = self.trunk_midline.get(i).copied().flatten();
        along_midline.map(|(s, h)| angle_above_horizontal(s, h)).or_else(|| self.trunk_angle(i))
    }

    /// Adds the back outline's offsets (see `back`).
    pub fn with_back(mut self, back: Vec<Option<f64>>) -> Self {
        self.back = back;
        self
    }

    pub fn back_offset(&self, i: usize) -> Option<f64> {
        self.back.get(i).copied().flatten()
    }

    pub fn len(&self) -> usize {
        self.bar.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bar.is_empty()
    }

    /// Shoulder–hip distance, the trunk chord.
    pub fn chord(&self, i: usize) -> Option<f64> {
        Some(self.shoulder.get(i).copied()??.dist(self.hip.get(i).copied()??))
    }

    /// Trunk angle above horizontal, degrees (90 = upright), measured towards the front.
    pub fn trunk_angle(&self, i: usize) -> Option<f64> {
        let (s, h) = (self.shoulder.get(i).copied()??, self.hip.get(i).copied()??);
        Some(angle_above_horizontal(s, h))
    }

    /// Lean of the trunk past vertical, degrees; + = shoulders behind the hips.
    pub fn lean_back(&self, i: usize) -> Option<f64> {
        let (s, h) = (self.shoulder.get(i).copied()??, self.hip.get(i).copied()??);
        Some((-(s.x - h.x)).atan2(s.y - h.y).to_degrees())
    }

    /// Interior knee angle hip–knee–ankle, degrees (180 = straight leg).
    pub fn knee_angle(&self, i: usize) -> Option<f64> {
        let (h, k, a) = (self.hip.get(i).copied()??, self.knee.get(i).copied()??, self.ankle.get(i).copied()??);
        let (u, v) = ((h.x - k.x, h.y - k.y), (a.x - k.x, a.y - k.y));
        let cos = (u.0 * v.0 + u.1 * v.1) / (u.0.hypot(u.1) * v.0.hypot(v.1)).max(1e-9);
        Some(cos.clamp(-1.0, 1.0).acos().to_degrees())
    }

    /// Interior knee angle from how far the hip is from the ankle, for a leg `leg_cm` long
    /// (hip to ankle when straight), thigh and shank taken as equally long (Winter: 0.245 and
    /// 0.246 of stature; a 6 % difference moves a 90-120 degree angle by under 0.2 degrees).
    /// No knee point enters: at the setup the network guesses a knee that the arm or the plate
    /// covers, while hip and ankle are seen or carried from where the feet stood.
    pub fn reach_knee_angle(&self, i: usize, leg_cm: f64) -> Option<f64> {
        let reach = self.hip.get(i).copied()??.dist(self.ankle.get(i).copied()??);
        (leg_cm > 0.0).then(|| 2.0 * (reach / leg_cm).min(1.0).asin().to_degrees())
    }

    /// Hip height between knee and shoulder: 0 at the knee, 1 at the shoulder.
    pub fn hip_height_ratio(&self, i: usize) -> Option<f64> {
        let (s, h, k) = (self.shoulder.get(i).copied()??, self.hip.get(i).copied()??, self.knee.get(i).copied()??);
        let span = s.y - k.y;
        (span.abs() > 1.0).then(|| (h.y - k.y) / span)
    }

    /// Speed of the hips, shoulders and bar together: the largest of the three (cm/s).
    pub fn body_speed(&self, i: usize) -> Option<f64> {
        let speed = |s: &[Option<Local>]| s.get(i).copied().flatten().map(|l| l.rate.abs());
        let hip = speed(&self.hip_y)?;
        let shoulder = speed(&self.shoulder_y).unwrap_or(0.0);
        let bar = speed(&self.bar_y).unwrap_or(0.0);
        let hip_x = self.horizontal_speed(&self.hip, i).unwrap_or(0.0);
        Some(hip.max(shoulder).max(bar).max(hip_x))
    }

    fn horizontal_speed(&self, s: &[Option<P>], i: usize) -> Option<f64> {
        let (a, b) = (s.get(i.checked_sub(1)?).copied()??, s.get(i + 1).copied()??);
        Some((b.x - a.x).abs() * self.fps / 2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frame pixels one to a centimetre, the floor at y = 0 (image y grows downward).
    const PIXELS_AS_CM: Frame2Lifter =
        Frame2Lifter { cm_per_px: 1.0, forward: 1.0, origin_x_px: 0.0, origin_y_px: 0.0 };

    #[test]
    fn the_midline_gives_the_trunk_angle_where_it_was_read_and_the_points_elsewhere() {
        let k = Kinematics {
            shoulder: vec![Some(P { x: 10.0, y: 10.0 }); 2],
            hip: vec![Some(P { x: 0.0, y: 0.0 }); 2],
            ..Default::default()
        };
        let a = 30f64.to_radians();
        let shoulders = [Some((20.0 * a.cos(), -20.0 * a.sin())), None];
        let k = k.with_trunk_midline(&PIXELS_AS_CM, &shoulders, &[Some((0.0, 0.0)), Some((0.0, 0.0))]);
        let near = |i| k.trunk_angle(i).expect("near points");
        let midline = |i| k.midline_trunk_angle(i).expect("an angle");
        assert!((near(0) - 45.0).abs() < 1e-9 && (midline(0) - 30.0).abs() < 1e-9, "{} {}", near(0), midline(0));
        assert!((midline(1) - 45.0).abs() < 1e-9, "no mid-line in frame 1: the points' angle, {}", midline(1));
    }
}
