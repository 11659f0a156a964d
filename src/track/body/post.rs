//! From raw landmarks to the near-side body points the measurements use.
//!
//! 1. Near side: the side the network sees better over the whole set.
//! 2. Facing: where the nose and toes point relative to the ear and heel.
//! 3. Plausibility, where the peer (MediaPipe's own pipeline) fails on real side views: while
//!    the bar is low the near plate hides the feet and often the knee, and the network puts
//!    them on the plate hub, frequently with *high* visibility. Feet do not move during a set
//!    and shin and thigh keep their length, so: feet are carried from the frames where they
//!    are seen clear of the plate, and a knee that breaks the segment lengths is rebuilt from
//!    hip and ankle.
//! 4. Zero-phase smoothing.

use super::landmarks::{Landmark, PoseFrame};
use super::smooth::OneEuro;
use super::RawBodyTrack;
use crate::schema::{Body, Facing};
use crate::signal;
use crate::track::bar::plate::PlateObs;
use crate::track::camera::CameraMotion;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Left,
    Right,
}

/// Landmark indices of one side of the body.
#[derive(Debug, Clone, Copy)]
pub struct SidePoints {
    pub ear: usize,
    pub shoulder: usize,
    pub wrist: usize,
    pub hip: usize,
    pub knee: usize,
    pub ankle: usize,
    pub heel: usize,
    pub toe: usize,
}

pub const LEFT: SidePoints =
    SidePoints { ear: 7, shoulder: 11, wrist: 15, hip: 23, knee: 25, ankle: 27, heel: 29, toe: 31 };
pub const RIGHT: SidePoints =
    SidePoints { ear: 8, shoulder: 12, wrist: 16, hip: 24, knee: 26, ankle: 28, heel: 30, toe: 32 };
const NOSE: usize = 0;

impl Side {
    pub fn points(self) -> SidePoints {
        match self {
            Side::Left => LEFT,
            Side::Right => RIGHT,
        }
    }
}

/// A foot point inside the plate's disc (grown by this share of its radius) is hidden.
const PLATE_COVER: f64 = 1.05;
/// A knee whose thigh or shin length is off by more than this share is implausible.
const SEGMENT_TOLERANCE: f64 = 0.15;
/// A seen foot point further than this share of the shin from where the foot stands is a
/// mistake, not a moved foot.
const FOOT_WANDER: f64 = 0.25;

/// How many points were repaired, so the result can say so.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Repairs {
    /// Frames whose ankle the network placed somewhere implausible (usually on the plate).
    pub ankle_replaced: usize,
    /// Frames whose knee was rebuilt from hip, ankle and segment lengths.
    pub knee_rebuilt: usize,
    /// Frames where the near foot was seen clear of the plate.
    pub feet_seen: usize,
}

/// The near-side body track used by the measurements.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyTrack {
    pub near: Side,
    pub facing: Option<Facing>,
    /// Near-side points per frame in OpenCV pixel coordinates; conf 0 marks a point that was
    /// hidden and carried or rebuilt.
    pub points: Vec<Option<Body>>,
    /// Where the near foot stands (heel, toe, ankle) when it was ever seen, in the first
    /// frame's coordinates.
    pub foot: Option<FootPosition>,
    pub repairs: Repairs,
    pub raw: RawBodyTrack,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FootPosition {
    pub heel: (f64, f64),
    pub toe: (f64, f64),
    pub ankle: (f64, f64),
}

/// Working copy of one near-side point per frame: (x, y, conf).
type Series = Vec<Option<[f64; 3]>>;

