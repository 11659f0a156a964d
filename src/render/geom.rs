//! Tiny 2D vector maths for the renderer (world: cm, x forward, y up).

use std::ops::{Add, Mul, Neg, Sub};

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct V2 {
    pub x: f64,
    pub y: f64,
}

pub const fn v2(x: f64, y: f64) -> V2 {
    V2 { x, y }
}

impl V2 {
    pub fn len(self) -> f64 {
        self.x.hypot(self.y)
    }
    pub fn dot(self, o: V2) -> f64 {
        self.x * o.x + self.y * o.y
    }
    pub fn cross(self, o: V2) -> f64 {
        self.x * o.y - self.y * o.x
    }
    pub fn norm(self) -> V2 {
        let l = self.len();
        if l > 0.0 {
            self * (1.0 / l)
        } else {
            V2::default()
        }
    }
    /// Unit vector at angle `a` (radians, counter-clockwise from +x).
    pub fn dir(a: f64) -> V2 {
        v2(a.cos(), a.sin())
    }
    pub fn angle(self) -> f64 {
        self.y.atan2(self.x)
    }
    /// Rotate counter-clockwise by `a` radians.
    pub fn rot(self, a: f64) -> V2 {
        let (s, c) = a.sin_cos();
        v2(c * self.x - s * self.y, s * self.x + c * self.y)
    }
    /// Perpendicular, rotated clockwise (for a direction pointing "up the body" this is
    /// the anterior side when x is forward).
    pub fn perp_cw(self) -> V2 {
        v2(self.y, -self.x)
    }
    pub fn lerp(self, o: V2, t: f64) -> V2 {
        self + (o - self) * t
    }
    pub fn dist(self, o: V2) -> f64 {
        (self - o).len()
    }
}

impl Add for V2 {
    type Output = V2;
    fn add(self, o: V2) -> V2 {
        v2(self.x + o.x, self.y + o.y)
    }
}
impl Sub for V2 {
    type Output = V2;
    fn sub(self, o: V2) -> V2 {
        v2(self.x - o.x, self.y - o.y)
    }
}
impl Mul<f64> for V2 {
    type Output = V2;
    fn mul(self, k: f64) -> V2 {
        v2(self.x * k, self.y * k)
    }
}
impl Neg for V2 {
    type Output = V2;
    fn neg(self) -> V2 {
        v2(-self.x, -self.y)
    }
}

pub fn lerp(a: f64, b: f64, t: f64) -> f64 {
    a + (b - a) * t
}

pub fn clamp01(t: f64) -> f64 {
    t.clamp(0.0, 1.0)
}

/// Minimum-jerk easing 0→1 (zero velocity and acceleration at both ends).
pub fn minjerk(t: f64) -> f64 {
    let t = clamp01(t);
    t * t * t * (10.0 - 15.0 * t + 6.0 * t * t)
}

/// Cubic smoothstep 0→1.
pub fn smoothstep(t: f64) -> f64 {
    let t = clamp01(t);
    t * t * (3.0 - 2.0 * t)
}

/// Smooth bump 0→1→0 on [a, b] (peak at the middle), zero outside, C1 continuous.
pub fn bump(t: f64, a: f64, b: f64) -> f64 {
    if t <= a || t >= b {
        return 0.0;
    }
    let u = (t - a) / (b - a);
    let s = (std::f64::consts::PI * u).sin();
    s * s
}

/// Smooth plateau: rises over [a, b], stays 1 over [b, c], falls over [c, d].
pub fn plateau(t: f64, a: f64, b: f64, c: f64, d: f64) -> f64 {
    if t <= a || t >= d {
        0.0
    } else if t < b {
        smoothstep((t - a) / (b - a))
    } else if t <= c {
        1.0
    } else {
        1.0 - smoothstep((t - c) / (d - c))
    }
}

/// Bisection for f(x) = 0 on [lo, hi] given f(lo) and f(hi) of opposite sign.
pub fn bisect(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> Option<f64> {
    let mut flo = f(lo);
    let fhi = f(hi);
    if !(flo.is_finite() && fhi.is_finite()) || flo * fhi > 0.0 {
        return None;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        let fm = f(mid);
        if !fm.is_finite() {
            return None;
        }
        if (fm < 0.0) == (flo < 0.0) {
            lo = mid;
            flo = fm;
        } else {
            hi = mid;
        }
        if (hi - lo).abs() < 1e-12 {
            break;
        }
    }
    Some(0.5 * (lo + hi))
}

/// Piecewise-linear interpolation through `(x, y)` knots sorted by x (clamped at the ends).
pub fn pwl(knots: &[(f64, f64)], x: f64) -> f64 {
    if x <= knots[0].0 {
        return knots[0].1;
    }
    for w in knots.windows(2) {
        let (x0, y0) = w[0];
        let (x1, y1) = w[1];
        if x <= x1 {
            let t = if x1 > x0 { (x - x0) / (x1 - x0) } else { 0.0 };
            // Smooth the corners a little with a cosine blend.
            let t = 0.5 - 0.5 * (std::f64::consts::PI * t).cos();
            return y0 + (y1 - y0) * t;
        }
    }
    knots[knots.len() - 1].1
}
