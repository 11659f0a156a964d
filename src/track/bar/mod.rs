//! The bar track: which plate is the lifter's, and where its centre is in every frame.
//!
//! A gym frame holds many circles (plates on racks, on the floor, on the wall). Every
//! plausible plate in the first frames is followed; the one that rises and falls like a
//! barbell is the bar, the others are dropped once the bar has proved itself. This keeps one
//! pass over the video (no second decode) and needs no marker.

pub mod detect;
pub mod plate;
pub mod rim;

use crate::error::{Error, Result};
use crate::track::image::ImageView;
use crate::track::FrameImages;
use opencv::core::Mat;
use opencv::prelude::*;
use plate::{PlateObs, PlateTracker};
use rim::RimFit;
use std::path::PathBuf;

/// How many plate candidates are followed at once.
const MAX_CANDIDATES: usize = 4;
/// A candidate lost for this long (seconds) is given up, unless it is the only one.
const GIVE_UP_SECONDS: f64 = 2.0;
/// A lost plate is looked for again within this many diameters of where it was last seen...
const RESEAT_REACH: f64 = 1.5;
/// ...among circles whose size is within this share of its own.
const RESEAT_SIZE_TOLERANCE: f64 = 0.15;
/// Tracking a late-found plate back toward the first frame stops after it has been lost
/// this long (seconds): it left the frame, or was never there.
const BACK_LOST_SECONDS: f64 = 0.5;
/// Seconds of search for a plate before giving up.
const SEARCH_SECONDS: f64 = 3.0;
/// How often (seconds) the circle search runs again near the hands within `SEARCH_SECONDS`.
const SEARCH_AGAIN_SECONDS: f64 = 0.5;
/// How far from a wrist (in the plate's radii) a plate found by that search may be centred:
/// the wrist landmark sits above the grip, up to a plate's radius from the bar in real clips.
const NEAR_HANDS_RADII: f64 = 1.5;

#[derive(Debug, Clone, Default)]
pub struct BarOptions {
    /// A point on the near plate (its centre) given by the user.
    pub hint: Option<(f64, f64)>,
}

/// The bar in every frame, and what the plate says about scale and camera angle.
#[derive(Debug, Clone, PartialEq)]
pub struct BarTrack {
    pub obs: Vec<Option<PlateObs>>,
    /// Median rim diameter along the plate's longer axis in pixels (a disc seen at an angle
    /// narrows along one axis only, so the longer one keeps the true diameter).
    pub plate_diameter_px: f64,
    /// Median minor/major axis ratio; 1 for a camera square to the bar.
    pub plate_aspect: f64,
    /// Vertical travel of the chosen plate in diameters (a barbell moves, a wall plate not).
    pub travel_diameters: f64,
    pub candidates_followed: usize,
    /// The plate's diameter if its edge is the partly seen rim outside the followed one
    /// (`detect::partly_seen_rim`, median over the frames checked); `None` when none was found
    /// on enough of them. A second opinion for when the followed size makes the lifter
    /// implausibly tall.
    pub partly_seen_diameter_px: Option<f64>,
}

struct Hypothesis {
    tracker: PlateTracker,
    obs: Vec<Option<PlateObs>>,
    min_y: f64,
    max_y: f64,
    diameter: f64,
    /// `partly_seen_rim` diameters, one per frame checked (every `PARTLY_SEEN_EVERY`).
    partly_seen: Vec<Option<f64>>,
}

impl Hypothesis {
    fn new(gray: &Mat, fit: &RimFit, frame: usize) -> Result<Self> {
        let mut obs = vec![None; frame];
        obs.push(Some(PlateObs { ellipse: fit.ellipse, conf: fit.support.min(1.0), size_measured: true }));
        Ok(Hypothesis {
            tracker: PlateTracker::new(gray, fit)?,
            obs,
            min_y: fit.ellipse.cy,
            max_y: fit.ellipse.cy,
            diameter: 2.0 * fit.ellipse.major(),
            partly_seen: Vec::new(),
        })
    }

    fn travel(&self) -> f64 {
        (self.max_y - self.min_y) / self.diameter
    }

    fn seen_share(&self) -> f64 {
        let seen = self.obs.iter().filter(|o| o.is_some()).count();
        seen as f64 / self.obs.len().max(1) as f64
    }

    /// How barbell-like this is: a large, clearly seen rim that travels. Travel saturates at
    /// half a diameter, so a round body part that moves more than the bar (a shoulder, the
    /// head) cannot outscore the plate; rim quality and size separate them.
    fn bar_score(&self) -> f64 {
        let mut support: Vec<f64> = self.obs.iter().flatten().map(|o| o.conf).collect();
        let support = crate::signal::median(&mut support).unwrap_or(0.0);
        (self.travel().min(0.5) + 0.02) * self.seen_share() * support * self.diameter.sqrt()
    }

