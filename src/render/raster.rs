//! A small anti-aliased 2D rasteriser: signed-distance shapes composited onto an RGB
//! float canvas with simple volume shading. Pixel centres are at integer coordinates.

pub type P2 = [f32; 2];

#[derive(Clone)]
pub struct Canvas {
    pub w: usize,
    pub h: usize,
    /// RGB in 0..1, row-major.
    pub px: Vec<[f32; 3]>,
}

impl Canvas {
    pub fn new(w: usize, h: usize, c: [f32; 3]) -> Canvas {
        Canvas { w, h, px: vec![c; w * h] }
    }
}

pub fn rgb(c: [u8; 3]) -> [f32; 3] {
    [c[0] as f32 / 255.0, c[1] as f32 / 255.0, c[2] as f32 / 255.0]
}

pub fn scale(c: [f32; 3], k: f32) -> [f32; 3] {
    [c[0] * k, c[1] * k, c[2] * k]
}

pub fn mix(a: [f32; 3], b: [f32; 3], t: f32) -> [f32; 3] {
    [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/// A signed-distance shape (negative inside) in pixels, with the outward normal.
#[derive(Clone, Debug)]
pub enum Shape {
    Circle {
        c: P2,
        r: f32,
    },
    /// Tapered capsule: circles of radius `ra` at `a` and `rb` at `b` joined by tangents.
    Capsule {
        a: P2,
        b: P2,
        ra: f32,
        rb: f32,
    },
    /// Closed polygon (any orientation, simple).
    Poly(Vec<P2>),
    Union(Vec<Shape>),
    /// Keep the part of the shape where `dot(n, p) <= k` (n unit).
    Clip(Box<Shape>, P2, f32),
    /// Remove `b` from `a`.
    Sub(Box<Shape>, Box<Shape>),
}

fn sub(a: P2, b: P2) -> P2 {
    [a[0] - b[0], a[1] - b[1]]
}
fn dot(a: P2, b: P2) -> f32 {
    a[0] * b[0] + a[1] * b[1]
}
fn len(a: P2) -> f32 {
    (a[0] * a[0] + a[1] * a[1]).sqrt()
}
fn nrm(a: P2) -> P2 {
    let l = len(a);
    if l > 1e-9 {
        [a[0] / l, a[1] / l]
    } else {
        [0.0, -1.0]
    }
}

impl Shape {
    /// Bounding box (x0, y0, x1, y1).
    pub fn bbox(&self) -> (f32, f32, f32, f32) {
        match self {
            Shape::Circle { c, r } => (c[0] - r, c[1] - r, c[0] + r, c[1] + r),
            Shape::Capsule { a, b, ra, rb } => (
                (a[0] - ra).min(b[0] - rb),
                (a[1] - ra).min(b[1] - rb),
                (a[0] + ra).max(b[0] + rb),
                (a[1] + ra).max(b[1] + rb),
            ),
            Shape::Poly(p) => {
                let mut bb = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for q in p {
                    bb.0 = bb.0.min(q[0]);
                    bb.1 = bb.1.min(q[1]);
                    bb.2 = bb.2.max(q[0]);
                    bb.3 = bb.3.max(q[1]);
                }
                bb
            }
            Shape::Union(v) => {
                let mut bb = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
                for s in v {
                    let b = s.bbox();
                    bb.0 = bb.0.min(b.0);
                    bb.1 = bb.1.min(b.1);
                    bb.2 = bb.2.max(b.2);
                    bb.3 = bb.3.max(b.3);
                }
                bb
            }
            Shape::Clip(s, _, _) => s.bbox(),
            Shape::Sub(a, _) => a.bbox(),
        }
    }

    /// Signed distance and outward normal at `p`.
    pub fn eval(&self, p: P2) -> (f32, P2) {
        match self {
            Shape::Circle { c, r } => {
                let v = sub(p, *c);
                let l = len(v);
                (l - r, nrm(v))
            }
            Shape::Capsule { a, b, ra, rb } => capsule(p, *a, *b, *ra, *rb),
            Shape::Poly(pts) => poly(p, pts),
            Shape::Union(v) => {
                let mut best = (f32::MAX, [0.0, -1.0]);
                for s in v {
                    let e = s.eval(p);
                    if e.0 < best.0 {
                        best = e;
                    }
                }
                best
            }
            Shape::Clip(s, n, k) => {
                let e = s.eval(p);
                let dp = dot(*n, p) - k;
                if dp > e.0 {
                    (dp, *n)
                } else {
                    e
                }
            }
            Shape::Sub(a, b) => {
                let ea = a.eval(p);
                let eb = b.eval(p);
                if -eb.0 > ea.0 {
                    (-eb.0, [-eb.1[0], -eb.1[1]])
                } else {
                    ea
                }
            }
        }
    }
}

fn capsule(p: P2, a: P2, b: P2, ra: f32, rb: f32) -> (f32, P2) {
    // Exact SDF of the convex hull of two circles (Inigo Quilez's uneven capsule).
    let ba = sub(b, a);
    let h = len(ba);
    let rr = ra - rb;
    if h <= rr.abs() + 1e-4 {
        let (c, r) = if ra >= rb { (a, ra) } else { (b, rb) };
        let v = sub(p, c);
        return (len(v) - r, nrm(v));
    }
    let ax = [ba[0] / h, ba[1] / h];
    let ay = [-ax[1], ax[0]];
    let pa = sub(p, a);
    let along = dot(pa, ax);
    let across_s = dot(pa, ay);
    let across = across_s.abs();
    let sb = rr / h;
    let sa = (1.0 - sb * sb).sqrt();
    let k = -sb * across + sa * along;
    if k < 0.0 {
        let v = sub(p, a);
        return (len(v) - ra, nrm(v));
    }
    if k > sa * h {
        let v = sub(p, b);
        return (len(v) - rb, nrm(v));
    }
    let d = sa * across + sb * along - ra;
    let sg = if across_s < 0.0 { -1.0 } else { 1.0 };
    let n = [sg * sa * ay[0] + sb * ax[0], sg * sa * ay[1] + sb * ax[1]];
    (d, n)
}

fn poly(p: P2, v: &[P2]) -> (f32, P2) {
    let n = v.len();
    let mut best = f32::MAX;
    let mut bestv = [0.0f32, 0.0];
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let a = v[j];
        let b = v[i];
        let e = sub(b, a);
        let w = sub(p, a);
        let ee = dot(e, e);
        let t = if ee > 0.0 { (dot(w, e) / ee).clamp(0.0, 1.0) } else { 0.0 };
        let q = [w[0] - e[0] * t, w[1] - e[1] * t];
        let dd = dot(q, q);
        if dd < best {
            best = dd;
            bestv = q;
        }
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if p[0] < x {
                inside = !inside;
            }
        }
        j = i;
    }
    let d = best.sqrt();
    let nv = nrm(bestv);
    if inside {
        (-d, [-nv[0], -nv[1]])
    } else {
        (d, nv)
    }
}

