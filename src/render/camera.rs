//! World → image mapping: scale, facing, placement and per-frame camera shake.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::geom::V2;
use super::spec::RenderSpec;

/// A rigid image-plane motion: rotate by `rot` (rad) about the image centre, then shift.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Shake {
    pub dx: f64,
    pub dy: f64,
    pub rot: f64,
}

#[derive(Debug, Clone)]
pub struct Camera {
    pub width: u32,
    pub height: u32,
    pub cm_per_px: f64,
    /// +1 when the lifter faces image-right.
    pub sign: f64,
    /// Image x of world x = 0 (the near ankle), before shake.
    pub ox: f64,
    /// Image y of the floor (world y = 0), before shake.
    pub floor_py: f64,
    pub shakes: Vec<Shake>,
}

impl Camera {
    pub fn new(spec: &RenderSpec, midfoot_x_cm: f64, frames: usize) -> Camera {
        let s = spec.facing.sign();
        let cmpp = spec.cm_per_px;
        let mid_px = spec.midfoot_at * spec.width as f64;
        let ox = mid_px - s * midfoot_x_cm / cmpp;
        let floor_py = spec.floor_at * spec.height as f64;
        let shakes = shake_track(spec, frames);
        Camera { width: spec.width, height: spec.height, cm_per_px: cmpp, sign: s, ox, floor_py, shakes }
    }

    /// World cm → unshaken image px (pixel centres at integer coordinates).
    pub fn base(&self, p: V2) -> V2 {
        V2 { x: self.ox + self.sign * p.x / self.cm_per_px, y: self.floor_py - p.y / self.cm_per_px }
    }

    pub fn centre(&self) -> V2 {
        V2 { x: 0.5 * (self.width as f64 - 1.0), y: 0.5 * (self.height as f64 - 1.0) }
    }

    /// Apply frame `i`'s shake to an unshaken image point.
    pub fn shake_px(&self, i: usize, p: V2) -> V2 {
        let sh = self.shakes.get(i).copied().unwrap_or_default();
        let c = self.centre();
        (p - c).rot(sh.rot) + c + V2 { x: sh.dx, y: sh.dy }
    }

    /// World cm → final image px of frame `i`.
    pub fn to_px(&self, i: usize, p: V2) -> V2 {
        self.shake_px(i, self.base(p))
    }

    /// The 2x3 affine matrix (row-major) mapping unshaken to shaken image coordinates.
    pub fn affine(&self, i: usize) -> [f64; 6] {
        let sh = self.shakes.get(i).copied().unwrap_or_default();
        let c = self.centre();
        let (s, co) = sh.rot.sin_cos();
        // p' = R (p - c) + c + d
        let tx = c.x - (co * c.x - s * c.y) + sh.dx;
        let ty = c.y - (s * c.x + co * c.y) + sh.dy;
        [co, -s, tx, s, co, ty]
    }
}

/// Smooth random translation and rotation, zero when `shake` is 0.
fn shake_track(spec: &RenderSpec, frames: usize) -> Vec<Shake> {
    let amp = spec.realism.shake;
    if amp <= 0.0 {
        return vec![Shake::default(); frames];
    }
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x5348_414b_4500_0001);
    // Three sinusoids per channel (hand tremor and sway) plus a slow drift.
    let mut chan = |scale: f64| -> Vec<(f64, f64, f64)> {
        (0..4)
            .map(|k| {
                let f = match k {
                    0 => rng.random_range(0.15..0.4),
                    1 => rng.random_range(0.6..1.5),
                    2 => rng.random_range(1.8..3.5),
                    _ => rng.random_range(4.0..7.0),
                };
                let a = scale
                    * match k {
                        0 => 0.8,
                        1 => 0.6,
                        2 => 0.35,
                        _ => 0.12,
                    };
                (f, a, rng.random_range(0.0..std::f64::consts::TAU))
            })
            .collect()
    };
    let cx = chan(amp);
    let cy = chan(amp * 0.8);
    let cr = chan((amp * 0.1).to_radians());
    let eval = |c: &[(f64, f64, f64)], t: f64| -> f64 {
        c.iter().map(|(f, a, ph)| a * (std::f64::consts::TAU * f * t + ph).sin()).sum()
    };
    (0..frames)
        .map(|i| {
            let t = i as f64 / spec.fps;
            Shake { dx: eval(&cx, t), dy: eval(&cy, t), rot: eval(&cr, t) }
        })
        .collect()
}
