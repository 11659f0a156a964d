//! Sub-pixel plate centre from the plate's outer rim.
//!
//! The rim is the one feature of a plate that does not change as the plate turns, gets
//! blurred vertically, or shows different lettering: its centre is the bar's axis. Rays from
//! the current guess find the strongest edge near the expected radius; an axis-aligned
//! ellipse is fitted to those points with a robust (Tukey) reweighting, so a few rays that
//! hit a shin, the floor line or a painted ring do not pull the centre. The vertical
//! semi-axis gives the scale (cm per px); the horizontal/vertical ratio says how square the
//! camera is to the bar.

use crate::track::image::{ImageView, Pixel};

/// Axis-aligned ellipse: `a` horizontal semi-axis, `b` vertical semi-axis, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ellipse {
    pub cx: f64,
    pub cy: f64,
    pub a: f64,
    pub b: f64,
}

impl Ellipse {
    pub fn circle(cx: f64, cy: f64, r: f64) -> Self {
        Ellipse { cx, cy, a: r, b: r }
    }

    /// Distance from the centre to the rim along the unit direction `(c, s)`.
    #[inline]
    pub fn radius_along(&self, c: f64, s: f64) -> f64 {
        self.a * self.b / ((self.b * c).hypot(self.a * s)).max(1e-9)
    }

    /// The plate's true radius: a disc seen at an angle narrows along one axis only, so the
    /// longer axis keeps its real size.
    pub fn major(&self) -> f64 {
        self.a.max(self.b)
    }

    /// Minor over major axis: 1 when the camera looks straight at the plate.
    pub fn roundness(&self) -> f64 {
        self.a.min(self.b) / self.a.max(self.b)
    }

    pub fn mean_radius(&self) -> f64 {
        0.5 * (self.a + self.b)
    }

    pub fn with_centre(&self, cx: f64, cy: f64) -> Self {
        Ellipse { cx, cy, ..*self }
    }
}

/// The rim found around a guess, with how much of it was seen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RimFit {
    pub ellipse: Ellipse,
    /// Share of the rays inside the frame whose edge agrees with the fitted rim.
    pub support: f64,
    /// Share of the rim inside the frame (a plate can be cut off by the frame's edge).
    pub in_frame: f64,
    /// Median edge step across the rim, in grey levels.
    pub contrast: f64,
    /// RMS radial residual of the agreeing rays, in pixels.
    pub rms_px: f64,
}

/// How the rim search runs.
#[derive(Debug, Clone, Copy)]
pub struct RimSearch {
    pub rays: usize,
    /// Search band around the expected rim, as a share of the radius on each side.
    pub band: f64,
    /// Edges weaker than this (grey levels across ~2 px) are ignored.
    pub min_contrast: f64,
}

impl Default for RimSearch {
    fn default() -> Self {
        RimSearch { rays: 96, band: 0.15, min_contrast: 8.0 }
    }
}

#[derive(Debug, Clone, Copy)]
struct RimPoint {
    x: f64,
    y: f64,
    strength: f64,
}

/// Fits the rim near `guess`; `None` when too little of a rim is there.
pub fn fit_rim(image: &ImageView, guess: Ellipse, search: RimSearch) -> Option<RimFit> {
    let (points, rays_inside) = rim_points(image, &guess, search);
    if rays_inside < search.rays / 2 || points.len() < search.rays / 4 {
        return None;
    }
    let ellipse = robust_ellipse(&points, &guess)?;
    finish_fit(points, rays_inside, ellipse, guess, search)
}

/// Fits the centre and scale of a rim whose shape is known (see `robust_centre`).
pub fn fit_rim_centre(image: &ImageView, guess: Ellipse, search: RimSearch) -> Option<RimFit> {
    let first = centre_pass(image, guess, search)?;
    let narrow = RimSearch { band: (search.band * 0.5).max(0.05), ..search };
    match centre_pass(image, first.ellipse, narrow) {
        Some(second) if second.support >= 0.8 * first.support => Some(second),
        _ => Some(first),
    }
}

fn centre_pass(image: &ImageView, guess: Ellipse, search: RimSearch) -> Option<RimFit> {
    let (points, rays_inside) = rim_points(image, &guess, search);
    if rays_inside < search.rays / 2 || points.len() < search.rays / 4 {
        return None;
    }
    let ellipse = robust_centre(&points, &guess)?;
    if (ellipse.cx - guess.cx).hypot(ellipse.cy - guess.cy) > search.band * guess.major() * 2.0 {
        return None;
    }
    finish_fit(points, rays_inside, ellipse, guess, search)
}