/// `camera` maps each frame into the first frame's coordinates: the standing foot is found
/// there (a shaken camera moves it in the picture) and put back into each frame's own.
pub fn finish(raw: RawBodyTrack, plate: &[Option<PlateObs>], fps: f64, camera: &CameraMotion) -> BodyTrack {
    let near = near_side(&raw.frames);
    let sp = near.points();
    let facing = facing(&raw.frames, sp);
    let series = |i: usize| -> Series { raw.frames.iter().map(|f| f.as_ref().map(|f| point(&f.points[i]))).collect() };
    let (mut ankle, mut heel, mut toe) = (series(sp.ankle), series(sp.heel), series(sp.toe));
    let mut repairs = Repairs::default();

    let covered = |s: &Series, i: usize| -> bool {
        match (s[i], plate.get(i).copied().flatten()) {
            (Some(p), Some(o)) => (p[0] - o.ellipse.cx).hypot(p[1] - o.ellipse.cy) < PLATE_COVER * o.ellipse.major(),
            _ => false,
        }
    };
    let seen = |s: &Series, i: usize| s[i].is_some_and(|p| p[2] >= 0.5) && !covered(s, i);

    let foot = foot_position(&ankle, &heel, &toe, &seen, camera, &mut repairs);
    // The standing foot, found in the first frame's coordinates, where frame `i` shows it.
    let in_frame = |at: (f64, f64)| move |i: usize| camera.unsteady(i, at.0, at.1);
    let ankle_in_frame = foot.map(|f| in_frame(f.ankle));
    let ankle_in_frame = ankle_in_frame.as_ref().map(|f| f as &dyn Fn(usize) -> (f64, f64));
    let (hip, mut knee) = pick_hip_knee(&raw.frames, ankle_in_frame, person_height(&raw.frames));
    let shin = segment_length(&knee, &ankle, |i| seen(&knee, i) && seen(&ankle, i));
    let thigh = segment_length(&hip, &knee, |i| seen(&knee, i) && hip[i].is_some_and(|p| p[2] >= 0.5));
    if let Some(foot) = foot {
        let wander = FOOT_WANDER * shin.unwrap_or(0.25 * person_height(&raw.frames));
        repairs.ankle_replaced += carry_foot(&mut ankle, in_frame(foot.ankle), wander, &seen);
        carry_foot(&mut heel, in_frame(foot.heel), wander, &seen);
        carry_foot(&mut toe, in_frame(foot.toe), wander, &seen);
    }
    if let (Some(thigh), Some(shin)) = (thigh, shin) {
        let hidden: Vec<bool> = (0..knee.len()).map(|i| !seen(&knee, i)).collect();
        repairs.knee_rebuilt += rebuild_knees(&mut knee, &hip, &ankle, thigh, shin, facing, &|i| hidden[i]);
    }

    let mut named: Vec<Series> =
        vec![series(sp.shoulder), hip, knee, ankle, heel, toe, series(sp.ear), series(sp.wrist)];
    let scale = person_height(&raw.frames).max(1.0);
    for s in &mut named {
        smooth_series(s, fps, scale);
    }
    let points = (0..raw.frames.len())
        .map(|i| {
            let get = |k: usize| named[k][i].map(|p| [p[0] - 0.5, p[1] - 0.5, p[2]]);
            Some(Body {
                shoulder: get(0)?,
                hip: get(1)?,
                knee: get(2)?,
                ankle: get(3)?,
                heel: get(4)?,
                toe: get(5)?,
                ear: get(6)?,
                wrist: get(7)?,
            })
        })
        .collect();
    let foot = foot.map(|f| FootPosition {
        heel: (f.heel.0 - 0.5, f.heel.1 - 0.5),
        toe: (f.toe.0 - 0.5, f.toe.1 - 0.5),
        ankle: (f.ankle.0 - 0.5, f.ankle.1 - 0.5),
    });
    BodyTrack { near, facing, points, foot, repairs, raw }
}