/// How a shape is coloured.
#[derive(Clone, Debug)]
pub struct Paint {
    pub color: [f32; 3],
    /// Width (px) over which the edge rolls off like a cylinder; 0 = flat.
    pub round: f32,
    /// Diffuse strength of the shading (0 = flat colour).
    pub shade: f32,
    /// Specular highlight strength.
    pub gloss: f32,
    /// Opacity.
    pub alpha: f32,
}

impl Paint {
    pub fn flat(color: [f32; 3]) -> Paint {
        Paint { color, round: 0.0, shade: 0.0, gloss: 0.0, alpha: 1.0 }
    }
    pub fn vol(color: [f32; 3], round: f32) -> Paint {
        Paint { color, round, shade: 1.0, gloss: 0.06, alpha: 1.0 }
    }
}

/// Light direction in image space (x right, y down, z towards the camera).
const LIGHT: [f32; 3] = [-0.30, -0.62, 0.72];

#[inline]
fn shade_px(paint: &Paint, d: f32, n: P2) -> [f32; 3] {
    if paint.shade <= 0.0 || paint.round <= 0.0 {
        return paint.color;
    }
    let z = (-d / paint.round).clamp(0.0, 1.0);
    let nz = (1.0 - (1.0 - z) * (1.0 - z)).sqrt();
    let s = (1.0 - nz * nz).max(0.0).sqrt();
    let n3 = [n[0] * s, n[1] * s, nz];
    let l = LIGHT;
    let ll = (l[0] * l[0] + l[1] * l[1] + l[2] * l[2]).sqrt();
    let diff = ((n3[0] * l[0] + n3[1] * l[1] + n3[2] * l[2]) / ll).max(0.0);
    let k = 1.0 - paint.shade * 0.55 + paint.shade * 0.55 * diff * 1.25;
    let spec = paint.gloss * diff.powi(12);
    [(paint.color[0] * k + spec).min(1.0), (paint.color[1] * k + spec).min(1.0), (paint.color[2] * k + spec).min(1.0)]
}

/// The canvas pixels a shape can touch: its box grown by the anti-aliasing edge, clipped to
/// the canvas (empty when xa > xb or ya > yb).
fn pixel_span(cv: &Canvas, shape: &Shape) -> (i64, i64, i64, i64) {
    let (x0, y0, x1, y1) = shape.bbox();
    let xa = ((x0 - 1.5).floor().max(0.0)) as i64;
    let ya = ((y0 - 1.5).floor().max(0.0)) as i64;
    let xb = ((x1 + 1.5).ceil() as i64).min(cv.w as i64 - 1);
    let yb = ((y1 + 1.5).ceil() as i64).min(cv.h as i64 - 1);
    (xa, ya, xb, yb)
}