fn finish_fit(
    points: Vec<RimPoint>,
    rays_inside: usize,
    ellipse: Ellipse,
    guess: Ellipse,
    search: RimSearch,
) -> Option<RimFit> {
    let plausible = ellipse.a > 0.5 * guess.a
        && ellipse.a < 1.5 * guess.a
        && ellipse.b > 0.5 * guess.b
        && ellipse.b < 1.5 * guess.b;
    if !plausible {
        return None;
    }
    Some(score(&points, ellipse, rays_inside, search.rays))
}

/// Repeats the fit from its own result with a narrower band: the first pass may start a few
/// pixels off, the second samples the rim symmetrically around the true centre.
pub fn refine_rim(image: &ImageView, guess: Ellipse, search: RimSearch) -> Option<RimFit> {
    let first = fit_rim(image, guess, search)?;
    let narrow = RimSearch { band: (search.band * 0.5).max(0.06), ..search };
    match fit_rim(image, first.ellipse, narrow) {
        Some(second) if second.support >= 0.8 * first.support => Some(second),
        _ => Some(first),
    }
}

/// Edge points along the rays, and how many rays lay inside the frame.
fn rim_points(image: &ImageView, guess: &Ellipse, search: RimSearch) -> (Vec<RimPoint>, usize) {
    let mut points = Vec::with_capacity(search.rays);
    let mut rays_inside = 0;
    let mut profile = Vec::with_capacity(256);
    for k in 0..search.rays {
        let theta = std::f64::consts::TAU * (k as f64 + 0.5) / search.rays as f64;
        let (s, c) = theta.sin_cos();
        let rho = guess.radius_along(c, s);
        let lo = rho * (1.0 - search.band);
        let hi = rho * (1.0 + search.band);
        let step = ((hi - lo) / 160.0).max(0.5);
        profile.clear();
        let mut r = lo;
        let mut inside = true;
        while r <= hi {
            match image.sample(guess.cx + c * r, guess.cy + s * r) {
                Some(v) => profile.push(v),
                None => {
                    inside = false;
                    break;
                }
            }
            r += step;
        }
        if !inside || profile.len() < 7 {
            continue;
        }
        rays_inside += 1;
        if let Some((at, strength)) = strongest_edge(image, &profile, step) {
            if strength >= search.min_contrast {
                let radius = lo + at * step;
                points.push(RimPoint { x: guess.cx + c * radius, y: guess.cy + s * radius, strength });
            }
        }
    }
    (points, rays_inside)
}

/// Position (in samples, sub-sample) and size (grey levels across about 2 px) of the rim
/// edge along a profile whose middle sample is the expected rim. Of the clear edges on the
/// ray, the one that is strong *and* near the expected radius wins: a painted ring just
/// inside the rim can be stronger than the rim itself.
fn strongest_edge(image: &ImageView, profile: &[Pixel], step: f64) -> Option<(f64, f64)> {
    // Difference across +-h samples, h spanning about one pixel.
    let h = ((1.0 / step).round() as usize).max(1);
    let n = profile.len();
    if n < 2 * h + 3 {
        return None;
    }
    let diff = |i: usize| image.step_between(&profile[i + h], &profile[i - h]);
    let steps: Vec<f64> = (h..n - h).map(diff).collect();
    let strongest = steps.iter().copied().fold(0.0, f64::max);
    let centre = (n - 1) as f64 / 2.0;
    let sigma = n as f64 / 4.0;
    let mut best: Option<(usize, f64)> = None;
    for k in 0..steps.len() {
        let v = steps[k];
        let is_peak = (k == 0 || steps[k - 1] <= v) && (k + 1 == steps.len() || steps[k + 1] < v);
        if !is_peak || v < 0.3 * strongest {
            continue;
        }
        let offset = (k + h) as f64 - centre;
        let score = v * (-0.5 * (offset / sigma).powi(2)).exp();
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((k, score));
        }
    }
    let (k, _) = best?;
    let i = k + h;
    let mut at = i as f64;
    if k > 0 && k + 1 < steps.len() {
        let (l, m, r) = (steps[k - 1], steps[k], steps[k + 1]);
        let denom = l - 2.0 * m + r;
        if denom.abs() > 1e-9 {
            at += (0.5 * (l - r) / denom).clamp(-0.5, 0.5);
        }
    }
    Some((at, steps[k]))
}