    fn step(&mut self, frame: &FrameImages, view: &ImageView) -> Result<()> {
        let obs = self.tracker.step(frame, view)?;
        if let Some(o) = obs {
            if o.conf >= 0.5 {
                self.min_y = self.min_y.min(o.ellipse.cy);
                self.max_y = self.max_y.max(o.ellipse.cy);
            }
            if o.size_measured && self.obs.len() % PARTLY_SEEN_EVERY == 0 {
                self.partly_seen.push(detect::partly_seen_rim(view, &o.ellipse).map(|r| 2.0 * r.ellipse.major()));
            }
        }
        self.obs.push(obs);
        Ok(())
    }

    /// The median partly seen diameter when at least half the frames checked (and
    /// `MIN_PARTLY_SEEN_CHECKS`) found one.
    fn partly_seen_diameter(&self) -> Option<f64> {
        let mut found: Vec<f64> = self.partly_seen.iter().flatten().copied().collect();
        let enough = found.len() >= MIN_PARTLY_SEEN_CHECKS && 2 * found.len() >= self.partly_seen.len();
        enough.then(|| crate::signal::median(&mut found)).flatten()
    }
}

/// How often (frames) a followed plate is searched for a partly seen rim outside it.
const PARTLY_SEEN_EVERY: usize = 10;
/// A partly seen rim must be found on at least this many checks to count.
const MIN_PARTLY_SEEN_CHECKS: usize = 3;

/// Follows the chosen plate backward, frame by frame, from where it was first seen
/// (`BarTracker::back_tracker`, `BarTracker::step_back`).
pub struct BackTracker {
    chosen: usize,
    /// The frame the tracker has reached (it is given the one before next).
    next: usize,
    tracker: PlateTracker,
}

impl BackTracker {
    /// The frame the next `step_back` wants.
    pub fn wants(&self) -> Option<usize> {
        self.next.checked_sub(1)
    }
}

/// Streams frames in, one grey frame at a time.
pub struct BarTracker {
    options: BarOptions,
    fps: f64,
    path: PathBuf,
    hypotheses: Vec<Hypothesis>,
    frames: usize,
    followed: usize,
}

impl BarTracker {
    pub fn new(path: PathBuf, fps: f64, options: BarOptions) -> Self {
        BarTracker { options, fps, path, hypotheses: Vec::new(), frames: 0, followed: 0 }
    }

    /// Follows the plates into the next frame. `hands` is where the lifter's hands are in
    /// this frame when the body is known: the bar end projects onto them, so a plate that
    /// the circle search misses (cut off by the frame, many-sided, low contrast) is looked for
    /// there.
    pub fn push(&mut self, frame: &FrameImages, hands: Option<Hands>) -> Result<()> {
        let index = self.frames;
        self.frames += 1;
        let view = ImageView::from_mat(frame.colour)?;
        if self.hypotheses.is_empty() {
            return self.start(frame, index, hands);
        }
        for h in &mut self.hypotheses {
            h.step(frame, &view)?;
        }
        self.reseat_lost(frame, index)?;
        self.search_near_hands(frame, index, hands)?;
        self.look_at_hands(frame, index, hands)?;
        self.give_up_lost();
        Ok(())
    }

    /// Looks for plates on the first frame, then every few frames until one is found.
    fn start(&mut self, frame: &FrameImages, index: usize, hands: Option<Hands>) -> Result<()> {
        let every = (self.fps / 5.0).round().max(1.0) as usize;
        if index % every != 0 || index as f64 > SEARCH_SECONDS * self.fps {
            return Ok(());
        }
        let mut fits = match self.options.hint {
            Some((x, y)) => {
                let fit = detect::plate_at(frame, x, y, None)?;
                if fit.is_none() && index == 0 {
                    return Err(Error::NoPlateAtHint { x, y });
                }
                fit.into_iter().collect()
            }
            None => detect::detect_plates(frame, MAX_CANDIDATES)?,
        };
        if self.options.hint.is_none() {
            for fit in plates_at_hands(frame, hands)? {
                if !fits.iter().any(|f| same_plate(f, &fit)) {
                    fits.push(fit);
                }
            }
        }
        for fit in fits {
            self.follow(frame, &fit, index);
        }
        Ok(())
    }

