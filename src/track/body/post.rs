//! From raw landmarks to the near-side body points the measurements use.
//!
//! 1. Near side: the side the network sees better over the whole set.
//! 2. Facing: where the nose and toes point relative to the ear and heel.
//! 3. Plausibility, where the peer (MediaPipe's own pipeline) fails on real side views: while
//!    the bar is low the near plate hides the feet and often the knee, and the network puts
//!    them on the plate hub, frequently with *high* visibility. Feet do not move during a set
//!    and shin and thigh keep their length, so: feet are carried from the frames where they
//!    are seen clear of the plate (either side's points: the network swaps them), and a knee
//!    that breaks the segment lengths is rebuilt from hip and ankle.
//! 4. Hip as the mean of both sides; knee from whichever side keeps the segment lengths,
//!    chosen over the whole set so the point does not hop between the two sides.
//! 5. Zero-phase smoothing.

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
/// Hip to ankle at this share of thigh plus shin or more is a straight leg: no knee rebuild.
const STRAIGHT_REACH: f64 = 0.98;
/// The lifter standing: this quantile of the hip-to-ankle reach over the set.
const STANDING_REACH_QUANTILE: f64 = 0.9;
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
    /// Frames where a foot (either side's points) was seen clear of the plate where the foot
    /// stands.
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

impl BodyTrack {
    /// The midpoint of the network's two hips per frame, in OpenCV pixel coordinates: when
    /// the hips start moving, not where they are. Both hips move together, and of the two
    /// readings one often answers a movement a few frames after the other. `points[].hip`
    /// follows the lower of the two ([`both_hips`]), which is the better place, but a rise
    /// shows in it only once the later reading has risen too: 2-4 frames late at the start of
    /// an early hip rise on the renders (docs/accuracy.md, "Hip-rise-before-bar"). The
    /// midpoint rises when either does, by half as much.
    pub fn hip_midpoints(&self) -> Vec<Option<(f64, f64)>> {
        self.midpoints(LEFT.hip, RIGHT.hip)
    }

    /// The midpoint of the network's two shoulders per frame (see `hip_midpoints`).
    pub fn shoulder_midpoints(&self) -> Vec<Option<(f64, f64)>> {
        self.midpoints(LEFT.shoulder, RIGHT.shoulder)
    }