/// Axis-aligned ellipse through the points, by iteratively reweighted least squares on
/// `A u^2 + C v^2 + D u + E v = 1` (coordinates relative to the guess and scaled), with
/// Tukey weights on the radial residual.
fn robust_ellipse(points: &[RimPoint], guess: &Ellipse) -> Option<Ellipse> {
    let scale = guess.a.max(guess.b);
    let mut weights: Vec<f64> = points.iter().map(|p| p.strength.sqrt()).collect();
    let mut ellipse = *guess;
    for _ in 0..6 {
        ellipse = weighted_ellipse(points, &weights, guess, scale)?;
        let residuals: Vec<f64> = points.iter().map(|p| radial_residual(&ellipse, p.x, p.y)).collect();
        let sigma = (1.4826 * median_abs(&residuals)).max(0.35);
        let cutoff = 4.685 * sigma;
        for ((w, p), r) in weights.iter_mut().zip(points).zip(&residuals) {
            let u = r / cutoff;
            *w = if u.abs() < 1.0 { p.strength.sqrt() * (1.0 - u * u).powi(2) } else { 0.0 };
        }
    }
    Some(ellipse)
}

fn weighted_ellipse(points: &[RimPoint], weights: &[f64], guess: &Ellipse, scale: f64) -> Option<Ellipse> {
    let mut ata = [[0.0f64; 4]; 4];
    let mut atb = [0.0f64; 4];
    let mut used = 0;
    for (p, &w) in points.iter().zip(weights) {
        if w <= 0.0 {
            continue;
        }
        used += 1;
        let u = (p.x - guess.cx) / scale;
        let v = (p.y - guess.cy) / scale;
        let row = [u * u, v * v, u, v];
        for i in 0..4 {
            atb[i] += w * row[i];
            for j in 0..4 {
                ata[i][j] += w * row[i] * row[j];
            }
        }
    }
    if used < 8 {
        return None;
    }
    let [a, c, d, e] = solve4(ata, atb)?;
    if a <= 0.0 || c <= 0.0 {
        return None;
    }
    let u0 = -d / (2.0 * a);
    let v0 = -e / (2.0 * c);
    let k = 1.0 + a * u0 * u0 + c * v0 * v0;
    if k <= 0.0 {
        return None;
    }
    Some(Ellipse {
        cx: guess.cx + u0 * scale,
        cy: guess.cy + v0 * scale,
        a: (k / a).sqrt() * scale,
        b: (k / c).sqrt() * scale,
    })
}

/// Centre and overall scale of a rim whose shape (axis ratio) is known, through the points:
/// Gauss–Newton on the radial residual with Tukey weights. Three parameters instead of four
/// keep the fit from stretching onto a painted ring or the plate's lip, while the scale
/// still follows the few percent a plate grows as it rises through a wide lens.
fn robust_centre(points: &[RimPoint], guess: &Ellipse) -> Option<Ellipse> {
    let mut e = *guess;
    let mut weights: Vec<f64> = points.iter().map(|p| p.strength.sqrt()).collect();
    for iteration in 0..12 {
        let mut jtj = [[0.0f64; 3]; 3];
        let mut jtr = [0.0f64; 3];
        let mut residuals = Vec::with_capacity(points.len());
        for (p, &w) in points.iter().zip(&weights) {
            let (dx, dy) = (p.x - e.cx, p.y - e.cy);
            let r = dx.hypot(dy).max(1e-9);
            let rho = e.radius_along(dx / r, dy / r);
            let res = r - rho;
            residuals.push(res);
            // d(res)/d(centre) is minus the unit vector towards the point; d(res)/d(log
            // scale) is minus the rim radius there.
            let j = [-dx / r, -dy / r, -rho];
            for i in 0..3 {
                jtr[i] += w * j[i] * res;
                for k in 0..3 {
                    jtj[i][k] += w * j[i] * j[k];
                }
            }
        }
        let step = solve3(jtj, [-jtr[0], -jtr[1], -jtr[2]])?;
        e.cx += step[0];
        e.cy += step[1];
        let grow = (1.0 + step[2]).clamp(0.8, 1.25);
        e.a *= grow;
        e.b *= grow;
        let sigma = (1.4826 * median_abs(&residuals)).max(0.35);
        let cutoff = 4.685 * sigma;
        for ((w, p), r) in weights.iter_mut().zip(points).zip(&residuals) {
            let u = r / cutoff;
            *w = if u.abs() < 1.0 { p.strength.sqrt() * (1.0 - u * u).powi(2) } else { 0.0 };
        }
        if iteration > 2 && step[0].hypot(step[1]) < 1e-3 && step[2].abs() < 1e-5 {
            break;
        }
    }
    Some(e)
}

