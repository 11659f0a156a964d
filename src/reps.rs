//! Splitting a set into reps from the bar's height.
//!
//! A rep is a rise of the bar from a resting low point to a top. Lift-off is the first frame
//! the bar is a noise-proof amount above its rest; lockout is the first frame at the top
//! (within half a centimetre of the rep's highest point); the rep ends when the bar is back
//! down. Pulls the video cuts into (already rising in the first frame, or still rising in the
//! last) are reported as partial instead of being measured as if whole.

use crate::signal::{self, Local};

/// Rise above the rest height that marks lift-off. Half a centimetre is above tracking noise
/// on a steady camera and below what a lifter's slack pull moves the bar.
pub const LIFTOFF_RISE_CM: f64 = 0.5;
/// Distance below the rep's top within which the bar counts as locked out.
pub const LOCKOUT_BAND_CM: f64 = 0.5;
/// A one-frame extreme of the bar height is kept when it continues the line of the two frames
/// on one side to within this (a bounce's bottom does, to 0.4-0.6 cm on the jerked_liftoff
/// sample's touch-and-go rep); a tracker's jump of more fits neither side and is removed.
const DESPIKE_TOL_CM: f64 = 1.0;
/// Rises smaller than this are not reps (a reset of the grip, a bar rolled on the floor).
pub const MIN_ROM_CM: f64 = 12.0;
/// A rise from rest to the top in less time than this is not a pull: the track jumped (onto
/// another round thing and back, as on a grainy floor whose texture passes for a rim). The
/// fastest pulls from the floor take about 0.3 s; the jumps seen last 1-3 frames.
const MIN_PULL_S: f64 = 0.15;
/// Bar speed below which the bar counts as still, in cm/s.
pub const STILL_SPEED_CM_S: f64 = 4.0;
/// A bar that rises more than this within `START_RISE_S` of the video's first frame was
/// already being pulled (a pull moves at 20-80 cm/s; a resting bar's read wanders by mm).
const START_RISE_CM: f64 = 1.5;
const START_RISE_S: f64 = 0.25;

/// One rep's key frames (indices into the video's frames).
#[derive(Debug, Clone, PartialEq)]
pub struct RepFrames {
    pub start: usize,
    pub liftoff: usize,
    pub lockout: usize,
    pub end: usize,
    /// Bar height at rest before lift-off and at the top (cm, up from the track's origin).
    pub rest_cm: f64,
    pub top_cm: f64,
}

