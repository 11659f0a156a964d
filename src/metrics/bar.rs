//! What the bar alone tells: range of motion, velocity, time to lockout, velocity loss, and
//! horizontal travel relative to where the bar started.

use crate::reps::RepFrames;
use crate::signal::Local;

/// Bar-only numbers of one rep.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRepMetrics {
    pub rom_cm: f64,
    pub mean_velocity_m_s: f64,
    pub peak_velocity_m_s: f64,
    pub time_to_lockout_s: f64,
    /// Largest horizontal distance from the bar's setup position during the pull, in cm;
    /// signed forward when the facing is known, absolute otherwise.
    pub drift_from_start_cm: Option<f64>,
}

/// Measures one rep. `height` is the smoothed bar height (cm, up); `x_cm` the bar's
/// horizontal position in cm (image x scaled); `forward` is +1/-1 when the facing is known.
pub fn measure(
    rep: &RepFrames,
    height: &[Option<Local>],
    x_cm: &[Option<f64>],
    fps: f64,
    forward: Option<f64>,
) -> BarRepMetrics {
    let rom_cm = rep.top_cm - rep.rest_cm;
    let time_to_lockout_s = (rep.lockout.saturating_sub(rep.liftoff)).max(1) as f64 / fps;
    let peak_cm_s = (rep.liftoff..=rep.lockout)
        .filter_map(|i| height.get(i).copied().flatten())
        .map(|l| l.rate)
        .fold(0.0, f64::max);
    BarRepMetrics {
        rom_cm,
        mean_velocity_m_s: rom_cm / time_to_lockout_s / 100.0,
        peak_velocity_m_s: peak_cm_s / 100.0,
        time_to_lockout_s,
        drift_from_start_cm: drift_from_start(rep, x_cm, forward),
    }
}

fn drift_from_start(rep: &RepFrames, x_cm: &[Option<f64>], forward: Option<f64>) -> Option<f64> {
    let setup = rep.liftoff.saturating_sub(1);
    let x0 = (0..=setup).rev().take(5).find_map(|i| x_cm.get(i).copied().flatten())?;
    let deviations = (rep.liftoff..=rep.lockout).filter_map(|i| x_cm.get(i).copied().flatten()).map(|x| x - x0);
    match forward {
        Some(sign) => deviations.map(|d| d * sign).reduce(f64::max),
        None => deviations.map(f64::abs).reduce(f64::max),
    }
}

/// Velocity loss of each rep from the set's fastest rep, in percent.
pub fn velocity_loss_pct(mean_velocities: &[f64]) -> Vec<f64> {
    let best = mean_velocities.iter().copied().fold(0.0, f64::max);
    mean_velocities.iter().map(|v| if best > 0.0 { 100.0 * (best - v) / best } else { 0.0 }).collect()
}

/// The last frame of the top hold: the bar is still within 1.5 cm of its top.
pub fn lowering_start(height: &[Option<Local>], rep: &RepFrames) -> usize {
    (rep.lockout..=rep.end)
        .find(|&i| height.get(i).copied().flatten().is_some_and(|l| l.value < rep.top_cm - 1.5))
        .map_or(rep.end, |i| i.saturating_sub(1).max(rep.lockout))
}

/// Frames between floor contact and lift-off that still count as a rebound.
const REBOUND_FRAMES: usize = 2;
/// Downward speed into the floor that makes a touch a bounce, cm/s.
const REBOUND_SPEED_CM_S: f64 = 20.0;

/// Whether the bar came down from the previous rep and left the floor again within a frame or
/// two of touching it, still moving fast: a bounce, not a dead-stop start.
pub fn floor_rebound(height: &[Option<Local>], rep: &RepFrames, previous: Option<&RepFrames>, fps: f64) -> bool {
    let Some(prev) = previous else { return false };
    let h = |i: usize| height.get(i).copied().flatten();
    let Some(contact) = (prev.lockout..rep.liftoff)
        .find(|&i| h(i).is_some_and(|l| l.value <= rep.rest_cm + crate::reps::LIFTOFF_RISE_CM))
    else {
        return false;
    };
    let fast_in = (contact.saturating_sub((0.1 * fps).round() as usize)..contact)
        .any(|i| h(i).is_some_and(|l| l.rate < -REBOUND_SPEED_CM_S));
    rep.liftoff.saturating_sub(contact) <= REBOUND_FRAMES && fast_in
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(v: f64, rate: f64) -> Option<Local> {
        Some(Local { value: v, rate, accel: 0.0 })
    }

    #[test]
    fn a_bounce_is_a_rebound_a_dead_stop_is_not() {
        let prev = RepFrames { start: 0, liftoff: 5, lockout: 10, end: 19, rest_cm: 0.0, top_cm: 50.0 };
        // Coming down fast, touching at 20, leaving at 21.
        let mut h: Vec<Option<Local>> = (0..20).map(|i| local(50.0 - 2.5 * i as f64, -75.0)).collect();
        h.push(local(0.0, 0.0));
        h.extend((1..10).map(|i| local(2.0 * i as f64, 60.0)));
        let rep = RepFrames { start: 19, liftoff: 21, lockout: 29, end: 29, rest_cm: 0.0, top_cm: 18.0 };
        assert!(floor_rebound(&h, &rep, Some(&prev), 30.0));
        // The same with a one-second pause on the floor.
        let paused = RepFrames { liftoff: 51, ..rep.clone() };
        let mut h2 = h[..21].to_vec();
        h2.extend(std::iter::repeat_n(local(0.0, 0.0), 30));
        h2.extend((1..10).map(|i| local(2.0 * i as f64, 60.0)));
        assert!(!floor_rebound(&h2, &paused, Some(&prev), 30.0));
        assert!(!floor_rebound(&h, &rep, None, 30.0));
    }

    #[test]
    fn velocity_loss_is_measured_from_the_fastest_rep() {
        let loss = velocity_loss_pct(&[0.5, 0.6, 0.45]);
        assert!((loss[1]).abs() < 1e-12);
        assert!((loss[0] - 16.666).abs() < 0.01);
        assert!((loss[2] - 25.0).abs() < 1e-9);
    }

    #[test]
    fn drift_is_signed_forward_when_facing_is_known() {
        let rep = RepFrames { start: 0, liftoff: 2, lockout: 5, end: 6, rest_cm: 0.0, top_cm: 50.0 };
        let x = vec![Some(10.0), Some(10.0), Some(11.0), Some(13.0), Some(12.0), Some(10.5), Some(10.0)];
        assert_eq!(drift_from_start(&rep, &x, Some(1.0)), Some(3.0));
        assert_eq!(drift_from_start(&rep, &x, Some(-1.0)), Some(-0.5));
        assert_eq!(drift_from_start(&rep, &x, None), Some(3.0));
    }
}