    fn follow(&mut self, frame: &FrameImages, fit: &RimFit, index: usize) {
        if let Ok(h) = Hypothesis::new(frame.gray, fit, index) {
            self.hypotheses.push(h);
            self.followed += 1;
        }
    }

    /// During the first seconds, runs the circle search again and follows plates it finds
    /// near the lifter's hands that are not followed yet. The first frame's search can miss
    /// the bar's plate (a hand over its rim, its edge cut off by the frame) and find only
    /// other circles, and a found candidate ends `start`'s search; the far plate, next to the
    /// wrists in a side view, does not stop this one. Only near the hands: circles elsewhere
    /// (a ball on the wall, the lifter's back) can outscore a plate when the bar is chosen.
    fn search_near_hands(&mut self, frame: &FrameImages, index: usize, hands: Option<Hands>) -> Result<()> {
        let every = (SEARCH_AGAIN_SECONDS * self.fps).round().max(1.0) as usize;
        let Some(h) = hands else { return Ok(()) };
        let searching = index % every == 0 && index as f64 <= SEARCH_SECONDS * self.fps;
        if self.options.hint.is_some() || !searching || self.hypotheses.len() >= 2 * MAX_CANDIDATES {
            return Ok(());
        }
        let (smallest, largest) = plate_radii(&h);
        let plate_sized = |r: f64| (smallest..=largest).contains(&r);
        let near_hands = |e: &rim::Ellipse| h.distance_to(e) < NEAR_HANDS_RADII * e.major();
        for fit in detect::detect_plates(frame, MAX_CANDIDATES)? {
            // A plate a lost candidate would be re-seated on is that candidate's: a second
            // one there would block the re-seat (`reseat_lost` leaves circles another
            // candidate sits on) and split the plate's track in two.
            let known = self.hypotheses.iter().any(|x| {
                let e = x.tracker.ellipse();
                sits_on(&e, &fit) || (x.tracker.lost_for() > 0 && could_reseat(&e, &fit))
            });
            let wanted = !known && near_hands(&fit.ellipse) && plate_sized(fit.ellipse.major());
            if wanted && self.hypotheses.len() < 2 * MAX_CANDIDATES {
                self.follow(frame, &fit, index);
            }
        }
        Ok(())
    }

    /// During the first seconds, when no followed plate is at the lifter's hands, looks for
    /// one there (the body may be found only after the first frame).
    fn look_at_hands(&mut self, frame: &FrameImages, index: usize, hands: Option<Hands>) -> Result<()> {
        let every = (self.fps / 3.0).round().max(1.0) as usize;
        let Some(h) = hands else { return Ok(()) };
        if self.options.hint.is_some() || index % every != 0 || index as f64 > SEARCH_SECONDS * self.fps {
            return Ok(());
        }
        let near_hands = |e: &rim::Ellipse| h.distance_to(e) < 0.6 * e.major();
        if self.hypotheses.iter().any(|x| x.tracker.lost_for() == 0 && near_hands(&x.tracker.ellipse())) {
            return Ok(());
        }
        for fit in plates_at_hands(frame, hands)? {
            let known = self.hypotheses.iter().any(|x| sits_on(&x.tracker.ellipse(), &fit));
            if !known && self.hypotheses.len() < 2 * MAX_CANDIDATES {
                self.follow(frame, &fit, index);
            }
        }
        Ok(())
    }

    /// A plate lost for a while (hidden by a passer-by, or a bad jump) is looked for again
    /// among fresh detections of the same size.
    fn reseat_lost(&mut self, frame: &FrameImages, index: usize) -> Result<()> {
        let every = (self.fps / 6.0).round().max(1.0) as usize;
        let needs: Vec<usize> = (0..self.hypotheses.len())
            .filter(|&i| {
                let lost = self.hypotheses[i].tracker.lost_for();
                lost >= every && lost % every == 0
            })
            .collect();
        if needs.is_empty() {
            return Ok(());
        }
        let fits = detect::detect_plates(frame, 2 * MAX_CANDIDATES)?;
        for i in needs {
            let last = self.hypotheses[i].tracker.ellipse();
            let same_size = fits
                .iter()
                .filter(|f| could_reseat(&last, f))
                .filter(|f| {
                    !self.hypotheses.iter().enumerate().any(|(j, o)| {
                        j != i && o.tracker.lost_for() == 0 && {
                            let e = o.tracker.ellipse();
                            (e.cx - f.ellipse.cx).hypot(e.cy - f.ellipse.cy) < 0.5 * e.major()
                        }
                    })
                })
                .min_by(|x, y| {
                    let dx = (x.ellipse.cx - last.cx).hypot(x.ellipse.cy - last.cy);
                    let dy = (y.ellipse.cx - last.cx).hypot(y.ellipse.cy - last.cy);
                    dx.total_cmp(&dy)
                });
            if let Some(fit) = same_size {
                let h = &mut self.hypotheses[i];
                h.tracker = PlateTracker::new(frame.gray, fit)?;
                if let Some(slot) = h.obs.get_mut(index) {
                    *slot = Some(PlateObs { ellipse: fit.ellipse, conf: fit.support.min(1.0), size_measured: true });
                }
            }
        }
        Ok(())
    }