    /// The midpoint of landmarks `left` and `right` per frame, in OpenCV pixel coordinates.
    fn midpoints(&self, left: usize, right: usize) -> Vec<Option<(f64, f64)>> {
        let mid = |f: &PoseFrame| {
            let (l, r) = (&f.points[left], &f.points[right]);
            (0.5 * (l.x + r.x) - 0.5, 0.5 * (l.y + r.y) - 0.5)
        };
        self.raw.frames.iter().map(|f| f.as_ref().map(mid)).collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FootPosition {
    pub heel: (f64, f64),
    pub toe: (f64, f64),
    pub ankle: (f64, f64),
    /// The mid-foot line's x: see [`midfoot_x`].
    pub midfoot_x: f64,
}

/// How far mid-foot stands ahead of the ankle bone, in shin lengths (knee to ankle). Foot
/// length is about 0.152 of stature and the shin 0.246 (Drillis and Contini's segment
/// proportions); the ankle bone sits about a quarter of the foot from the heel, so mid-foot
/// is about 0.04 of stature, 0.163 shins, ahead of it (a shoe adds about as much at the heel
/// as at the toe).
const MIDFOOT_AHEAD_OF_ANKLE: f64 = 0.163;

/// The mid-foot line's x: the mean of the heel-toe midpoint and the point the body's
/// proportions put ahead of the ankle. The network's heel and toe points sit inside the shoe
/// by different amounts from clip to clip (its foot is 5-11 cm short on the renders), while
/// its ankle is steady; the two estimates err independently, and their mean halves the
/// spread (docs/accuracy.md). Without a shin length or a facing it is the heel-toe midpoint.
fn midfoot_x(foot: &FootPosition, shin: Option<f64>, facing: Option<Facing>) -> f64 {
    let between = 0.5 * (foot.heel.0 + foot.toe.0);
    match (shin, facing) {
        (Some(shin), Some(f)) => 0.5 * (between + foot.ankle.0 + f.sign() * MIDFOOT_AHEAD_OF_ANKLE * shin),
        _ => between,
    }
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

    let under_plate = |i: usize, x: f64, y: f64| -> bool {
        plate
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|o| (x - o.ellipse.cx).hypot(y - o.ellipse.cy) < PLATE_COVER * o.ellipse.major())
    };
    let seen = |s: &Series, i: usize| s[i].is_some_and(|p| p[2] >= 0.5 && !under_plate(i, p[0], p[1]));

    let height = person_height(&raw.frames);
    let foot = foot_position(&raw.frames, &|i, l| under_plate(i, l.x, l.y), camera, height, &mut repairs);
    // The standing foot, found in the first frame's coordinates, where frame `i` shows it.
    let in_frame = |at: (f64, f64)| move |i: usize| camera.unsteady(i, at.0, at.1);
    let ankle_in_frame = foot.map(|f| in_frame(f.ankle));
    let ankle_in_frame = ankle_in_frame.as_ref().map(|f| f as &dyn Fn(usize) -> (f64, f64));
    let (hip, mut knee) = pick_hip_knee(&raw.frames, ankle_in_frame, height);
    // The shin ends at the standing foot's ankle when there is one: the near ankle's own
    // point is the one the network most often puts on the shin or the plate.
    let shin = match ankle_in_frame {
        Some(at) => {
            let standing: Series =
                (0..ankle.len()).map(|i| ankle[i].map(|_| at(i)).map(|(x, y)| [x, y, 1.0])).collect();
            segment_length(&knee, &standing, |i| seen(&knee, i))
        }
        None => segment_length(&knee, &ankle, |i| seen(&knee, i) && seen(&ankle, i)),
    };
    let thigh = segment_length(&hip, &knee, |i| seen(&knee, i) && hip[i].is_some_and(|p| p[2] >= 0.5));
    if let Some(foot) = foot {
        let wander = FOOT_WANDER * shin.unwrap_or(0.25 * height);
        repairs.ankle_replaced += carry_foot(&mut ankle, in_frame(foot.ankle), wander, &seen);
        carry_foot(&mut heel, in_frame(foot.heel), wander, &seen);
        carry_foot(&mut toe, in_frame(foot.toe), wander, &seen);
    }
    if let (Some(thigh), Some(shin)) = (thigh, shin) {
        let (thigh, shin) = within_standing_reach(thigh, shin, &hip, &ankle);
        let hidden: Vec<bool> = (0..knee.len()).map(|i| !seen(&knee, i)).collect();
        repairs.knee_rebuilt += rebuild_knees(&mut knee, &hip, &ankle, thigh, shin, facing, &|i| hidden[i]);
    }

    let mut named: Vec<Series> =
        vec![series(sp.shoulder), hip, knee, ankle, heel, toe, series(sp.ear), series(sp.wrist)];
    let scale = height.max(1.0);
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
        midfoot_x: midfoot_x(&f, shin, facing) - 0.5,
    });
    BodyTrack { near, facing, points, foot, repairs, raw }
}

