//! The static background (wall, floor, an optional distractor plate), lighting drift
//! and sensor noise.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};

use super::camera::Camera;
use super::figure::draw_plate;
use super::raster::{fill, mix, Canvas, Paint, Shape};
use super::spec::RenderSpec;

const WALLS: [[f32; 3]; 5] =
    [[0.78, 0.77, 0.74], [0.70, 0.72, 0.74], [0.80, 0.74, 0.64], [0.62, 0.64, 0.62], [0.86, 0.86, 0.84]];
const FLOORS: [[f32; 3]; 4] = [[0.16, 0.16, 0.17], [0.22, 0.21, 0.20], [0.30, 0.24, 0.18], [0.12, 0.13, 0.15]];

/// Smooth value noise in [-1, 1] from a lattice of random values.
struct ValueNoise {
    n: usize,
    v: Vec<f32>,
}

impl ValueNoise {
    fn new(rng: &mut ChaCha8Rng, n: usize) -> ValueNoise {
        ValueNoise { n, v: (0..n * n).map(|_| rng.random_range(-1.0..1.0)).collect() }
    }
    fn at(&self, x: f32, y: f32) -> f32 {
        let n = self.n;
        let xi = x.floor();
        let yi = y.floor();
        let fx = x - xi;
        let fy = y - yi;
        let sx = fx * fx * (3.0 - 2.0 * fx);
        let sy = fy * fy * (3.0 - 2.0 * fy);
        let i = (xi as i64).rem_euclid(n as i64) as usize;
        let j = (yi as i64).rem_euclid(n as i64) as usize;
        let i1 = (i + 1) % n;
        let j1 = (j + 1) % n;
        let a = self.v[j * n + i];
        let b = self.v[j * n + i1];
        let c = self.v[j1 * n + i];
        let d = self.v[j1 * n + i1];
        let top = a + (b - a) * sx;
        let bot = c + (d - c) * sx;
        top + (bot - top) * sy
    }
}

/// Render the static background for a clip.
pub fn background(spec: &RenderSpec, cam: &Camera) -> Canvas {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x6267_0000_0000_0001);
    let (w, h) = (spec.width as usize, spec.height as usize);
    let wall = WALLS[rng.random_range(0..WALLS.len())];
    let floor = FLOORS[rng.random_range(0..FLOORS.len())];
    let cmpp = cam.cm_per_px as f32;
    // The wall meets the floor some way behind the lifter.
    let junction = (cam.floor_py as f32 - rng.random_range(55.0..95.0) / cmpp).max(h as f32 * 0.35);
    let block_h = 20.0 / cmpp;
    let block_w = 40.0 / cmpp;
    let noise = ValueNoise::new(&mut rng, 64);
    let grain = ValueNoise::new(&mut rng, 64);
    let base_x = rng.random_range(0.0..block_w);
    let mut cv = Canvas::new(w, h, wall);
    let board = 10.0 / cmpp;
    for y in 0..h {
        let yf = y as f32;
        for x in 0..w {
            let xf = x as f32;
            let c = if yf < junction - board {
                // Painted block wall: vertical light falloff, mortar joints, mottling.
                let course = ((junction - board - yf) / block_h).floor();
                let in_course = (junction - board - yf) / block_h - course;
                let off = if course as i64 % 2 == 0 { 0.0 } else { 0.5 };
                let bx = ((xf - base_x) / block_w + off).fract();
                let bx = if bx < 0.0 { bx + 1.0 } else { bx };
                let joint_px = 1.2f32.max(0.6 / cmpp);
                let dj = (in_course * block_h).min((1.0 - in_course) * block_h);
                let dv = (bx * block_w).min((1.0 - bx) * block_w);
                let mortar = 1.0 - 0.10 * (1.0 - (dj.min(dv) / joint_px).clamp(0.0, 1.0));
                let mottle = 1.0 + 0.035 * noise.at(xf / 90.0, yf / 90.0) + 0.015 * grain.at(xf / 7.0, yf / 7.0);
                let fall = 1.0 - 0.12 * (yf / h as f32);
                let k = mortar * mottle * fall;
                [wall[0] * k, wall[1] * k, wall[2] * k]
            } else if yf < junction {
                // Baseboard.
                let k = 0.45 + 0.05 * ((junction - yf) / board);
                [wall[0] * k, wall[1] * k, wall[2] * k]
            } else {
                // Rubber floor: flecks and a faint gradient towards the camera.
                let depth = (yf - junction) / (h as f32 - junction).max(1.0);
                let fleck = grain.at(xf / 2.3, yf / 2.3);
                let fleck = if fleck > 0.82 { 0.25 } else { 0.0 };
                let k = 0.85 + 0.25 * depth + 0.05 * noise.at(xf / 60.0, yf / 20.0) + fleck;
                [floor[0] * k, floor[1] * k, floor[2] * k]
            };
            cv.px[y * w + x] = c;
        }
    }
    // Floor seams.
    for s in 0..2 {
        let y = junction + (h as f32 - junction) * (0.35 + 0.4 * s as f32);
        let seam = Shape::Capsule { a: [-10.0, y], b: [w as f32 + 10.0, y + 2.0], ra: 0.8, rb: 0.8 };
        fill(&mut cv, &seam, &Paint::flat(mix(floor, [0.0, 0.0, 0.0], 0.5)));
    }
    // A rack upright well away from the lifter.
    let lifter_x = spec.midfoot_at as f32 * w as f32;
    let side = if lifter_x > w as f32 * 0.5 { -1.0 } else { 1.0 };
    let rx = lifter_x + side * rng.random_range(120.0..170.0) / cmpp;
    if rx > 20.0 && rx < w as f32 - 20.0 {
        let pw = 7.5 / cmpp;
        let top = (junction - 230.0 / cmpp).max(-10.0);
        let post = Shape::Poly(vec![
            [rx - pw * 0.5, top],
            [rx + pw * 0.5, top],
            [rx + pw * 0.5, junction + 6.0 / cmpp],
            [rx - pw * 0.5, junction + 6.0 / cmpp],
        ]);
        fill(&mut cv, &post, &Paint::vol([0.16, 0.16, 0.18], pw * 0.5));
        let mut y = junction - 10.0 / cmpp;
        while y > top + 5.0 {
            fill(&mut cv, &Shape::Circle { c: [rx, y], r: 1.2 / cmpp }, &Paint::flat([0.05, 0.05, 0.05]));
            y -= 5.0 / cmpp;
        }
    }
    if spec.realism.distractor_plate {
        // A smaller plate leaning on the wall on the other side.
        let r = rng.random_range(12.0..17.0) / cmpp;
        let side = -side;
        let mut cx = lifter_x + side * rng.random_range(95.0..140.0) / cmpp;
        if cx < r + 5.0 || cx > w as f32 - r - 5.0 {
            cx = lifter_x - side * rng.random_range(95.0..140.0) / cmpp;
        }
        let cy = junction + 3.0 / cmpp - r;
        let face = [[0.55, 0.12, 0.12], [0.12, 0.25, 0.55], [0.14, 0.14, 0.15]][rng.random_range(0..3)];
        draw_plate(&mut cv, [cx, cy], r, face, false);
    }
    cv
}