    /// Stops following candidates that have been out of sight for long (a plate carried out
    /// of the frame, a circle that was never a plate), keeping at least one.
    fn give_up_lost(&mut self) {
        let limit = (GIVE_UP_SECONDS * self.fps) as usize;
        if self.hypotheses.iter().any(|h| h.tracker.lost_for() < limit) {
            self.hypotheses.retain(|h| h.tracker.lost_for() < limit);
        }
    }

    /// Every plate being followed, where it is now.
    pub fn followed_plates(&self) -> impl Iterator<Item = rim::Ellipse> + '_ {
        self.hypotheses.iter().map(|h| h.tracker.ellipse())
    }

    /// Where the bar most likely is in the latest frame (the most barbell-like plate so far).
    pub fn latest(&self) -> Option<(f64, f64)> {
        let best = self.hypotheses.iter().max_by(|a, b| a.bar_score().total_cmp(&b.bar_score()))?;
        best.obs.last().copied().flatten().map(|o| (o.ellipse.cx, o.ellipse.cy))
    }

    /// The bar's track, chosen among the plates followed. `hands` gives, per frame, where the
    /// lifter's hands are when the body is known: the bar is in them (in a side view the bar
    /// end projects onto the hands), which tells the plate from a round head or knee that
    /// also moves up and down.
    pub fn finish(self, hands: &[Option<Hands>]) -> Result<BarTrack> {
        let chosen = self.choose(hands);
        self.finish_with(chosen, hands)
    }

    /// Which followed plate is the bar (`finish`), by index; `None` when none was followed.
    pub fn choose(&self, hands: &[Option<Hands>]) -> Option<usize> {
        let score = |h: &Hypothesis| h.bar_score() * hands_factor(h, hands);
        (0..self.hypotheses.len()).max_by(|&a, &b| score(&self.hypotheses[a]).total_cmp(&score(&self.hypotheses[b])))
    }

    /// The frame the chosen plate was first seen in, when that is not the first frame: a plate
    /// found by a later search was there before, and `analyze` follows it back there
    /// (`back_tracker`, `step_back`).
    pub fn first_seen(&self, chosen: usize) -> Option<usize> {
        let h = self.hypotheses.get(chosen)?;
        h.obs.iter().position(Option::is_some).filter(|&first| first > 0)
    }

    /// A tracker for following the chosen plate backward from `first_seen`, set up on that
    /// frame (`frame`) from the plate as it was seen there.
    pub fn back_tracker(&self, chosen: usize, frame: &FrameImages) -> Result<Option<BackTracker>> {
        let Some(first) = self.first_seen(chosen) else { return Ok(None) };
        let Some(seen) = self.hypotheses[chosen].obs[first] else { return Ok(None) };
        let fit = RimFit { ellipse: seen.ellipse, support: seen.conf, in_frame: 1.0, contrast: 0.0, rms_px: 0.0 };
        Ok(Some(BackTracker { chosen, next: first, tracker: PlateTracker::new(frame.gray, &fit)? }))
    }

    /// Follows `back` into `frame`, the one it `wants`, and keeps what it finds there; false
    /// when it has stopped (at the first frame, or lost too long).
    pub fn step_back(&mut self, back: &mut BackTracker, frame: &FrameImages) -> Result<bool> {
        let Some(index) = back.wants() else { return Ok(false) };
        back.next = index;
        let view = ImageView::from_mat(frame.colour)?;
        self.hypotheses[back.chosen].obs[index] = back.tracker.step(frame, &view)?;
        let lost_limit = (BACK_LOST_SECONDS * self.fps).round().max(1.0) as usize;
        Ok(index > 0 && back.tracker.lost_for() < lost_limit)
    }

    /// The bar's track from the plate `choose` picked (`finish`).
    pub fn finish_with(self, chosen: Option<usize>, hands: &[Option<Hands>]) -> Result<BarTrack> {
        let frames = self.frames;
        let candidates_followed = self.followed;
        let no_plate = || Error::NoPlate {
            path: self.path.clone(),
            frames_searched: ((SEARCH_SECONDS * self.fps) as usize).min(frames),
        };
        let index = chosen.ok_or_else(no_plate)?;
        let best = self.hypotheses.into_iter().nth(index).ok_or_else(no_plate)?;
        let travel_diameters = best.travel();
        let partly_seen_diameter_px = best.partly_seen_diameter();
        let mut obs = best.obs;
        obs.resize(frames, None);
        drop_stretches_away_from_hands(&mut obs, hands);
        bridge_gaps(&mut obs, (BRIDGE_SECONDS * self.fps).round().max(2.0) as usize, BRIDGE_MAX_SPEED / self.fps);
        let (plate_diameter_px, plate_aspect) = plate_size(&obs);
        Ok(BarTrack {
            obs,
            plate_diameter_px,
            plate_aspect,
            travel_diameters,
            candidates_followed,
            partly_seen_diameter_px,
        })
    }
}