fn solve3(mut m: [[f64; 3]; 3], mut y: [f64; 3]) -> Option<[f64; 3]> {
    for col in 0..3 {
        let pivot = (col..3).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        y.swap(col, pivot);
        for row in col + 1..3 {
            let f = m[row][col] / m[col][col];
            for k in col..3 {
                m[row][k] -= f * m[col][k];
            }
            y[row] -= f * y[col];
        }
    }
    let mut x = [0.0; 3];
    for row in (0..3).rev() {
        let s: f64 = (row + 1..3).map(|k| m[row][k] * x[k]).sum();
        x[row] = (y[row] - s) / m[row][row];
    }
    Some(x)
}

/// Gaussian elimination with partial pivoting for the 4x4 normal equations.
fn solve4(mut m: [[f64; 4]; 4], mut y: [f64; 4]) -> Option<[f64; 4]> {
    for col in 0..4 {
        let pivot = (col..4).max_by(|&i, &j| m[i][col].abs().total_cmp(&m[j][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        y.swap(col, pivot);
        for row in col + 1..4 {
            let f = m[row][col] / m[col][col];
            for k in col..4 {
                m[row][k] -= f * m[col][k];
            }
            y[row] -= f * y[col];
        }
    }
    let mut x = [0.0; 4];
    for row in (0..4).rev() {
        let s: f64 = (row + 1..4).map(|k| m[row][k] * x[k]).sum();
        x[row] = (y[row] - s) / m[row][row];
    }
    Some(x)
}

fn radial_residual(e: &Ellipse, x: f64, y: f64) -> f64 {
    let dx = x - e.cx;
    let dy = y - e.cy;
    let r = dx.hypot(dy);
    if r < 1e-9 {
        return -e.mean_radius();
    }
    r - e.radius_along(dx / r, dy / r)
}

fn median_abs(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().map(|x| x.abs()).collect();
    if v.is_empty() {
        return 0.0;
    }
    let mid = v.len() / 2;
    v.select_nth_unstable_by(mid, f64::total_cmp);
    v[mid]
}

fn score(points: &[RimPoint], ellipse: Ellipse, rays_inside: usize, rays: usize) -> RimFit {
    let tolerance = (0.02 * ellipse.mean_radius()).max(1.5);
    let mut agreeing = Vec::new();
    let mut sq = 0.0;
    for p in points {
        let r = radial_residual(&ellipse, p.x, p.y);
        if r.abs() <= tolerance {
            agreeing.push(p.strength);
            sq += r * r;
        }
    }
    let n = agreeing.len().max(1) as f64;
    agreeing.sort_by(f64::total_cmp);
    let contrast = agreeing.get(agreeing.len() / 2).copied().unwrap_or(0.0);
    RimFit {
        ellipse,
        support: agreeing.len() as f64 / rays_inside.max(1) as f64,
        in_frame: rays_inside as f64 / rays as f64,
        contrast,
        rms_px: (sq / n).sqrt(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An owned 8-bit grey Mat of `w` x `h` pixels from raw bytes.
    pub fn mat_from(data: &[u8], w: usize, h: usize) -> opencv::core::Mat {
        use opencv::prelude::*;
        let m = opencv::core::Mat::new_rows_cols_with_data(h as i32, w as i32, data).unwrap();
        let mut owned = opencv::core::Mat::default();
        m.copy_to(&mut owned).unwrap();
        assert_eq!(owned.typ(), opencv::core::CV_8UC1);
        owned
    }

    /// A dark disc (optionally elliptical) on a light background with anti-aliased edges.
    pub fn disc_image(w: usize, h: usize, e: Ellipse, inside: u8, outside: u8) -> Vec<u8> {
        let mut img = vec![outside; w * h];
        for y in 0..h {
            for x in 0..w {
                // 4x4 supersampling for a smooth, unbiased edge.
                let mut cover = 0.0;
                for sy in 0..4 {
                    for sx in 0..4 {
                        let px = x as f64 + (sx as f64 + 0.5) / 4.0 - 0.5;
                        let py = y as f64 + (sy as f64 + 0.5) / 4.0 - 0.5;
                        let u = (px - e.cx) / e.a;
                        let v = (py - e.cy) / e.b;
                        if u * u + v * v <= 1.0 {
                            cover += 1.0 / 16.0;
                        }
                    }
                }
                img[y * w + x] = (outside as f64 + (inside as f64 - outside as f64) * cover).round() as u8;
            }
        }
        img
    }

    #[test]
    fn finds_circle_centre_to_a_tenth_of_a_pixel_from_a_poor_guess() {
        let truth = Ellipse::circle(160.3, 118.7, 70.0);
        let img = disc_image(320, 240, truth, 40, 200);
        let view = ImageView::from_slice(&img, 320, 240, 1);
        let guess = Ellipse::circle(166.0, 112.0, 64.0);
        let fit = refine_rim(&view, guess, RimSearch { band: 0.25, ..Default::default() }).unwrap();
        assert!((fit.ellipse.cx - truth.cx).abs() < 0.1, "{fit:?}");
        assert!((fit.ellipse.cy - truth.cy).abs() < 0.1, "{fit:?}");
        assert!((fit.ellipse.b - 70.0).abs() < 0.2, "{fit:?}");
        assert!(fit.support > 0.9);
    }

    #[test]
    fn measures_an_oblique_plate_as_an_ellipse() {
        let truth = Ellipse { cx: 150.0, cy: 120.0, a: 50.0, b: 80.0 };
        let img = disc_image(300, 240, truth, 30, 220);
        let view = ImageView::from_slice(&img, 300, 240, 1);
        let fit =
            refine_rim(&view, Ellipse { a: 60.0, b: 76.0, ..truth }, RimSearch { band: 0.3, ..Default::default() })
                .unwrap();
        assert!((fit.ellipse.a - 50.0).abs() < 0.3 && (fit.ellipse.b - 80.0).abs() < 0.3, "{fit:?}");
    }

    #[test]
    fn ignores_a_bright_bar_crossing_part_of_the_rim() {
        let truth = Ellipse::circle(160.0, 120.0, 60.0);
        let mut img = disc_image(320, 240, truth, 40, 200);
        // A shin-like bar crossing the left rim.
        for y in 0..240 {
            for x in 90..115 {
                img[y * 320 + x] = 120;
            }
        }
        let view = ImageView::from_slice(&img, 320, 240, 1);
        let fit = refine_rim(&view, Ellipse::circle(158.0, 121.0, 60.0), RimSearch::default()).unwrap();
        assert!((fit.ellipse.cx - 160.0).abs() < 0.3 && (fit.ellipse.cy - 120.0).abs() < 0.3, "{fit:?}");
    }

    #[test]
    fn a_plate_cut_off_by_the_frame_edge_is_still_measured() {
        let truth = Ellipse::circle(160.0, 200.0, 70.0);
        let img = disc_image(320, 240, truth, 40, 200);
        let view = ImageView::from_slice(&img, 320, 240, 1);
        let fit = refine_rim(&view, Ellipse::circle(163.0, 197.0, 68.0), RimSearch::default()).unwrap();
        assert!((fit.ellipse.cx - 160.0).abs() < 0.3 && (fit.ellipse.cy - 200.0).abs() < 0.3, "{fit:?}");
        assert!(fit.support > 0.9 && fit.in_frame < 0.9, "{fit:?}");
    }

    #[test]
    fn centre_fit_of_known_shape_ignores_an_inner_ring() {
        let truth = Ellipse::circle(160.0, 120.0, 70.0);
        let mut img = disc_image(320, 240, truth, 90, 110);
        // A painted ring at 0.88 R as strong as the faint outer rim (a plate's lip).
        let ring = disc_image(320, 240, Ellipse::circle(160.0, 120.0, 61.6), 112, 90);
        for (p, r) in img.iter_mut().zip(&ring) {
            if *r > 100 {
                *p = *r;
            }
        }
        let view = ImageView::from_slice(&img, 320, 240, 1);
        let fit = fit_rim_centre(
            &view,
            Ellipse::circle(162.0, 118.0, 69.0),
            RimSearch { min_contrast: 5.0, ..Default::default() },
        )
        .unwrap();
        assert!((fit.ellipse.cx - 160.0).abs() < 0.3 && (fit.ellipse.cy - 120.0).abs() < 0.3, "{fit:?}");
        assert!(fit.support > 0.8 && (fit.ellipse.a - 70.0).abs() < 0.3, "{fit:?}");
    }

    #[test]
    fn no_rim_on_a_flat_image() {
        let img = vec![128u8; 200 * 200];
        let view = ImageView::from_slice(&img, 200, 200, 1);
        assert!(fit_rim(&view, Ellipse::circle(100.0, 100.0, 50.0), RimSearch::default()).is_none());
    }
}