/// Hip and knee per frame. Seen from the side both hips and both knees project to nearly the
/// same place, but the network often misplaces one side, and which side it gets right changes
/// through the lift (shake_blur: left hip 13 px high before lift-off, right hip right; the jan
/// history render: right hip 13 px forward and 5 px high at lockout, left hip right). The
/// thigh length hardly tells the two hips apart: choosing by it per frame made the point hop
/// between them (a hop before lift-off reads as hips rising early), keeping one side for the
/// set kept the wrong one at lockout (reads as leaning back), and the mean of both biased the
/// setup hip height. So the hip follows the lower of the two, smoothly ([`both_hips`]). The knee is the side that keeps thigh and shin their usual length, chosen over the
/// set so it switches only when the other side fits clearly better for a while.
fn pick_hip_knee(
    frames: &[Option<PoseFrame>],
    ankle: Option<&dyn Fn(usize) -> (f64, f64)>,
    height: f64,
) -> (Series, Series) {
    let close = 0.06 * height;
    let d = |a: (f64, f64), b: &Landmark| (a.0 - b.x).hypot(a.1 - b.y);
    let hip_at = |f: &PoseFrame| {
        let h = both_hips(f);
        (h[0], h[1])
    };
    let mid_knee = |f: &PoseFrame| {
        let (l, r) = (&f.points[LEFT.knee], &f.points[RIGHT.knee]);
        (0.5 * (l.x + r.x), 0.5 * (l.y + r.y))
    };
    // Usual lengths from the frames where both knees agree: there both are likely right.
    let agree: Vec<(usize, &PoseFrame)> = frames
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.as_ref().map(|f| (i, f)))
        .filter(|(_, f)| d(mid_knee(f), &f.points[LEFT.knee]) < 0.5 * close)
        .collect();
    let usual = |mut v: Vec<f64>| if v.len() >= 5 { signal::median(&mut v) } else { None };
    let thigh =
        usual(agree.iter().map(|(_, f)| (hip_at(f).0 - mid_knee(f).0).hypot(hip_at(f).1 - mid_knee(f).1)).collect());
    let shin = ankle.and_then(|ankle| {
        usual(agree.iter().map(|&(i, f)| (mid_knee(f).0 - ankle(i).0).hypot(mid_knee(f).1 - ankle(i).1)).collect())
    });
    let knees = [LEFT.knee, RIGHT.knee];
    let costs: Vec<Option<[f64; 2]>> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let f = f.as_ref()?;
            let a = ankle.map(|ankle| ankle(i));
            Some(knees.map(|k| {
                let knee = &f.points[k];
                let mut cost = 0.3 * (1.0 - knee.visibility);
                if let Some(t) = thigh {
                    cost += (d(hip_at(f), knee) / t - 1.0).abs();
                }
                if let (Some(sl), Some(a)) = (shin, a) {
                    cost += (d(a, knee) / sl - 1.0).abs();
                }
                cost
            }))
        })
        .collect();
    let path = steadiest_choices(&costs, |a, b| if a == b { 0.0 } else { KNEE_SWITCH_COST });
    frames
        .iter()
        .zip(path)
        .map(|(f, c)| match f {
            Some(f) => (Some(both_hips(f)), Some(point(&f.points[knees[c]]))),
            None => (None, None),
        })
        .unzip()
}

/// The hip point: both sides' hips blended toward the lower one. The network misplaces a hip
/// upward (onto the belt line, or the near hip while the plate covers it), rarely downward:
/// the lower of the two was the right one on every render looked at (shake_blur before lift-off,
/// the jan history render at lockout). The blend is smooth (over `HIP_BLEND_PX`), so the
/// point never jumps when the two cross.
fn both_hips(f: &PoseFrame) -> [f64; 3] {
    let (l, r) = (&f.points[LEFT.hip], &f.points[RIGHT.hip]);
    let w = 1.0 / (1.0 + (-(l.y - r.y) / HIP_BLEND_PX).exp());
    [w * l.x + (1.0 - w) * r.x, w * l.y + (1.0 - w) * r.y, l.visibility.max(r.visibility)]
}

/// Height difference (px) over which the hip blend passes from one side to the other.
const HIP_BLEND_PX: f64 = 3.0;

/// Cost of switching the knee from one side's landmark to the other's. The two sides' points
/// often sit a few centimetres apart, so a switch is a jump of the point; the per-frame costs
/// are shares of a segment length (0.05-0.3 between the sides), so a switch needs the other
/// side to fit clearly better for several frames.
const KNEE_SWITCH_COST: f64 = 0.5;

