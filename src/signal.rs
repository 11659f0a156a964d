//! Smoothing and derivatives of tracked series.
//!
//! Tracks have gaps (a frame where the plate was hidden) and noise (a pixel of jitter is a
//! large velocity at 30 fps). A local polynomial fit (Savitzky–Golay with the window clipped
//! at the ends and at gaps) gives position, velocity and acceleration from the samples that
//! exist, without inventing values across long gaps.

/// Value and its first two time derivatives at one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Local {
    pub value: f64,
    pub rate: f64,
    pub accel: f64,
}

/// Median of a slice (reordered in place); `None` when empty or all NaN.
pub fn median(values: &mut Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    let mid = values.len() / 2;
    values.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = values[mid];
    if values.len() % 2 == 1 {
        return Some(upper);
    }
    let lower = values[..mid].iter().copied().fold(f64::MIN, f64::max);
    Some(0.5 * (lower + upper))
}

/// Quantile (0..=1) by linear interpolation; `None` when empty.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Some(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

/// Local quadratic fit around every sample over `half_window` samples each side, using only
/// the samples present. Samples with fewer than four neighbours present get `None`.
pub fn local_quadratic(values: &[Option<f64>], dt: f64, half_window: usize) -> Vec<Option<Local>> {
    (0..values.len()).map(|i| fit_at(values, i, dt, half_window)).collect()
}

fn fit_at(values: &[Option<f64>], i: usize, dt: f64, half: usize) -> Option<Local> {
    values[i]?;
    let lo = i.saturating_sub(half);
    let hi = (i + half).min(values.len() - 1);
    // Normal equations for y = c0 + c1 t + c2 t^2, t in seconds relative to sample i.
    let mut s = [0.0f64; 5];
    let mut sy = [0.0f64; 3];
    let mut n = 0;
    for (j, v) in values.iter().enumerate().take(hi + 1).skip(lo) {
        let Some(y) = v else { continue };
        let t = (j as f64 - i as f64) * dt;
        let mut tp = 1.0;
        for k in 0..5 {
            s[k] += tp;
            if k < 3 {
                sy[k] += tp * y;
            }
            tp *= t;
        }
        n += 1;
    }
    if n < 4 {
        return None;
    }
    let m = [[s[0], s[1], s[2]], [s[1], s[2], s[3]], [s[2], s[3], s[4]]];
    let c = solve3(m, sy)?;
    Some(Local { value: c[0], rate: c[1], accel: 2.0 * c[2] })
}

fn solve3(m: [[f64; 3]; 3], y: [f64; 3]) -> Option<[f64; 3]> {
    let det = |a: [[f64; 3]; 3]| {
        a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
    };
    let d = det(m);
    if d.abs() < 1e-18 {
        return None;
    }
    let mut out = [0.0; 3];
    for (col, slot) in out.iter_mut().enumerate() {
        let mut mc = m;
        for row in 0..3 {
            mc[row][col] = y[row];
        }
        *slot = det(mc) / d;
    }
    Some(out)
}

/// Linear interpolation across gaps no longer than `max_gap` samples; longer gaps stay empty.
pub fn fill_short_gaps(values: &[Option<f64>], max_gap: usize) -> Vec<Option<f64>> {
    let mut out = values.to_vec();
    let mut last: Option<usize> = None;
    for i in 0..values.len() {
        if values[i].is_none() {
            continue;
        }
        if let Some(p) = last {
            let gap = i - p - 1;
            if gap > 0 && gap <= max_gap {
                let (a, b) = (values[p].unwrap(), values[i].unwrap());
                for k in p + 1..i {
                    let f = (k - p) as f64 / (i - p) as f64;
                    out[k] = Some(a + (b - a) * f);
                }
            }
        }
        last = Some(i);
    }
    out
}

/// Running median over `2 * half + 1` present samples: removes single-frame spikes (a blurred
/// frame where the tracker jumped) without rounding off real motion.
pub fn median_filter(values: &[Option<f64>], half: usize) -> Vec<Option<f64>> {
    let mut window = Vec::with_capacity(2 * half + 1);
    (0..values.len())
        .map(|i| {
            values[i]?;
            window.clear();
            let lo = i.saturating_sub(half);
            let hi = (i + half).min(values.len() - 1);
            window.extend(values[lo..=hi].iter().flatten().copied());
            median(&mut window)
        })
        .collect()
}