/// A rise the video does not show whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Partial {
    /// The bar was already rising in the first frame; the top is at this frame.
    StartsMidPull { top: usize },
    /// The bar was still rising when the video ended; lift-off at this frame.
    EndsMidPull { liftoff: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct RepSplit {
    pub reps: Vec<RepFrames>,
    pub partial: Vec<Partial>,
    /// Smoothed bar height (cm, up) and its derivatives per frame.
    pub height: Vec<Option<Local>>,
}

/// Splits a set given the bar height per frame (cm, y up; `None` where the bar was not seen).
pub fn split_reps(height_cm: &[Option<f64>], fps: f64) -> RepSplit {
    let (h, height) = bar_height_signal(height_cm, fps);

    let mut reps = Vec::new();
    let mut partial = Vec::new();
    let mut prev_end = 0usize;
    let all_rises = rises(&h);
    for (n, &(up_from, up_to)) in all_rises.iter().enumerate() {
        let top = argmax(&h, up_from, up_to);
        let bottom = argmin(&h, prev_end, up_from);
        let (Some(top), Some(bottom)) = (top, bottom) else {
            continue;
        };
        let top_cm = h[top].unwrap();
        let rest_cm = rest_height(&h, &height, bottom, up_from, fps);
        if top_cm - rest_cm < MIN_ROM_CM {
            continue;
        }
        let liftoff = liftoff_frame(&h, rest_cm, top).max(bottom + 1).min(top);
        let lockout = lockout_frame(&h, top_cm, liftoff, top);
        if ((lockout - liftoff) as f64) < MIN_PULL_S * fps {
            continue;
        }
        let moving_at_start = bottom == first_present(&h).unwrap_or(0) && rising_from(&h, bottom, fps);
        if moving_at_start {
            partial.push(Partial::StartsMidPull { top });
            prev_end = top;
            continue;
        }
        let last = h.len() - 1;
        let still_rising = top >= last.saturating_sub(1) && speed(&height, top) > STILL_SPEED_CM_S;
        if still_rising {
            partial.push(Partial::EndsMidPull { liftoff });
            break;
        }
        // The rep ends back on the floor, or at the lowest point before the next rise when the
        // bar bounces without settling.
        let next_rise = all_rises.get(n + 1).map_or(h.len(), |r| r.0);
        let lowest_before_next = argmin(&h, top, next_rise).unwrap_or(h.len() - 1);
        let end = back_down_frame(&h, rest_cm, top).min(lowest_before_next);
        reps.push(RepFrames { start: prev_end, liftoff, lockout, end, rest_cm, top_cm });
        prev_end = end;
    }
    RepSplit { reps, partial, height }
}

/// The bar height the frame decisions read (short gaps bridged, tracker jumps removed) and its
/// local fit (smoothed height, velocity, acceleration). Frame decisions use the despiked
/// positions, not the fit (the plate track is sub-millimetre): a smoothing window would round
/// off the sharp bottom of a touch-and-go bounce.
pub fn bar_height_signal(height_cm: &[Option<f64>], fps: f64) -> (Vec<Option<f64>>, Vec<Option<Local>>) {
    let bridged = signal::fill_short_gaps(height_cm, (0.3 * fps).round() as usize);
    let despiked = signal::despike_keeping_trends(&bridged, DESPIKE_TOL_CM);
    let half = ((0.07 * fps).round() as usize).max(2);
    let fit = signal::local_quadratic(&despiked, 1.0 / fps, half);
    (despiked, fit)
}

/// Frame ranges where the bar is in the upper part of its travel: each is one rise. Uses a
/// hysteresis band so noise around the middle cannot split a rep in two.
fn rises(h: &[Option<f64>]) -> Vec<(usize, usize)> {
    let present: Vec<f64> = h.iter().flatten().copied().collect();
    let (Some(low), Some(high)) = (signal::quantile(&present, 0.02), signal::quantile(&present, 0.98)) else {
        return Vec::new();
    };
    if high - low < MIN_ROM_CM {
        return Vec::new();
    }
    let enter = low + 0.6 * (high - low);
    let leave = low + 0.35 * (high - low);
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, v) in h.iter().enumerate() {
        let Some(v) = *v else { continue };
        match open {
            None if v >= enter => open = Some(i),
            Some(s) if v < leave => {
                out.push((s, i));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(s) = open {
        out.push((s, h.len()));
    }
    out
}

fn argmax(h: &[Option<f64>], from: usize, to: usize) -> Option<usize> {
    (from..to.min(h.len())).filter(|&i| h[i].is_some()).max_by(|&a, &b| h[a].unwrap().total_cmp(&h[b].unwrap()))
}

fn argmin(h: &[Option<f64>], from: usize, to: usize) -> Option<usize> {
    (from..to.min(h.len())).filter(|&i| h[i].is_some()).min_by(|&a, &b| h[a].unwrap().total_cmp(&h[b].unwrap()))
}

/// Whether the bar climbs out of frame `i` at once: more than `START_RISE_CM` within
/// `START_RISE_S`. Decided on distance, not on the speed fitted at the video's first frame,
/// which a one-sided fit over shake and noise can put above the still speed on a resting bar.
fn rising_from(h: &[Option<f64>], i: usize, fps: f64) -> bool {
    let later = i + (START_RISE_S * fps).round() as usize;
    match (h.get(i).copied().flatten(), h.get(later).copied().flatten()) {
        (Some(a), Some(b)) => b - a > START_RISE_CM,
        // Too short to tell: a video this short holds no rep anyway.
        _ => false,
    }
}

fn first_present(h: &[Option<f64>]) -> Option<usize> {
    h.iter().position(|v| v.is_some())
}

/// Bar speed at frame `i` (cm/s), from the nearest frame with a local fit (the fit needs a
/// few neighbours, so the very first and last frames borrow from the next ones).
fn speed(height: &[Option<Local>], i: usize) -> f64 {
    (0..=3)
        .flat_map(|d| [i.checked_add(d), i.checked_sub(d)])
        .flatten()
        .find_map(|j| height.get(j).copied().flatten())
        .map_or(0.0, |l| l.rate.abs())
}

/// The bar's resting height before a rise: the median of the still frames around the low
/// point (the minimum alone is biased low by noise).
fn rest_height(h: &[Option<f64>], height: &[Option<Local>], bottom: usize, up_from: usize, fps: f64) -> f64 {
    let lo = bottom.saturating_sub((0.5 * fps) as usize);
    let base = h[bottom].unwrap();
    let mut still: Vec<f64> = (lo..up_from)
        .filter(|&i| speed(height, i) < STILL_SPEED_CM_S)
        .filter_map(|i| h[i])
        .filter(|v| (v - base).abs() < 1.5)
        .collect();
    signal::median(&mut still).unwrap_or(base)
}

/// Walking back from the top, the first frame that is still above rest + the lift-off rise;
/// walking back (not forward) ignores jitter during the setup.
fn liftoff_frame(h: &[Option<f64>], rest_cm: f64, top: usize) -> usize {
    let mut f = top;
    while f > 0 {
        match h[f - 1] {
            Some(v) if v < rest_cm + LIFTOFF_RISE_CM => break,
            _ => f -= 1,
        }
    }
    f
}

fn lockout_frame(h: &[Option<f64>], top_cm: f64, liftoff: usize, top: usize) -> usize {
    (liftoff..=top).find(|&i| h[i].is_some_and(|v| v >= top_cm - LOCKOUT_BAND_CM)).unwrap_or(top)
}

/// First frame after the top where the bar is back within a centimetre of its rest, or the
/// last frame when it never comes down in the video.
fn back_down_frame(h: &[Option<f64>], rest_cm: f64, top: usize) -> usize {
    (top..h.len()).find(|&i| h[i].is_some_and(|v| v <= rest_cm + 1.0)).unwrap_or(h.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A set of reps: rest, smooth pull, hold, smooth lowering.
    fn synthetic_set(reps: usize, fps: f64) -> (Vec<Option<f64>>, Vec<(usize, usize)>) {
        let mut h = Vec::new();
        let mut truth = Vec::new();
        let rise = 50.0;
        for _ in 0..reps {
            h.extend(std::iter::repeat_n(Some(22.5), (0.8 * fps) as usize));
            let n = (1.0 * fps) as usize;
            let start = h.len();
            let mut lift = None;
            let mut lock = None;
            for k in 1..=n {
                let s = k as f64 / n as f64;
                let y = 22.5 + rise * (3.0 * s * s - 2.0 * s * s * s);
                if lift.is_none() && y >= 22.5 + 0.5 {
                    lift = Some(start + k - 1);
                }
                if lock.is_none() && y >= 22.5 + rise - 0.5 {
                    lock = Some(start + k - 1);
                }
                h.push(Some(y));
            }
            truth.push((lift.unwrap(), lock.unwrap()));
            h.extend(std::iter::repeat_n(Some(72.5), (0.5 * fps) as usize));
            for k in 1..=n {
                let s = k as f64 / n as f64;
                h.push(Some(72.5 - rise * (3.0 * s * s - 2.0 * s * s * s)));
            }
        }
        h.extend(std::iter::repeat_n(Some(22.5), (0.5 * fps) as usize));
        (h, truth)
    }

    #[test]
    fn finds_each_rep_with_liftoff_and_lockout_within_a_frame() {
        let (h, truth) = synthetic_set(3, 30.0);
        let split = split_reps(&h, 30.0);
        assert_eq!(split.reps.len(), 3);
        for (r, (lift, lock)) in split.reps.iter().zip(truth) {
            assert!(r.liftoff.abs_diff(lift) <= 1, "{r:?} vs {lift}");
            assert!(r.lockout.abs_diff(lock) <= 1, "{r:?} vs {lock}");
            assert!((r.top_cm - r.rest_cm - 50.0).abs() < 0.5);
        }
    }

    /// Touch-and-go: the bar falls onto the floor and leaves it on the next frame. Lift-off is
    /// that next frame and the range of motion runs from the floor, not from a frame above it.
    #[test]
    fn a_bounce_off_the_floor_lifts_off_on_the_frame_after_contact() {
        let fps = 30.0;
        let mut h: Vec<Option<f64>> = vec![Some(22.5); 20];
        let fall: Vec<f64> = (1..=30).map(|k| 72.5 - 50.0 * (k as f64 / 30.0).powi(2)).collect();
        h.extend(fall.iter().rev().map(|&y| Some(y))); // first pull, ending at the top
        h.extend(std::iter::repeat_n(Some(72.5), 10));
        h.extend(fall.iter().map(|&y| Some(y))); // falling faster and faster onto the floor
        let contact = h.len() - 1;
        h.extend(fall.iter().rev().skip(1).map(|&y| Some(y))); // straight back up
        h.extend(std::iter::repeat_n(Some(72.5), 10));
        let split = split_reps(&h, fps);
        assert_eq!(split.reps.len(), 2);
        let bounce = &split.reps[1];
        assert_eq!(bounce.liftoff, contact + 1);
        assert!((bounce.top_cm - bounce.rest_cm - 50.0).abs() < 0.5, "{bounce:?}");
    }

    /// Suite seed 40: on a grainy floor the plate track jumps 45 cm for a frame or three and
    /// back; each jump passed for a rep, and the 5-rep set read 8.
    #[test]
    fn a_jump_of_the_track_that_no_pull_could_make_is_not_a_rep() {
        let fps = 30.0;
        let (mut h, truth) = synthetic_set(2, fps);
        let between = truth[0].1 + (1.5 * fps) as usize + 5; // on the floor after rep 1
        for v in &mut h[between..between + 3] {
            *v = v.map(|y| y + 45.0);
        }
        let split = split_reps(&h, fps);
        assert_eq!(split.reps.len(), 2, "{:?}", split.reps);
        assert!(split.reps[1].liftoff.abs_diff(truth[1].0) <= 1);
    }

    #[test]
    fn gaps_and_noise_do_not_split_or_merge_reps() {
        let (mut h, _) = synthetic_set(4, 30.0);
        let mut seed = 7u64;
        for (i, v) in h.iter_mut().enumerate() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let noise = ((seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 0.6;
            *v = v.map(|y| y + noise);
            if i % 17 == 0 {
                *v = None;
            }
        }
        assert_eq!(split_reps(&h, 30.0).reps.len(), 4);
    }

    #[test]
    fn a_pull_already_under_way_is_partial() {
        let (h, _) = synthetic_set(1, 30.0);
        let cut: Vec<Option<f64>> = h[30..].to_vec();
        let split = split_reps(&cut, 30.0);
        assert!(split.reps.is_empty());
        assert!(matches!(split.partial[..], [Partial::StartsMidPull { .. }]));
    }

    #[test]
    fn a_bar_resting_at_the_first_frame_is_not_a_pull_under_way() {
        let (h, _) = synthetic_set(2, 60.0);
        // Start just before the first lift-off, the resting bar read with a wobble whose
        // one-sided speed at frame 0 is above the still speed.
        let first_rise = h.windows(2).position(|w| w[1].unwrap() > w[0].unwrap()).unwrap();
        let mut cut: Vec<Option<f64>> = h[first_rise.saturating_sub(30)..].to_vec();
        for (i, v) in cut.iter_mut().take(5).enumerate() {
            *v = v.map(|y| y - 0.25 * (5 - i) as f64);
        }
        let split = split_reps(&cut, 60.0);
        assert!(split.partial.is_empty(), "{:?}", split.partial);
        assert_eq!(split.reps.len(), 2);
    }

    #[test]
    fn a_still_bar_has_no_reps() {
        let h = vec![Some(22.5); 100];
        let split = split_reps(&h, 30.0);
        assert!(split.reps.is_empty() && split.partial.is_empty());
    }
}