/// Longest run of frames without a plate fit that is filled in between the fits around it.
/// A quick lift-off can blur the rim for a few frames; a bar does not jump in that time.
const BRIDGE_SECONDS: f64 = 0.25;
/// Fastest bar the bridge believes, in plate diameters per second (3.5 = 1.6 m/s with a 45 cm
/// plate, faster than a deadlift moves the bar). A larger jump across a gap is a cut in the video or a switch
/// to another plate, and is left as a gap.
const BRIDGE_MAX_SPEED: f64 = 3.5;

/// Fills interior gaps of at most `max_gap` frames by straight-line interpolation between the
/// fits on either side, at half the weaker neighbour's confidence (the result says how sure
/// each frame is). Gaps at the ends, longer gaps and jumps faster than `max_step` plate
/// diameters per frame stay empty: the bar was really lost.
fn bridge_gaps(obs: &mut [Option<PlateObs>], max_gap: usize, max_step: f64) {
    let mut last: Option<usize> = None;
    for i in 0..obs.len() {
        let Some(b) = obs[i] else { continue };
        if let Some(a_i) = last {
            let gap = i - a_i - 1;
            let a = obs[a_i].expect("last points at a fit");
            let step = (b.ellipse.cx - a.ellipse.cx).hypot(b.ellipse.cy - a.ellipse.cy)
                / (2.0 * a.ellipse.major()).max(1.0)
                / (i - a_i) as f64;
            if gap > 0 && gap <= max_gap && step <= max_step {
                for (k, slot) in obs.iter_mut().enumerate().take(i).skip(a_i + 1) {
                    let t = (k - a_i) as f64 / (i - a_i) as f64;
                    let mut e = a.ellipse;
                    e.cx += t * (b.ellipse.cx - a.ellipse.cx);
                    e.cy += t * (b.ellipse.cy - a.ellipse.cy);
                    *slot = Some(PlateObs { ellipse: e, conf: 0.5 * a.conf.min(b.conf), size_measured: false });
                }
            }
        }
        last = Some(i);
    }
}

/// A stretch of the track (frames between two losses) whose place relative to the hands
/// differs this much, in trunk lengths, from the rest of the track's is something else.
const AWAY_FROM_HANDS: f64 = 0.5;
/// The hands only have a say when they hold the plate: the offset's median deviation over
/// the whole track, in trunk lengths, is below this.
const HELD_SPREAD: f64 = 0.2;