/// Composite `shape` onto the canvas.
pub fn fill(cv: &mut Canvas, shape: &Shape, paint: &Paint) {
    let (xa, ya, xb, yb) = pixel_span(cv, shape);
    if xa > xb || ya > yb {
        return;
    }
    // Work in 8x8 blocks: the distance bound lets us skip empty blocks.
    const B: i64 = 8;
    let half_diag = (B as f32) * 0.7072 + 0.5;
    let mut by = ya;
    while by <= yb {
        let mut bx = xa;
        let bye = (by + B - 1).min(yb);
        while bx <= xb {
            let bxe = (bx + B - 1).min(xb);
            let c = [(bx + bxe) as f32 * 0.5, (by + bye) as f32 * 0.5];
            let (dc, _) = shape.eval(c);
            if dc > half_diag + 1.0 {
                bx += B;
                continue;
            }
            for y in by..=bye {
                let row = y as usize * cv.w;
                for x in bx..=bxe {
                    let p = [x as f32, y as f32];
                    let (d, n) = shape.eval(p);
                    let cov = (0.5 - d).clamp(0.0, 1.0) * paint.alpha;
                    if cov <= 0.0 {
                        continue;
                    }
                    let col = shade_px(paint, d, n);
                    let dst = &mut cv.px[row + x as usize];
                    dst[0] += (col[0] - dst[0]) * cov;
                    dst[1] += (col[1] - dst[1]) * cov;
                    dst[2] += (col[2] - dst[2]) * cov;
                }
            }
            bx += B;
        }
        by += B;
    }
}

/// Composite a flat colour with a soft edge `soft` px wide (shadows).
pub fn fill_soft(cv: &mut Canvas, shape: &Shape, color: [f32; 3], alpha: f32, soft: f32) {
    let (xa, ya, xb, yb) = pixel_span(cv, shape);
    for y in ya..=yb {
        for x in xa..=xb {
            let (d, _) = shape.eval([x as f32, y as f32]);
            let cov = (-d / soft.max(0.5)).clamp(0.0, 1.0) * alpha;
            if cov <= 0.0 {
                continue;
            }
            let dst = &mut cv.px[y as usize * cv.w + x as usize];
            for k in 0..3 {
                dst[k] += (color[k] - dst[k]) * cov;
            }
        }
    }
}

/// Composite with a per-pixel colour function (for gradients and textures).
pub fn fill_with(cv: &mut Canvas, shape: &Shape, alpha: f32, f: impl Fn(P2, f32, P2) -> [f32; 3]) {
    let (xa, ya, xb, yb) = pixel_span(cv, shape);
    for y in ya..=yb {
        for x in xa..=xb {
            let p = [x as f32, y as f32];
            let (d, n) = shape.eval(p);
            let cov = (0.5 - d).clamp(0.0, 1.0) * alpha;
            if cov <= 0.0 {
                continue;
            }
            let col = f(p, d, n);
            let dst = &mut cv.px[y as usize * cv.w + x as usize];
            dst[0] += (col[0] - dst[0]) * cov;
            dst[1] += (col[1] - dst[1]) * cov;
            dst[2] += (col[2] - dst[2]) * cov;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute_capsule(p: P2, a: P2, b: P2, ra: f32, rb: f32) -> f32 {
        // Min over many circles along the segment (approximates the hull closely).
        let mut best = f32::MAX;
        for i in 0..=4000 {
            let t = i as f32 / 4000.0;
            let c = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
            let r = ra + (rb - ra) * t;
            best = best.min(len(sub(p, c)) - r);
        }
        best
    }

    #[test]
    fn capsule_sdf_matches_brute_force() {
        let (a, b, ra, rb) = ([10.0, 20.0], [60.0, 45.0], 12.0, 6.0);
        for i in 0..40 {
            for j in 0..40 {
                let p = [i as f32 * 2.5 - 10.0, j as f32 * 2.5 - 5.0];
                let (d, _) = capsule(p, a, b, ra, rb);
                let e = brute_capsule(p, a, b, ra, rb);
                // The linear-radius sweep is not the exact hull, but near the boundary
                // both agree to well under a pixel.
                if e.abs() < 3.0 {
                    assert!((d - e).abs() < 0.35, "p {p:?}: {d} vs {e}");
                }
            }
        }
    }

    #[test]
    fn polygon_sdf_sign() {
        let sq = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]];
        assert!((poly([5.0, 5.0], &sq).0 + 5.0).abs() < 1e-5);
        assert!((poly([15.0, 5.0], &sq).0 - 5.0).abs() < 1e-5);
    }
}