/// Removes single-frame spikes like a 3-sample running median, but keeps a sample that
/// continues the straight-line trend of the two samples on either side of it to within `tol`.
/// The bottom of a touch-and-go bounce is a one-frame extreme too: the bar falls into it and
/// climbs out of it on a line, where a tracker's jump fits neither side. A plain median flattens
/// that bottom onto the next frame, and lift-off then reads a frame late.
pub fn despike_keeping_trends(values: &[Option<f64>], tol: f64) -> Vec<Option<f64>> {
    let median = median_filter(values, 1);
    let at = |j: Option<usize>| j.and_then(|j| values.get(j).copied().flatten());
    let predicted = |near: Option<usize>, far: Option<usize>| Some(2.0 * at(near)? - at(far)?);
    (0..values.len())
        .map(|i| {
            let v = values[i]?;
            let from_before = predicted(i.checked_sub(1), i.checked_sub(2));
            let from_after = predicted(Some(i + 1), Some(i + 2));
            let continues = [from_before, from_after].into_iter().flatten().any(|p| (v - p).abs() <= tol);
            if continues {
                Some(v)
            } else {
                median[i]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadratic_fit_recovers_velocity_and_acceleration_exactly() {
        let dt = 1.0 / 30.0;
        let y: Vec<Option<f64>> = (0..60)
            .map(|i| {
                let t = i as f64 * dt;
                Some(3.0 + 2.0 * t + 0.5 * 4.0 * t * t)
            })
            .collect();
        let fit = local_quadratic(&y, dt, 4);
        for (i, f) in fit.iter().enumerate() {
            let f = f.unwrap();
            let t = i as f64 * dt;
            assert!((f.value - y[i].unwrap()).abs() < 1e-9);
            assert!((f.rate - (2.0 + 4.0 * t)).abs() < 1e-6, "{i}: {f:?}");
            assert!((f.accel - 4.0).abs() < 1e-5);
        }
    }

    #[test]
    fn fit_uses_samples_around_a_gap_and_refuses_empty_ones() {
        let mut y: Vec<Option<f64>> = (0..20).map(|i| Some(i as f64)).collect();
        y[10] = None;
        let fit = local_quadratic(&y, 1.0, 3);
        assert!(fit[10].is_none());
        assert!((fit[11].unwrap().rate - 1.0).abs() < 1e-9);
    }

    #[test]
    fn short_gaps_are_bridged_long_ones_kept() {
        let y = vec![Some(0.0), None, Some(2.0), None, None, None, Some(6.0)];
        let f = fill_short_gaps(&y, 2);
        assert_eq!(f[1], Some(1.0));
        assert_eq!(f[4], None);
    }

    #[test]
    fn median_filter_removes_a_spike() {
        let y = vec![Some(1.0), Some(1.0), Some(9.0), Some(1.0), Some(1.0)];
        assert_eq!(median_filter(&y, 1)[2], Some(1.0));
    }

    #[test]
    fn despike_removes_a_jump_but_keeps_the_bottom_of_a_bounce() {
        let jump = vec![Some(1.0), Some(1.0), Some(9.0), Some(1.0), Some(1.0)];
        assert_eq!(despike_keeping_trends(&jump, 0.5)[2], Some(1.0));
        // Falling 4 cm a frame onto the floor and climbing straight back out.
        let bounce = vec![Some(12.0), Some(8.0), Some(4.0), Some(0.0), Some(4.5), Some(9.0), Some(13.5)];
        let kept = despike_keeping_trends(&bounce, 0.5);
        assert_eq!(kept, bounce);
        assert_eq!(median_filter(&bounce, 1)[3], Some(4.0), "the plain median lifts the bottom");
    }

    #[test]
    fn median_and_quantile() {
        assert_eq!(median(&mut vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&mut vec![]), None);
        assert_eq!(quantile(&[0.0, 10.0], 0.25), Some(2.5));
    }
}
