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
    let x0 = (0..=setup)
        .rev()
        .take(5)
        .find_map(|i| x_cm.get(i).copied().flatten())?;
    let deviations = (rep.liftoff..=rep.lockout)
        .filter_map(|i| x_cm.get(i).copied().flatten())
        .map(|x| x - x0);
    match forward {
        Some(sign) => deviations.map(|d| d * sign).reduce(f64::max),
        None => deviations.map(f64::abs).reduce(f64::max),
    }
}

/// Velocity loss of each rep from the set's fastest rep, in percent.
pub fn velocity_loss_pct(mean_velocities: &[f64]) -> Vec<f64> {
    let best = mean_velocities.iter().copied().fold(0.0, f64::max);
    mean_velocities
        .iter()
        .map(|v| {
            if best > 0.0 {
                100.0 * (best - v) / best
            } else {
                0.0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn velocity_loss_is_measured_from_the_fastest_rep() {
        let loss = velocity_loss_pct(&[0.5, 0.6, 0.45]);
        assert!((loss[1]).abs() < 1e-12);
        assert!((loss[0] - 16.666).abs() < 0.01);
        assert!((loss[2] - 25.0).abs() < 1e-9);
    }

    #[test]
    fn drift_is_signed_forward_when_facing_is_known() {
        let rep = RepFrames {
            start: 0,
            liftoff: 2,
            lockout: 5,
            end: 6,
            rest_cm: 0.0,
            top_cm: 50.0,
        };
        let x = vec![
            Some(10.0),
            Some(10.0),
            Some(11.0),
            Some(13.0),
            Some(12.0),
            Some(10.5),
            Some(10.0),
        ];
        assert_eq!(drift_from_start(&rep, &x, Some(1.0)), Some(3.0));
        assert_eq!(drift_from_start(&rep, &x, Some(-1.0)), Some(-0.5));
        assert_eq!(drift_from_start(&rep, &x, None), Some(3.0));
    }
}