/// Hip and knee per frame, each taken from whichever side (left or right landmark) keeps the
/// thigh and shin their usual length. Seen from the side, both hips and both knees project to
/// nearly the same place, but the network often swaps or misplaces one side, and which side
/// it gets right changes through the lift (at lockout the near hip is behind the plate).
fn pick_hip_knee(
    frames: &[Option<PoseFrame>],
    ankle: Option<&dyn Fn(usize) -> (f64, f64)>,
    height: f64,
) -> (Series, Series) {
    let close = 0.06 * height;
    let d = |a: &Landmark, b: &Landmark| (a.x - b.x).hypot(a.y - b.y);
    // Usual lengths from the frames where both sides agree: there both are likely right.
    let agree: Vec<(usize, &PoseFrame)> = frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.as_ref().map(|f| (i, f)))
        .filter(|(_, f)| {
            d(&f.points[LEFT.hip], &f.points[RIGHT.hip]) < close
                && d(&f.points[LEFT.knee], &f.points[RIGHT.knee]) < close
        })
        .collect();
    let mut thighs: Vec<f64> = agree
        .iter()
        .map(|(_, f)| {
            0.5 * (d(&f.points[LEFT.hip], &f.points[LEFT.knee]) + d(&f.points[RIGHT.hip], &f.points[RIGHT.knee]))
        })
        .collect();
    let thigh = if thighs.len() >= 5 { signal::median(&mut thighs) } else { None };
    let mut shins: Vec<f64> = match ankle {
        Some(ankle) => agree
            .iter()
            .map(|&(i, f)| {
                let a = ankle(i);
                let k = &f.points;
                let kx = 0.5 * (k[LEFT.knee].x + k[RIGHT.knee].x);
                let ky = 0.5 * (k[LEFT.knee].y + k[RIGHT.knee].y);
                (kx - a.0).hypot(ky - a.1)
            })
            .collect(),
        None => Vec::new(),
    };
    let shin = if shins.len() >= 5 { signal::median(&mut shins) } else { None };
    let mut hip = Vec::with_capacity(frames.len());
    let mut knee = Vec::with_capacity(frames.len());
    for (i, f) in frames.iter().enumerate() {
        let Some(f) = f else {
            hip.push(None);
            knee.push(None);
            continue;
        };
        let p = &f.points;
        let a = ankle.map(|ankle| ankle(i));
        let mut best = (f64::MAX, LEFT.hip, LEFT.knee);
        for h in [LEFT.hip, RIGHT.hip] {
            for k in [LEFT.knee, RIGHT.knee] {
                let mut cost = 0.3 * (2.0 - p[h].visibility - p[k].visibility);
                if let Some(t) = thigh {
                    cost += (d(&p[h], &p[k]) / t - 1.0).abs();
                }
                if let (Some(sl), Some(a)) = (shin, a) {
                    cost += ((p[k].x - a.0).hypot(p[k].y - a.1) / sl - 1.0).abs();
                }
                if cost < best.0 {
                    best = (cost, h, k);
                }
            }
        }
        hip.push(Some(point(&p[best.1])));
        knee.push(Some(point(&p[best.2])));
    }
    (hip, knee)
}

fn point(l: &Landmark) -> [f64; 3] {
    [l.x, l.y, l.visibility]
}

/// The side whose shoulder, hip, knee and ankle the network is surer it sees.
fn near_side(frames: &[Option<PoseFrame>]) -> Side {
    let score = |sp: SidePoints| -> f64 {
        frames
            .iter()
            .flatten()
            .map(|f| [sp.shoulder, sp.hip, sp.knee, sp.ankle].iter().map(|&i| f.points[i].visibility).sum::<f64>())
            .sum()
    };
    if score(LEFT) >= score(RIGHT) {
        Side::Left
    } else {
        Side::Right
    }
}

/// Votes over frames: nose ahead of the ear, toes ahead of the heel.
fn facing(frames: &[Option<PoseFrame>], sp: SidePoints) -> Option<Facing> {
    let mut votes = 0.0;
    for f in frames.iter().flatten() {
        let p = &f.points;
        for (front, back) in [(NOSE, sp.ear), (sp.toe, sp.heel)] {
            let w = p[front].visibility.min(p[back].visibility);
            votes += w * (p[front].x - p[back].x).signum();
        }
    }
    if votes.abs() < 1.0 {
        None
    } else if votes > 0.0 {
        Some(Facing::Right)
    } else {
        Some(Facing::Left)
    }
}