/// Per-frame lighting: (gain per channel).
pub fn lighting(spec: &RenderSpec, frames: usize) -> Vec<[f32; 3]> {
    if !spec.realism.lighting_changes {
        return vec![[1.0; 3]; frames];
    }
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x4c49_4748_5400_0001);
    let p1 = rng.random_range(0.0..std::f64::consts::TAU);
    let p2 = rng.random_range(0.0..std::f64::consts::TAU);
    let period = rng.random_range(5.0..9.0);
    let flickers: Vec<usize> = (0..2).map(|_| rng.random_range(0..frames.max(1))).collect();
    (0..frames)
        .map(|i| {
            let t = i as f64 / spec.fps;
            let g = 1.0 + 0.10 * (std::f64::consts::TAU * t / period + p1).sin();
            let warm = 0.04 * (std::f64::consts::TAU * t / (period * 1.7) + p2).sin();
            let mut g = g as f32;
            for &f in &flickers {
                let di = i.abs_diff(f);
                if di <= 2 {
                    g *= 0.82 + 0.06 * di as f32;
                }
            }
            [g * (1.0 + warm as f32), g, g * (1.0 - warm as f32)]
        })
        .collect()
}

/// Add Gaussian sensor noise (plus a little coarser chroma noise) to BGR bytes.
pub fn add_noise(buf: &mut [u8], w: usize, h: usize, sigma: f64, seed: u64, frame: usize) {
    if sigma <= 0.0 {
        return;
    }
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed ^ 0x4e4f_4953_4500_0000 ^ (frame as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let nd = Normal::new(0.0f32, sigma as f32).unwrap();
    let cd = Normal::new(0.0f32, (sigma * 0.5) as f32).unwrap();
    let cw = w.div_ceil(2);
    let ch = h.div_ceil(2);
    let chroma: Vec<[f32; 2]> = (0..cw * ch).map(|_| [cd.sample(&mut rng), cd.sample(&mut rng)]).collect();
    for y in 0..h {
        for x in 0..w {
            let l = nd.sample(&mut rng);
            let c = chroma[(y / 2) * cw + x / 2];
            let i = (y * w + x) * 3;
            let add = [l + c[0], l, l + c[1]];
            for k in 0..3 {
                let v = buf[i + k] as f32 + add[k];
                buf[i + k] = v.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
}