/// Drops the stretches of the track that left the lifter's hands. When the plate is hidden
/// (someone walks past, the lifter turns), the re-acquisition can lock onto another round
/// thing and follow it smoothly; the hands, which the body tracker still places, tell. The
/// test is the plate's offset from the nearer wrist (the far one is often guessed), which stays the same while the bar is held
/// (the wrist landmark sits above the grip, by an amount that depends on the model and the
/// hand), compared with its median over the whole track. Judged per stretch (its median),
/// never per frame, so one misplaced wrist drops nothing; a stretch holding half the track
/// or more is never dropped (then the hands are what is wrong).
fn drop_stretches_away_from_hands(obs: &mut [Option<PlateObs>], hands: &[Option<Hands>]) {
    let offset = |i: usize| -> Option<(f64, f64, f64)> {
        let (o, h) = (obs[i].as_ref()?, hands.get(i)?.as_ref()?);
        let d = |p: (f64, f64)| (p.0 - o.ellipse.cx).hypot(p.1 - o.ellipse.cy);
        let wrist = if d(h.left) <= d(h.right) { h.left } else { h.right };
        Some((o.ellipse.cx - wrist.0, o.ellipse.cy - wrist.1, h.trunk_px.max(1.0)))
    };
    let median_of = |range: std::ops::Range<usize>| -> Option<(f64, f64, f64)> {
        let all: Vec<(f64, f64, f64)> = range.filter_map(offset).collect();
        let pick = |k: usize| {
            let mut v: Vec<f64> = all.iter().map(|o| [o.0, o.1, o.2][k]).collect();
            crate::signal::median(&mut v)
        };
        Some((pick(0)?, pick(1)?, pick(2)?))
    };
    let Some(typical) = median_of(0..obs.len()) else { return };
    let mut spread: Vec<f64> =
        (0..obs.len()).filter_map(offset).map(|o| (o.0 - typical.0).hypot(o.1 - typical.1) / o.2).collect();
    if !crate::signal::median(&mut spread).is_some_and(|s| s < HELD_SPREAD) {
        return; // The wrists do not hold this plate (another person, a lost pose): no say.
    }
    let seen = obs.iter().flatten().count();
    let mut drop = Vec::new();
    let mut i = 0;
    while i < obs.len() {
        if obs[i].is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < obs.len() && obs[i].is_some() {
            i += 1;
        }
        let far =
            median_of(start..i).is_some_and(|m| (m.0 - typical.0).hypot(m.1 - typical.1) / typical.2 > AWAY_FROM_HANDS);
        if far && 2 * (i - start) < seen {
            drop.push(start..i);
        }
    }
    for range in drop {
        obs[range].fill(None);
    }
}

/// Plates centred at the lifter's hands, sized like a plate next to that body (`plate_radii`).
fn plates_at_hands(frame: &FrameImages, hands: Option<Hands>) -> Result<Vec<RimFit>> {
    let Some(h) = hands else { return Ok(Vec::new()) };
    let (w, ht) = (frame.colour.cols() as f64, frame.colour.rows() as f64);
    let radii = plate_radii(&h);
    let mut out: Vec<RimFit> = Vec::new();
    for (x, y) in [h.left, h.right] {
        if !(0.0..w).contains(&x) || !(0.0..ht).contains(&y) || !(h.trunk_px > 10.0) {
            continue;
        }
        if let Some(fit) = detect::plate_at(frame, x, y, Some(radii))? {
            if !out.iter().any(|f| same_plate(f, &fit)) {
                out.push(fit);
            }
        }
    }
    Ok(out)
}

/// Whether a fresh fit is the plate a candidate already follows (its centre within 0.3 of
/// the followed rim's radius).
fn sits_on(followed: &rim::Ellipse, fit: &RimFit) -> bool {
    (followed.cx - fit.ellipse.cx).hypot(followed.cy - fit.ellipse.cy) < 0.3 * followed.major()
}

/// Whether a lost plate last seen as `last` may be re-seated on `fit`: about its size, and
/// near where it was lost.
fn could_reseat(last: &rim::Ellipse, fit: &RimFit) -> bool {
    let same_size = (fit.ellipse.major() / last.major() - 1.0).abs() < RESEAT_SIZE_TOLERANCE;
    same_size && (fit.ellipse.cx - last.cx).hypot(fit.ellipse.cy - last.cy) < RESEAT_REACH * 2.0 * last.major()
}

/// Radii a plate held by these hands can have: a 45 cm plate is about as wide as the trunk is
/// long; perspective and smaller plates widen the range.
fn plate_radii(h: &Hands) -> (f64, f64) {
    (0.2 * h.trunk_px, 0.9 * h.trunk_px)
}

fn same_plate(a: &RimFit, b: &RimFit) -> bool {
    (a.ellipse.cx - b.ellipse.cx).hypot(a.ellipse.cy - b.ellipse.cy) < 0.3 * a.ellipse.major()
        && (a.ellipse.major() / b.ellipse.major() - 1.0).abs() < 0.2
}

/// Where the lifter's hands are in one frame: both wrists, and the trunk length as a scale.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hands {
    pub left: (f64, f64),
    pub right: (f64, f64),
    pub trunk_px: f64,
}

impl Hands {
    /// Distance from the nearer wrist to a circle's centre, in pixels.
    fn distance_to(&self, e: &rim::Ellipse) -> f64 {
        let d = |p: (f64, f64)| (p.0 - e.cx).hypot(p.1 - e.cy);
        d(self.left).min(d(self.right))
    }
}