fn median_xy(points: impl Iterator<Item = (f64, f64)>) -> Option<(f64, f64)> {
    let (mut xs, mut ys): (Vec<f64>, Vec<f64>) = points.unzip();
    Some((signal::median(&mut xs)?, signal::median(&mut ys)?))
}

/// Where the foot stands, in the first frame's coordinates: the median of its points over the
/// frames it is seen clear of the plate. At least a few such frames are needed (lockout
/// usually gives plenty).
fn foot_position(
    ankle: &Series,
    heel: &Series,
    toe: &Series,
    seen: &dyn Fn(&Series, usize) -> bool,
    camera: &CameraMotion,
    repairs: &mut Repairs,
) -> Option<FootPosition> {
    let frames: Vec<usize> = (0..ankle.len()).filter(|&i| seen(ankle, i) && seen(heel, i) && seen(toe, i)).collect();
    repairs.feet_seen = frames.len();
    if frames.len() < 3 {
        return None;
    }
    let at = |s: &Series| median_xy(frames.iter().map(|&i| camera.steady(i, s[i].unwrap()[0], s[i].unwrap()[1])));
    Some(FootPosition { heel: at(heel)?, toe: at(toe)?, ankle: at(ankle)? })
}

fn segment_length(a: &Series, b: &Series, usable: impl Fn(usize) -> bool) -> Option<f64> {
    let mut lengths: Vec<f64> = (0..a.len())
        .filter(|&i| usable(i))
        .filter_map(|i| Some((a[i]?[0] - b[i]?[0]).hypot(a[i]?[1] - b[i]?[1])))
        .collect();
    if lengths.len() < 3 {
        return None;
    }
    signal::median(&mut lengths)
}

/// Replaces a foot point that is hidden or has wandered off the standing foot; returns how
/// many frames were replaced.
fn carry_foot(
    s: &mut Series,
    at: impl Fn(usize) -> (f64, f64),
    wander: f64,
    seen: &dyn Fn(&Series, usize) -> bool,
) -> usize {
    let replace: Vec<usize> = (0..s.len())
        .filter(|&i| match s[i] {
            None => false,
            Some(p) => {
                let (x, y) = at(i);
                !seen(s, i) || (p[0] - x).hypot(p[1] - y) > wander
            }
        })
        .collect();
    for &i in &replace {
        let (x, y) = at(i);
        s[i] = Some([x, y, 0.0]);
    }
    replace.len()
}

/// Rebuilds knees that are hidden or break the segment lengths, as the two-link solution
/// between hip and ankle with the knee forward; returns how many were rebuilt.
fn rebuild_knees(
    knee: &mut Series,
    hip: &Series,
    ankle: &Series,
    thigh: f64,
    shin: f64,
    facing: Option<Facing>,
    hidden: &dyn Fn(usize) -> bool,
) -> usize {
    let forward = facing.map_or(1.0, Facing::sign);
    let mut rebuilt = 0;
    for i in 0..knee.len() {
        let (Some(k), Some(h), Some(a)) = (knee[i], hip[i], ankle[i]) else { continue };
        let bad_length = |p: [f64; 3], q: [f64; 3], len: f64| {
            ((p[0] - q[0]).hypot(p[1] - q[1]) / len - 1.0).abs() > SEGMENT_TOLERANCE
        };
        // A knee behind the plate that keeps both segment lengths is the network inferring
        // it well; only one that breaks them is rebuilt (or a hidden one that is less sure).
        let breaks_lengths = bad_length(k, h, thigh) || bad_length(k, a, shin);
        if !(breaks_lengths || (hidden(i) && k[2] < 0.3)) {
            continue;
        }
        let reach = (h[0] - a[0]).hypot(h[1] - a[1]);
        if reach >= 0.98 * (thigh + shin) {
            // The lengths cannot join hip and ankle: the estimate, not the knee, is off.
            continue;
        }
        if let Some((x, y)) = two_link_knee((a[0], a[1]), (h[0], h[1]), shin, thigh, forward) {
            knee[i] = Some([x, y, 0.0]);
            rebuilt += 1;
        }
    }
    rebuilt
}