/// The sequence of choices (indices into each frame's costs) with the least total cost plus
/// switching cost (Viterbi). Frames without costs keep the choice.
fn steadiest_choices<const N: usize>(costs: &[Option<[f64; N]>], switch: impl Fn(usize, usize) -> f64) -> Vec<usize> {
    let mut total = [0.0; N];
    let mut came_from: Vec<[usize; N]> = Vec::with_capacity(costs.len());
    for c in costs {
        let Some(c) = c else {
            came_from.push(std::array::from_fn(|j| j));
            continue;
        };
        let mut next = [0.0; N];
        let mut from = [0; N];
        for j in 0..N {
            let (best, cost) =
                (0..N).map(|i| (i, total[i] + switch(i, j))).min_by(|a, b| a.1.total_cmp(&b.1)).unwrap_or((j, 0.0));
            (next[j], from[j]) = (cost + c[j], best);
        }
        total = next;
        came_from.push(from);
    }
    let mut at = (0..N).min_by(|&a, &b| total[a].total_cmp(&total[b])).unwrap_or(0);
    let mut path = vec![0; costs.len()];
    for (i, from) in came_from.iter().enumerate().rev() {
        path[i] = at;
        at = from[at];
    }
    path
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

/// One frame's reading of one side's foot (ankle, heel, toe) in the first frame's
/// coordinates, weighted by the network's least sure visibility of the three.
struct FootReading {
    frame: usize,
    points: [(f64, f64); 3],
    weight: f64,
}

/// Readings within this share of the person's height of each other agree on the foot.
const FOOT_AGREEMENT: f64 = 0.04;
/// Consensus candidates tried at most (evenly spaced); support is still counted over all.
const FOOT_CANDIDATES: usize = 1500;

/// Where the foot stands, in the first frame's coordinates. Seen from the side both feet
/// stand at nearly the same place in the picture, and the network often swaps them: at
/// lockout it regularly puts the near foot on the shin with high visibility while the far
/// side's points sit on the shoe. So the readings of both sides, clear of the plate, are
/// pooled, and the place most of them agree on wins; the foot is the median of the readings
/// there. At least a few agreeing frames are needed (lockout usually gives plenty).
fn foot_position(
    frames: &[Option<PoseFrame>],
    hidden: &dyn Fn(usize, &Landmark) -> bool,
    camera: &CameraMotion,
    height: f64,
    repairs: &mut Repairs,
) -> Option<FootPosition> {
    let readings = foot_readings(frames, hidden, camera);
    let radius = FOOT_AGREEMENT * height;
    let agree = |a: &FootReading, b: &FootReading| {
        a.points.iter().zip(&b.points).all(|(p, q)| (p.0 - q.0).hypot(p.1 - q.1) < radius)
    };
    let support = |c: &FootReading| readings.iter().filter(|r| agree(c, r)).map(|r| r.weight).sum::<f64>();
    let stride = readings.len().div_ceil(FOOT_CANDIDATES).max(1);
    let best = readings.iter().step_by(stride).map(|c| (c, support(c))).max_by(|a, b| a.1.total_cmp(&b.1))?.0;
    let inliers: Vec<&FootReading> = readings.iter().filter(|r| agree(best, r)).collect();
    let mut agreeing_frames: Vec<usize> = inliers.iter().map(|r| r.frame).collect();
    agreeing_frames.dedup();
    repairs.feet_seen = agreeing_frames.len();
    if agreeing_frames.len() < 3 {
        return None;
    }
    let at = |k: usize| median_xy(inliers.iter().map(|r| r.points[k]));
    let (ankle, heel, toe) = (at(0)?, at(1)?, at(2)?);
    Some(FootPosition { ankle, heel, toe, midfoot_x: 0.5 * (heel.0 + toe.0) })
}

/// Every side's foot the network is fairly sure of and the plate does not cover.
fn foot_readings(
    frames: &[Option<PoseFrame>],
    hidden: &dyn Fn(usize, &Landmark) -> bool,
    camera: &CameraMotion,
) -> Vec<FootReading> {
    let mut readings = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let Some(f) = f else { continue };
        for sp in [LEFT, RIGHT] {
            let marks = [&f.points[sp.ankle], &f.points[sp.heel], &f.points[sp.toe]];
            let weight = marks.iter().map(|l| l.visibility).fold(f64::MAX, f64::min);
            if weight < 0.5 || marks.iter().any(|l| hidden(i, l)) {
                continue;
            }
            let points = marks.map(|l| camera.steady(i, l.x, l.y));
            readings.push(FootReading { frame: i, points, weight });
        }
    }
    readings
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
        if reach >= STRAIGHT_REACH * (thigh + shin) {
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

/// Thigh and shin shortened in proportion, when needed, so that the lifter standing tall
/// reaches a straight leg. The lengths come from the frames where the network's knee is
/// seen; when it sits off the leg there (formfit_studio: thigh and shin 15% longer than the
/// standing reach), every straight leg behind the plate breaks them and is rebuilt as a bent
/// one, the knee thrown 40-60 px forward.
fn within_standing_reach(thigh: f64, shin: f64, hip: &Series, ankle: &Series) -> (f64, f64) {
    let reaches: Vec<f64> = hip
        .iter()
        .zip(ankle)
        .filter_map(|(h, a)| Some((h.as_ref()?[0] - a.as_ref()?[0]).hypot(h.as_ref()?[1] - a.as_ref()?[1])))
        .collect();
    let Some(standing) = signal::quantile(&reaches, STANDING_REACH_QUANTILE) else { return (thigh, shin) };
    let longest = standing / STRAIGHT_REACH;
    if thigh + shin <= longest {
        return (thigh, shin);
    }
    let k = longest / (thigh + shin);
    (thigh * k, shin * k)
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
    let h: Vec<f64> = frames
        .iter()
        .flatten()
        .map(|f| {
            let ys = f.points.iter().map(|p| p.y);
            let (lo, hi) = ys.fold((f64::MAX, f64::MIN), |(l, h), y| (l.min(y), h.max(y)));
            hi - lo
        })
        .collect();
    signal::quantile(&h, 0.9).unwrap_or(500.0)
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

    /// A set of 100 frames: the lifter bent (hip 150 px from the ankle) for 70 and standing
    /// (hip 200 px above it) for 30.
    fn bent_then_standing() -> (Series, Series) {
        let ankle: Series = vec![Some([100.0, 500.0, 1.0]); 100];
        let hip: Series = (0..100).map(|i| Some([100.0, if i < 70 { 350.0 } else { 300.0 }, 1.0])).collect();
        (hip, ankle)
    }

    #[test]
    fn segment_lengths_longer_than_the_standing_leg_are_shortened_to_it() {
        let (hip, ankle) = bent_then_standing();
        let (thigh, shin) = within_standing_reach(130.0, 110.0, &hip, &ankle);
        assert!((thigh + shin - 200.0 / STRAIGHT_REACH).abs() < 1e-9, "{thigh} + {shin}");
        assert!((thigh / shin - 130.0 / 110.0).abs() < 1e-9, "proportions kept: {thigh} / {shin}");
        // A standing leg is straight with these lengths, bent with the long ones.
        let (standing, feet) = (vec![Some([100.0, 299.5, 1.0])], vec![Some([100.0, 500.0, 1.0])]);
        let unsure_knee = || vec![Some([180.0, 400.0, 0.1])];
        assert_eq!(rebuild_knees(&mut unsure_knee(), &standing, &feet, thigh, shin, None, &|_| true), 0);
        assert_eq!(rebuild_knees(&mut unsure_knee(), &standing, &feet, 130.0, 110.0, None, &|_| true), 1);
    }

    #[test]
    fn segment_lengths_that_fit_the_standing_leg_are_kept() {
        let (hip, ankle) = bent_then_standing();
        assert_eq!(within_standing_reach(100.0, 100.0, &hip, &ankle), (100.0, 100.0));
        assert_eq!(within_standing_reach(100.0, 100.0, &vec![None; 100], &ankle), (100.0, 100.0));
    }

    fn frame_with_feet(near: (f64, f64), far: (f64, f64)) -> Option<PoseFrame> {
        let mark = |x: f64, y: f64| Landmark { x, y, visibility: 0.9, presence: 0.9 };
        // The other points at the top of the picture make the person 500 px tall.
        let mut points = [mark(0.0, 0.0); crate::track::body::landmarks::POSE_POINTS];
        for (sp, (x, y)) in [(LEFT, near), (RIGHT, far)] {
            points[sp.ankle] = mark(x, y - 20.0);
            points[sp.heel] = mark(x - 10.0, y);
            points[sp.toe] = mark(x + 40.0, y);
        }
        Some(PoseFrame { points, next_centre: (0.0, 0.0), next_scale: (1.0, 1.0), presence: 1.0, outline: None })
    }

    #[test]
    fn the_foot_is_where_most_readings_of_either_side_agree() {
        // At lockout the near side's foot lands on the shin (sure of itself), while the far
        // side's stays on the shoe; while the bar is low the near side is right.
        let shoe = (300.0, 500.0);
        let mut frames: Vec<Option<PoseFrame>> = (0..6).map(|_| frame_with_feet(shoe, (302.0, 501.0))).collect();
        frames.extend((0..8).map(|_| frame_with_feet((320.0, 380.0), (301.0, 499.0))));
        let mut repairs = Repairs::default();
        let still = CameraMotion::still(frames.len());
        let foot = foot_position(&frames, &|_, _| false, &still, person_height(&frames), &mut repairs).unwrap();
        assert!((foot.heel.0 - 290.0).abs() < 2.5 && (foot.heel.1 - 500.0).abs() < 2.5, "{foot:?}");
        assert!((foot.toe.0 - 340.0).abs() < 2.5, "{foot:?}");
        assert_eq!(repairs.feet_seen, 14);
    }

    #[test]
    fn the_hip_does_not_hop_between_sides_the_network_places_differently() {
        // Left hip 12 px above the right, the network surer of one side, then of the other.
        let frames: Vec<Option<PoseFrame>> = (0..10)
            .map(|i| {
                let mut f = frame_with_feet((300.0, 500.0), (300.0, 500.0)).unwrap();
                let sure = if i < 5 { 0.9 } else { 0.6 };
                f.points[LEFT.hip] = Landmark { x: 280.0, y: 288.0, visibility: sure, presence: 1.0 };
                f.points[RIGHT.hip] = Landmark { x: 282.0, y: 300.0, visibility: 1.5 - sure, presence: 1.0 };
                Some(f)
            })
            .collect();
        let (hip, _) = pick_hip_knee(&frames, None, 500.0);
        // The lower hip, whichever side the network is surer of; the same point every frame.
        assert!(hip.iter().all(|h| h == &hip[0]), "{hip:?}");
        let h = hip[0].unwrap();
        assert!((h[0] - 282.0).abs() < 0.1 && (h[1] - 300.0).abs() < 0.3, "{h:?}");
    }

    #[test]
    fn side_choices_do_not_flicker_on_small_differences() {
        // Choice 1 is slightly better on alternate frames; switching costs more than it gains.
        let costs: Vec<Option<[f64; 2]>> =
            (0..10).map(|i| Some(if i % 2 == 0 { [0.1, 0.2] } else { [0.2, 0.15] })).collect();
        assert_eq!(steadiest_choices(&costs, |a, b| if a == b { 0.0 } else { 0.5 }), vec![0; 10]);
        // A lasting change of the better side is followed, once.
        let costs: Vec<Option<[f64; 2]>> =
            (0..20).map(|i| Some(if i < 10 { [0.1, 0.4] } else { [0.4, 0.1] })).chain([None]).collect();
        let path = steadiest_choices(&costs, |a, b| if a == b { 0.0 } else { 0.5 });
        assert_eq!(path, (0..21).map(|i| usize::from(i >= 10)).collect::<Vec<_>>());
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