/// How well a followed circle fits the lifter's barbell given the body: its centre near the
/// hands (in a side view the bar end projects onto them; a camera above or below the bar
/// shifts it a little), and its size that of a plate next to that body (a 45 cm plate is
/// about as wide as the trunk is long). A round head, a knee or a collar fails one of the
/// two. 1 without a body.
fn hands_factor(h: &Hypothesis, hands: &[Option<Hands>]) -> f64 {
    let mut near = Vec::new();
    let mut size = Vec::new();
    for (o, hand) in h.obs.iter().zip(hands) {
        let (Some(o), Some(hand)) = (o.as_ref(), hand.as_ref()) else { continue };
        let trunk = hand.trunk_px.max(1.0);
        near.push(hand.distance_to(&o.ellipse) / trunk);
        size.push(2.0 * o.ellipse.major() / trunk);
    }
    let (Some(d), Some(ratio)) = (crate::signal::median(&mut near), crate::signal::median(&mut size)) else {
        return 1.0;
    };
    let at_hands = 1.0 / (1.0 + d * d);
    let plate_sized = (-(ratio / 0.95).ln().powi(2) / (2.0 * 0.4f64.powi(2))).exp();
    at_hands * plate_sized
}

/// Median diameter and roundness over confident frames that measured the size.
fn plate_size(obs: &[Option<PlateObs>]) -> (f64, f64) {
    let confident: Vec<&PlateObs> = obs.iter().flatten().filter(|o| o.conf >= 0.6 && o.size_measured).collect();
    let pool: Vec<&PlateObs> = if confident.len() >= 5 { confident } else { obs.iter().flatten().collect() };
    let mut d: Vec<f64> = pool.iter().map(|o| 2.0 * o.ellipse.major()).collect();
    let mut r: Vec<f64> = pool.iter().map(|o| o.ellipse.roundness()).collect();
    (crate::signal::median(&mut d).unwrap_or(f64::NAN), crate::signal::median(&mut r).unwrap_or(f64::NAN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::track::bar::rim::Ellipse;

    fn fit(x: f64) -> Option<PlateObs> {
        Some(PlateObs { ellipse: Ellipse::circle(x, 2.0 * x, 50.0), conf: 0.8, size_measured: true })
    }

    fn hands_at(x: f64, y: f64) -> Option<Hands> {
        Some(Hands { left: (x, y), right: (x + 5.0, y), trunk_px: 100.0 })
    }

    #[test]
    fn a_stretch_that_leaves_the_hands_is_dropped_but_not_the_track() {
        let at =
            |x: f64, y: f64| Some(PlateObs { ellipse: Ellipse::circle(x, y, 50.0), conf: 0.8, size_measured: true });
        // Ten frames at the hands, a loss, four frames 150 px above them, a loss, five at the hands.
        let mut obs: Vec<Option<PlateObs>> = (0..10).map(|i| at(300.0, 400.0 - i as f64)).collect();
        obs.push(None);
        obs.extend((0..4).map(|_| at(300.0, 250.0)));
        obs.push(None);
        obs.extend((0..5).map(|_| at(300.0, 400.0)));
        let mut hands: Vec<Option<Hands>> = obs.iter().map(|_| hands_at(300.0, 400.0)).collect();
        hands[3] = hands_at(900.0, 100.0); // one misplaced wrist drops nothing
        let mut dropped = obs.clone();
        drop_stretches_away_from_hands(&mut dropped, &hands);
        assert!(dropped[11..15].iter().all(Option::is_none), "the stretch above the hands goes");
        assert_eq!(dropped[..11], obs[..11]);
        assert_eq!(dropped[15..], obs[15..]);

        // Without a body, or with wrists that do not hold the plate (another person, a lost
        // pose), nothing goes.
        let mut kept = obs.clone();
        drop_stretches_away_from_hands(&mut kept, &vec![None; obs.len()]);
        assert_eq!(kept, obs);
        let wandering: Vec<Option<Hands>> =
            (0..obs.len()).map(|i| hands_at(((37 * i) % 500) as f64, ((53 * i) % 300) as f64)).collect();
        drop_stretches_away_from_hands(&mut kept, &wandering);
        assert_eq!(kept, obs);
        // A constant offset from the wrists (the landmark sits above the grip) is normal.
        let above: Vec<Option<Hands>> = hands.iter().map(|_| hands_at(300.0, 330.0)).collect();
        drop_stretches_away_from_hands(&mut kept, &above);
        assert!(kept[11..15].iter().all(Option::is_none), "judged by the offset, not the distance");
        assert_eq!(kept[..11], obs[..11]);
    }

    /// A grey 320 x 240 frame with dark discs (a ring on the wall, a plate) on a light wall.
    fn frame_with(discs: &[Ellipse]) -> Mat {
        use crate::track::bar::rim::tests::{disc_image, mat_from};
        let mut img = vec![200u8; 320 * 240];
        for &d in discs {
            for (p, q) in img.iter_mut().zip(disc_image(320, 240, d, 40, 200)) {
                *p = (*p).min(q);
            }
        }
        mat_from(&img, 320, 240)
    }

    /// Frame 0 shows only a ring on the wall (the plate hidden); from frame 1 the plate is
    /// there, still until frame 40, then lifted 100 px by frame 70. The wrists sit 50 px
    /// above the plate's centre (above the grip, as on real clips), too far for the search
    /// centred on them to find it.
    fn hidden_first_frame(i: usize) -> Mat {
        let wall = Ellipse::circle(60.0, 60.0, 25.0);
        if i == 0 {
            frame_with(&[wall])
        } else {
            frame_with(&[wall, Ellipse::circle(220.0, plate_y(i), 40.0)])
        }
    }

    fn plate_y(i: usize) -> f64 {
        190.0 - 100.0 * ((i.clamp(40, 70) - 40) as f64 / 30.0)
    }

    fn wrists(i: usize) -> Option<Hands> {
        Some(Hands { left: (220.0, plate_y(i) - 50.0), right: (225.0, plate_y(i) - 50.0), trunk_px: 100.0 })
    }

    #[test]
    fn a_plate_the_first_search_missed_is_found_near_the_hands_and_followed_back() {
        let mut bar = BarTracker::new(PathBuf::from("synthetic"), 30.0, BarOptions::default());
        let frames: Vec<Mat> = (0..90).map(hidden_first_frame).collect();
        let hands: Vec<Option<Hands>> = (0..90).map(wrists).collect();
        for (i, frame) in frames.iter().enumerate() {
            bar.push(&FrameImages { colour: frame, gray: frame }, hands[i]).unwrap();
        }
        let chosen = bar.choose(&hands);
        let first = bar.first_seen(chosen.unwrap()).expect("found by a later search");
        assert_eq!(first, 15, "the second search runs every 0.5 s");
        let start = FrameImages { colour: &frames[first], gray: &frames[first] };
        let mut back = bar.back_tracker(chosen.unwrap(), &start).unwrap().unwrap();
        while let Some(i) = back.wants() {
            if !bar.step_back(&mut back, &FrameImages { colour: &frames[i], gray: &frames[i] }).unwrap() {
                break;
            }
        }
        let track = bar.finish_with(chosen, &hands).unwrap();
        for i in [1, 14, 85] {
            let seen = track.obs[i].unwrap_or_else(|| panic!("no plate in frame {i}"));
            assert!((seen.ellipse.cx - 220.0).abs() < 2.0 && (seen.ellipse.cy - plate_y(i)).abs() < 2.0, "{seen:?}");
        }
        assert!(track.obs[0].is_none(), "the plate is hidden in frame 0");
        assert!((track.plate_diameter_px - 80.0).abs() < 3.0, "{}", track.plate_diameter_px);
    }

    #[test]
    fn circles_far_from_the_hands_are_not_added_by_the_second_search() {
        // The same clip with the wrists 200 px to the left of the plate: only the first
        // frame's wall ring is followed, and it is the (wrong) answer, as before the search.
        let mut bar = BarTracker::new(PathBuf::from("synthetic"), 30.0, BarOptions::default());
        let far = |i: usize| wrists(i).map(|h| Hands { left: (20.0, h.left.1), right: (25.0, h.right.1), ..h });
        for i in 0..60 {
            let frame = hidden_first_frame(i);
            bar.push(&FrameImages { colour: &frame, gray: &frame }, far(i)).unwrap();
        }
        assert!(bar.hypotheses.iter().all(|h| h.obs.iter().flatten().all(|o| o.ellipse.cx < 100.0)));
    }

    #[test]
    fn short_gaps_are_bridged_and_long_or_open_ones_kept() {
        let mut obs = vec![fit(0.0), None, None, fit(30.0), None, None, None, None, fit(0.0), None, fit(300.0)];
        bridge_gaps(&mut obs, 3, 0.5);
        let b = obs[1].expect("a two-frame gap is filled");
        assert!((b.ellipse.cx - 10.0).abs() < 1e-9 && (b.ellipse.cy - 20.0).abs() < 1e-9);
        assert!((b.conf - 0.4).abs() < 1e-9 && !b.size_measured);
        assert!(obs[4..8].iter().all(Option::is_none), "a four-frame gap is a real loss");
        assert!(obs[9].is_none(), "a jump of several plate diameters is a cut, not a move");
    }
}