/// The knee between ankle and hip given shin and thigh lengths, on the forward side.
pub fn two_link_knee(ankle: (f64, f64), hip: (f64, f64), shin: f64, thigh: f64, forward: f64) -> Option<(f64, f64)> {
    let (dx, dy) = (hip.0 - ankle.0, hip.1 - ankle.1);
    let d = dx.hypot(dy);
    if d < 1e-6 {
        return None;
    }
    let d_clamped = d.min(shin + thigh - 1e-6).max((shin - thigh).abs() + 1e-6);
    // Distance along ankle→hip to the foot of the knee's perpendicular, and its height.
    let along = (shin * shin - thigh * thigh + d_clamped * d_clamped) / (2.0 * d_clamped);
    let off = (shin * shin - along * along).max(0.0).sqrt();
    let (ux, uy) = (dx / d, dy / d);
    // Perpendicular pointing forward (x towards the facing side).
    let (mut px, mut py) = (-uy, ux);
    if px * forward < 0.0 {
        px = -px;
        py = -py;
    }
    Some((ankle.0 + ux * along + px * off, ankle.1 + uy * along + py * off))
}

/// Ear-to-heel height, a scale for speed-dependent smoothing.
fn person_height(frames: &[Option<PoseFrame>]) -> f64 {
    let mut h: Vec<f64> = frames
        .iter()
        .flatten()
        .map(|f| {
            let ys = f.points.iter().map(|p| p.y);
            let (lo, hi) = ys.fold((f64::MAX, f64::MIN), |(l, h), y| (l.min(y), h.max(y)));
            hi - lo
        })
        .collect();
    signal::quantile(&h.drain(..).collect::<Vec<_>>(), 0.9).unwrap_or(500.0)
}

fn smooth_series(s: &mut Series, fps: f64, scale: f64) {
    let filter = OneEuro::default();
    for c in 0..2 {
        let v: Vec<Option<f64>> = s.iter().map(|p| p.map(|p| p[c] / scale)).collect();
        let f = filter.zero_phase(&v, 1.0 / fps);
        for (p, f) in s.iter_mut().zip(f) {
            if let (Some(p), Some(f)) = (p.as_mut(), f) {
                p[c] = f * scale;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_link_knee_respects_lengths_and_points_forward() {
        let k = two_link_knee((100.0, 500.0), (60.0, 300.0), 110.0, 110.0, 1.0).unwrap();
        let shin = (k.0 - 100.0).hypot(k.1 - 500.0);
        let thigh = (k.0 - 60.0).hypot(k.1 - 300.0);
        assert!((shin - 110.0).abs() < 1e-6 && (thigh - 110.0).abs() < 1e-6);
        assert!(k.0 > 80.0, "knee should be in front: {k:?}");
        let back = two_link_knee((100.0, 500.0), (60.0, 300.0), 110.0, 110.0, -1.0).unwrap();
        assert!(back.0 < k.0);
    }

    #[test]
    fn a_foot_on_the_plate_hub_is_carried_from_where_it_stood() {
        let mut s: Series = vec![Some([300.0, 500.0, 0.9]); 10];
        // The network puts the ankle on the plate hub in two frames, with high visibility.
        s[3] = Some([360.0, 450.0, 0.95]);
        s[4] = Some([362.0, 452.0, 0.95]);
        let seen = |s: &Series, i: usize| s[i].is_some_and(|p| (p[0] - 360.0).hypot(p[1] - 450.0) > 40.0);
        let n = carry_foot(&mut s, |_| (300.0, 500.0), 30.0, &seen);
        assert_eq!(n, 2);
        assert_eq!(s[3], Some([300.0, 500.0, 0.0]));
    }
}
