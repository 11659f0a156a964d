//! Removing landmark jitter without lag.
//!
//! A one-euro filter (Casiez et al. 2012) smooths hard when a point is still and lightly
//! when it moves fast, but as a causal filter it still trails a fast movement, which is
//! exactly the moment of lift-off that hip-rise-before-bar is about. The whole track is
//! available after the frame pass, so the filter runs forward and backward over it and the
//! two are averaged: the lag of one cancels the lead of the other, and the filtered hips rise
//! when the real ones do.

use std::f64::consts::PI;

/// One-euro parameters for positions expressed in units of the person's size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuro {
    /// Cut-off frequency (Hz) when still: lower removes more jitter.
    pub min_cutoff: f64,
    /// How fast the cut-off rises with speed: higher follows fast moves more closely.
    pub beta: f64,
    /// Cut-off for the speed estimate (Hz).
    pub d_cutoff: f64,
}

impl Default for OneEuro {
    /// MediaPipe's landmark settings are tuned for live preview; these keep more of a fast
    /// pull while still removing the pixel-level flicker of a still setup.
    fn default() -> Self {
        OneEuro { min_cutoff: 1.0, beta: 40.0, d_cutoff: 1.0 }
    }
}

fn alpha(cutoff: f64, dt: f64) -> f64 {
    let tau = 1.0 / (2.0 * PI * cutoff);
    1.0 / (1.0 + tau / dt)
}

impl OneEuro {
    /// Causal (forward-only) filtering of one series; `None` gaps restart the filter.
    pub fn forward(&self, values: &[Option<f64>], dt: f64) -> Vec<Option<f64>> {
        let mut out = Vec::with_capacity(values.len());
        let mut state: Option<(f64, f64)> = None; // (filtered value, filtered speed)
        for v in values {
            let Some(x) = *v else {
                state = None;
                out.push(None);
                continue;
            };
            let next = match state {
                None => (x, 0.0),
                Some((prev, prev_speed)) => {
                    let speed = (x - prev) / dt;
                    let a_d = alpha(self.d_cutoff, dt);
                    let speed = prev_speed + a_d * (speed - prev_speed);
                    let cutoff = self.min_cutoff + self.beta * speed.abs();
                    let a = alpha(cutoff, dt);
                    (prev + a * (x - prev), speed)
                }
            };
            state = Some(next);
            out.push(Some(next.0));
        }
        out
    }

    /// The mean of a forward and a backward pass: the forward pass trails a movement by as
    /// much as the backward pass leads it, so the mean has no lag at fast moments.
    pub fn zero_phase(&self, values: &[Option<f64>], dt: f64) -> Vec<Option<f64>> {
        let forward = self.forward(values, dt);
        let mut reversed: Vec<Option<f64>> = values.to_vec();
        reversed.reverse();
        let mut backward = self.forward(&reversed, dt);
        backward.reverse();
        forward.iter().zip(&backward).map(|(f, b)| Some(0.5 * (f.as_ref()? + b.as_ref()?))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames by which `filtered` trails `truth` when it crosses `level` on the way up.
    fn lag_frames(truth: &[f64], filtered: &[Option<f64>], level: f64) -> f64 {
        let cross = |s: &dyn Fn(usize) -> f64| {
            (1..truth.len()).find(|&i| s(i) >= level).map(|i| {
                let (a, b) = (s(i - 1), s(i));
                i as f64 - 1.0 + (level - a) / (b - a)
            })
        };
        cross(&|i| filtered[i].unwrap()).unwrap() - cross(&|i| truth[i]).unwrap()
    }

    /// A hip-like trace: still, then a fast rise (lift-off), then still, with jitter.
    fn pull(n: usize) -> (Vec<f64>, Vec<Option<f64>>) {
        let truth: Vec<f64> = (0..n)
            .map(|i| {
                let t = (i as f64 - 40.0) / 20.0;
                if t <= 0.0 {
                    0.0
                } else if t >= 1.0 {
                    0.5
                } else {
                    0.5 * (3.0 * t * t - 2.0 * t * t * t)
                }
            })
            .collect();
        let mut seed = 11u64;
        let noisy = truth
            .iter()
            .map(|v| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                Some(v + ((seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 0.01)
            })
            .collect();
        (truth, noisy)
    }

    #[test]
    fn zero_phase_has_no_lag_where_the_causal_filter_trails() {
        let (truth, noisy) = pull(120);
        // Heavier smoothing than the default makes the causal lag plain to see.
        let f = OneEuro { min_cutoff: 0.3, beta: 5.0, d_cutoff: 1.0 };
        let dt = 1.0 / 30.0;
        let (causal, zero) = (f.forward(&noisy, dt), f.zero_phase(&noisy, dt));
        // Mid-rise: the fastest moment.
        let (c50, z50) = (lag_frames(&truth, &causal, 0.25), lag_frames(&truth, &zero, 0.25));
        // Just after the start: where hip-rise-before-bar is decided.
        let (c10, z10) = (lag_frames(&truth, &causal, 0.05), lag_frames(&truth, &zero, 0.05));
        eprintln!("lag in frames at 30 fps: mid-rise causal {c50:.2} zero-phase {z50:.2}; onset causal {c10:.2} zero-phase {z10:.2}");
        assert!(c50 > 0.5 && z50.abs() < c50 / 4.0, "mid-rise: causal {c50}, zero-phase {z50}");
        assert!(c10 > 1.0 && z10.abs() < c10 / 3.0, "onset: causal {c10}, zero-phase {z10}");
    }

    #[test]
    fn still_jitter_is_reduced() {
        let (truth, noisy) = pull(120);
        let f = OneEuro::default().zero_phase(&noisy, 1.0 / 30.0);
        let rms = |s: &dyn Fn(usize) -> f64| ((0..35).map(|i| (s(i) - truth[i]).powi(2)).sum::<f64>() / 35.0).sqrt();
        assert!(rms(&|i| f[i].unwrap()) < 0.5 * rms(&|i| noisy[i].unwrap()));
    }

    #[test]
    fn gaps_restart_the_filter() {
        let v = vec![Some(1.0), Some(1.0), None, Some(5.0), Some(5.0)];
        let f = OneEuro::default().forward(&v, 1.0 / 30.0);
        assert_eq!(f[2], None);
        assert_eq!(f[3], Some(5.0));
    }
}
