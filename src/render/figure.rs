//! Drawing the lifter and the barbell for one pose.
//!
//! Volumes are placed around the truth joint centres the way a human's are: the hip
//! joint inside the pelvis (buttocks behind it, groin in front), the shoulder joint
//! inside the top of the chest under the deltoid, the ankle (malleolus) just above the
//! shoe collar, the heel point at the back-bottom of the shoe, the toe point at the
//! shoe tip, the ear at the side of the skull behind the face profile.

use super::body::{Dims, Pose, SPINE_N};
use super::camera::Camera;
use super::geom::{v2, V2};
use super::raster::{fill, fill_soft, fill_with, mix, rgb, scale, Canvas, Paint, Shape, P2};
use super::spec::{LifterSpec, RenderSpec};

/// World → unshaken pixel mapping for the figure (optionally a "far side" perspective
/// squeeze towards the camera's principal point).
struct Xf<'a> {
    cam: &'a Camera,
    /// Far-side scale about `centre` (1 = near side).
    k: f64,
    centre: V2,
}

impl Xf<'_> {
    fn p(&self, w: V2) -> P2 {
        let w = self.centre + (w - self.centre) * self.k;
        let q = self.cam.base(w);
        [q.x as f32, q.y as f32]
    }
    fn r(&self, cm: f64) -> f32 {
        (cm * self.k / self.cam.cm_per_px) as f32
    }
}

pub struct Look {
    skin: [f32; 3],
    hair: [f32; 3],
    shirt: [f32; 3],
    shorts: [f32; 3],
    shoes: [f32; 3],
    socks: [f32; 3],
}

impl Look {
    pub fn new(l: &LifterSpec) -> Look {
        Look {
            skin: rgb(l.skin),
            hair: rgb(l.hair),
            shirt: rgb(l.shirt),
            shorts: rgb(l.shorts),
            shoes: rgb(l.shoes),
            socks: rgb(l.socks),
        }
    }
    fn darker(&self, k: f32) -> Look {
        Look {
            skin: scale(self.skin, k),
            hair: scale(self.hair, k),
            shirt: scale(self.shirt, k),
            shorts: scale(self.shorts, k),
            shoes: scale(self.shoes, k),
            socks: scale(self.socks, k),
        }
    }
}

/// Trunk outline offsets (fraction of stature) from the hip-shoulder joint line, by
/// position t along the spine (0 = hip level, 1 = shoulder level).
const BACK: [(f64, f64); 11] = [
    (-0.02, 0.066),
    (0.08, 0.070),
    (0.20, 0.062),
    (0.36, 0.053),
    (0.52, 0.056),
    (0.68, 0.062),
    (0.82, 0.064),
    (0.94, 0.060),
    (1.02, 0.052),
    (1.09, 0.038),
    (1.14, 0.022),
];
const FRONT: [(f64, f64); 11] = [
    (-0.02, 0.050),
    (0.08, 0.058),
    (0.22, 0.064),
    (0.36, 0.066),
    (0.50, 0.063),
    (0.62, 0.068),
    (0.74, 0.072),
    (0.86, 0.068),
    (0.96, 0.058),
    (1.05, 0.040),
    (1.10, 0.026),
];

fn interp(tab: &[(f64, f64)], t: f64) -> f64 {
    if t <= tab[0].0 {
        return tab[0].1;
    }
    for w in tab.windows(2) {
        if t <= w[1].0 {
            let u = (t - w[0].0) / (w[1].0 - w[0].0);
            let u = u * u * (3.0 - 2.0 * u);
            return w[0].1 + (w[1].1 - w[0].1) * u;
        }
    }
    tab[tab.len() - 1].1
}

/// Point and tangent angle of the spine at t (extrapolated linearly beyond the ends).
fn spine_at(p: &Pose, t: f64) -> (V2, f64) {
    let n = SPINE_N as f64;
    if t <= 0.0 {
        let (q, a) = p.spine[0];
        let seg = p.spine[1].0.dist(q);
        return (q + V2::dir(a) * (t * n * seg), a);
    }
    if t >= 1.0 {
        let (q, a) = p.spine[SPINE_N];
        let seg = q.dist(p.spine[SPINE_N - 1].0);
        return (q + V2::dir(a) * ((t - 1.0) * n * seg), a);
    }
    let x = t * n;
    let i = (x.floor() as usize).min(SPINE_N - 1);
    let f = x - i as f64;
    let (a, aa) = p.spine[i];
    let (b, ab) = p.spine[i + 1];
    (a.lerp(b, f), aa + (ab - aa) * f)
}

fn trunk_outline(d: &Dims, p: &Pose, t0: f64, t1: f64) -> (Vec<V2>, Vec<V2>) {
    let h = d.stature;
    let g = d.girth;
    let n = 28;
    let mut front = Vec::new();
    let mut back = Vec::new();
    for i in 0..=n {
        let t = t0 + (t1 - t0) * i as f64 / n as f64;
        let (q, a) = spine_at(p, t);
        let nrm = V2::dir(a).perp_cw();
        let tf = t.min(1.10);
        let tb = t.min(1.14);
        front.push(q + nrm * (d.spine_depth + interp(&FRONT, tf) * h * g));
        back.push(q - nrm * (interp(&BACK, tb) * h * g - d.spine_depth));
    }
    (front, back)
}

fn poly(xf: &Xf, pts: &[V2]) -> Shape {
    Shape::Poly(pts.iter().map(|&q| xf.p(q)).collect())
}

fn cap(xf: &Xf, a: V2, b: V2, ra: f64, rb: f64) -> Shape {
    Shape::Capsule { a: xf.p(a), b: xf.p(b), ra: xf.r(ra), rb: xf.r(rb) }
}

/// Half-plane clip keeping the side of the line through `at` opposite to direction `away`.
fn clip(xf: &Xf, s: Shape, at: V2, away: V2) -> Shape {
    let a = xf.p(at);
    let b = xf.p(at + away);
    let n = [b[0] - a[0], b[1] - a[1]];
    let l = (n[0] * n[0] + n[1] * n[1]).sqrt().max(1e-6);
    let n = [n[0] / l, n[1] / l];
    let k = n[0] * a[0] + n[1] * a[1];
    Shape::Clip(Box::new(s), n, k)
}

/// Draw one leg (thigh, shorts leg, shin with calf, sock, shoe).
fn draw_leg(cv: &mut Canvas, xf: &Xf, d: &Dims, p: &Pose, look: &Look) {
    let h = d.stature;
    let g = d.girth;
    let (r0, r1) = d.thigh_radii();
    let px_r = |cm: f64| xf.r(cm);
    // Shin + calf.
    let shin_dir = (p.ankle - p.knee).norm();
    let back = {
        // Posterior side of the shank: the side away from the toes.
        let n = shin_dir.perp_cw();
        if n.x > 0.0 {
            -n
        } else {
            n
        }
    };
    let ls = p.knee.dist(p.ankle);
    let calf_a = p.knee + shin_dir * (0.16 * ls) + back * (0.010 * h * g);
    let calf_b = p.knee + shin_dir * (0.58 * ls) + back * (0.004 * h * g);
    let shin = Shape::Union(vec![
        cap(xf, p.knee, p.ankle, 0.029 * h * g, 0.020 * h * g),
        cap(xf, calf_a, calf_b, 0.031 * h * g, 0.022 * h * g),
    ]);
    fill(cv, &shin, &Paint::vol(look.skin, px_r(0.024 * h * g)));
    // Sock.
    let sock_top = p.ankle - shin_dir * (0.05 * h);
    let sock = cap(xf, sock_top, p.ankle, 0.0215 * h * g, 0.0215 * h * g);
    let sock = clip(xf, sock, sock_top, -shin_dir);
    fill(cv, &sock, &Paint::vol(look.socks, px_r(0.02 * h * g)));
    // Thigh with the shorts leg over its upper half.
    let thigh = cap(xf, p.hip, p.knee, r0, r1);
    fill(cv, &thigh, &Paint::vol(look.skin, px_r(0.8 * r1)));
    let tdir = (p.knee - p.hip).norm();
    let hem = p.hip + tdir * (0.52 * d.thigh);
    let shorts = cap(xf, p.hip - tdir * (0.02 * h), hem + tdir * (0.02 * h), r0 * 1.07, r1 * 1.32);
    let shorts = clip(xf, shorts, hem, tdir);
    fill(cv, &shorts, &Paint::vol(look.shorts, px_r(0.6 * r0)));
    // Shoe (foot frame: x forward, y up, origin at the ankle).
    let s = h / 178.0;
    let ah = d.ankle_h;
    let pts: Vec<V2> = [
        (-7.6, -ah + 1.2),
        (-7.9, -ah + 3.2),
        (-7.4, -ah + 6.2),
        (-4.5, -ah + 6.9),
        (-1.5, -ah + 6.0),
        (2.5, 0.6),
        (5.0, -0.6),
        (9.5, -2.2),
        (14.5, -3.5),
        (18.0, -4.1),
        (20.2, -4.8),
        (21.5, -5.8),
        (21.8, -6.9),
        (21.0, -ah + 0.5),
        (18.5, -ah),
        (-6.0, -ah),
    ]
    .iter()
    .map(|&(x, y)| p.ankle + v2(x * s, y))
    .collect();
    let shoe = poly(xf, &pts);
    fill(cv, &shoe, &Paint::vol(look.shoes, xf.r(2.5 * s)));
    let sole = clip(xf, poly(xf, &pts), v2(0.0, 1.3), v2(0.0, 1.0));
    fill(cv, &sole, &Paint::vol(mix(look.socks, look.shoes, 0.15), xf.r(0.6)));
    // Laces.
    for k in 0..4 {
        let a = p.ankle + v2((6.5 + 2.6 * k as f64) * s, -1.2 - 0.65 * k as f64);
        let b = a + v2(0.9 * s, 0.8);
        fill(cv, &cap(xf, a, b, 0.25, 0.25), &Paint::flat(mix(look.shoes, look.socks, 0.6)));
    }
}

/// Draw one arm (upper arm with sleeve, forearm, hand).
fn draw_arm(cv: &mut Canvas, xf: &Xf, d: &Dims, p: &Pose, look: &Look) {
    let h = d.stature;
    let g = d.girth;
    let adir = (p.wrist - p.shoulder).norm();
    let fore = cap(xf, p.elbow, p.wrist, 0.023 * h * g, 0.016 * h * g);
    fill(cv, &fore, &Paint::vol(look.skin, xf.r(0.018 * h * g)));
    // Hand: a fist around the bar, or an open hand hanging.
    let hand = if p.holding {
        let perp = {
            let n = adir.perp_cw();
            if n.x > 0.0 {
                n
            } else {
                -n
            }
        };
        Shape::Union(vec![
            cap(xf, p.wrist, p.grip + adir * (0.006 * h), 0.017 * h, 0.023 * h),
            cap(xf, p.grip - perp * (0.008 * h), p.grip + perp * (0.010 * h), 0.019 * h, 0.017 * h),
        ])
    } else {
        cap(xf, p.wrist, p.wrist + adir * (0.085 * h), 0.019 * h, 0.013 * h)
    };
    fill(cv, &hand, &Paint::vol(look.skin, xf.r(0.015 * h)));
    let up0 = p.shoulder - adir * (0.018 * h);
    let upper = cap(xf, up0, p.elbow, 0.034 * h * g, 0.024 * h * g);
    fill(cv, &upper, &Paint::vol(look.skin, xf.r(0.026 * h * g)));
    let hem = p.shoulder + adir * (0.42 * d.upper_arm);
    let sleeve = cap(xf, up0 - adir * (0.004 * h), hem + adir * (0.02 * h), 0.037 * h * g, 0.031 * h * g);
    let sleeve = clip(xf, sleeve, hem, adir);
    fill(cv, &sleeve, &Paint::vol(look.shirt, xf.r(0.028 * h * g)));
}

fn draw_trunk(cv: &mut Canvas, xf: &Xf, d: &Dims, p: &Pose, look: &Look) {
    let h = d.stature;
    let g = d.girth;
    // Pelvis and buttocks: a blob around the hip joint, drawn in the shorts colour.
    let (_, a0) = spine_at(p, 0.0);
    let tdir = V2::dir(a0);
    let post = -tdir.perp_cw();
    let glute = cap(
        xf,
        p.hip + post * (0.022 * h * g) - tdir * (0.016 * h),
        p.hip + post * (0.008 * h * g) + tdir * (0.06 * h),
        0.054 * h * g,
        0.056 * h * g,
    );
    let (f, b) = trunk_outline(d, p, -0.02, 1.14);
    let mut pts = f.clone();
    pts.extend(b.iter().rev().copied());
    let body = poly(xf, &pts);
    let (w_pt, _) = spine_at(p, 0.24);
    let lower = clip(xf, Shape::Union(vec![glute, body.clone()]), w_pt, tdir);
    fill(cv, &lower, &Paint::vol(look.shorts, xf.r(0.06 * h * g)));
    // Waistband.
    let (hem_pt, hem_a) = spine_at(p, 0.20);
    let shirt = clip(xf, body, hem_pt, -V2::dir(hem_a));
    fill(cv, &shirt, &Paint::vol(look.shirt, xf.r(0.07 * h * g)));
}

fn draw_head(cv: &mut Canvas, xf: &Xf, d: &Dims, p: &Pose, look: &Look) {
    let h = d.stature;
    let s = h / 178.0;
    let g = d.girth;
    // Neck.
    let neck = cap(xf, p.neck0, p.neck1 + V2::dir(p.head_rot + 1.9) * (0.01 * h), 0.034 * h * g, 0.031 * h);
    fill(cv, &neck, &Paint::vol(look.skin, xf.r(0.03 * h)));
    let hp = |x: f64, y: f64| -> V2 { p.ear + v2((x - 1.5) * s, y * s).rot(p.head_rot) };
    let head_pts: Vec<V2> = [
        (-6.2, -7.2),
        (-9.0, -2.5),
        (-10.2, 1.5),
        (-10.0, 5.5),
        (-8.2, 9.4),
        (-4.6, 12.1),
        (0.0, 13.2),
        (4.6, 12.0),
        (7.8, 9.2),
        (9.4, 5.4),
        (9.9, 2.9),
        (9.5, 1.7),
        (10.2, 0.2),
        (11.6, -1.9),
        (12.2, -2.9),
        (11.1, -3.4),
        (10.1, -3.8),
        (10.4, -4.9),
        (10.0, -5.5),
        (10.2, -6.3),
        (9.4, -7.4),
        (9.8, -8.9),
        (9.0, -10.3),
        (7.0, -10.6),
        (4.0, -9.6),
        (1.5, -8.0),
    ]
    .iter()
    .map(|&(x, y)| hp(x, y))
    .collect();
    let head = poly(xf, &head_pts);
    fill(cv, &head, &Paint::vol(look.skin, xf.r(4.5 * s)));
    // Hair: a cap over the top and back of the skull.
    let hair_pts: Vec<V2> = [
        (8.3, 8.4),
        (6.3, 11.3),
        (2.5, 13.6),
        (-2.8, 13.4),
        (-7.4, 11.0),
        (-10.2, 7.0),
        (-10.8, 2.5),
        (-10.0, -1.2),
        (-8.4, -3.2),
        (-6.8, -1.0),
        (-4.2, 3.4),
        (-1.0, 5.0),
        (3.0, 5.6),
        (5.6, 7.2),
    ]
    .iter()
    .map(|&(x, y)| hp(x, y))
    .collect();
    fill(cv, &poly(xf, &hair_pts), &Paint::vol(look.hair, xf.r(2.5 * s)));
    // Ear.
    let ear_pts: Vec<V2> = (0..20)
        .map(|i| {
            let a = i as f64 / 20.0 * std::f64::consts::TAU;
            let (x, y) = (1.9 * a.cos(), 3.1 * a.sin());
            let q = v2(x, y).rot(-0.25);
            hp(q.x + 1.2, q.y + 0.2)
        })
        .collect();
    let ear_col = scale(look.skin, 0.9);
    fill(cv, &poly(xf, &ear_pts), &Paint::vol(ear_col, xf.r(1.4 * s)));
    let inner = cap(xf, hp(1.7, 1.2), hp(1.5, -1.0), 0.55 * s, 0.45 * s);
    fill(cv, &inner, &Paint::flat(scale(look.skin, 0.62)));
    // Eye, brow, mouth line.
    let eye_pts: Vec<V2> = [(7.0, 1.55), (7.9, 2.0), (8.7, 1.75), (8.0, 1.25)].iter().map(|&(x, y)| hp(x, y)).collect();
    fill(cv, &poly(xf, &eye_pts), &Paint::flat([0.95, 0.95, 0.93]));
    fill(cv, &cap(xf, hp(8.0, 1.62), hp(8.0, 1.62), 0.42 * s, 0.42 * s), &Paint::flat([0.12, 0.1, 0.08]));
    fill(cv, &cap(xf, hp(6.6, 3.05), hp(9.2, 3.2), 0.3 * s, 0.4 * s), &Paint::flat(scale(look.hair, 0.9)));
    fill(cv, &cap(xf, hp(8.6, -5.5), hp(10.0, -5.55), 0.16 * s, 0.16 * s), &Paint::flat(scale(look.skin, 0.55)));
    // Nostril.
    fill(cv, &cap(xf, hp(10.5, -3.0), hp(11.0, -3.05), 0.25 * s, 0.2 * s), &Paint::flat(scale(look.skin, 0.6)));
}

/// The near plate (or the far one when `far`): rim, face, coloured ring, sleeve end.
pub fn draw_plate(cv: &mut Canvas, c: P2, r: f32, face: [f32; 3], far: bool) {
    let rim = Shape::Circle { c, r };
    let dark = if far { 0.6 } else { 1.0 };
    fill(cv, &rim, &Paint::vol(scale([0.10, 0.10, 0.11], dark), r * 0.08));
    let f = Shape::Circle { c, r: r * 0.90 };
    fill_with(cv, &f, 1.0, |p, _, _| {
        // A gentle radial gradient with faint concentric rings.
        let dx = p[0] - c[0];
        let dy = p[1] - c[1];
        let rr = (dx * dx + dy * dy).sqrt() / r;
        let ring = 0.03 * (rr * 40.0).sin();
        let lift = 0.05 * (-(dy + dx * 0.3) / r);
        scale(face, dark * (1.0 + ring + lift))
    });
    // Raised inner collar ring and a lettering band.
    let band = Shape::Sub(Box::new(Shape::Circle { c, r: r * 0.62 }), Box::new(Shape::Circle { c, r: r * 0.55 }));
    fill(cv, &band, &Paint::flat(scale(mix(face, [0.9, 0.9, 0.9], 0.35), dark)));
    for k in 0..4 {
        let a = k as f32 * std::f32::consts::FRAC_PI_2 + 0.4;
        let (s, co) = a.sin_cos();
        let q = [c[0] + co * r * 0.75, c[1] + s * r * 0.75];
        let t = [-s, co];
        let l = r * 0.09;
        let mark = Shape::Capsule {
            a: [q[0] - t[0] * l, q[1] - t[1] * l],
            b: [q[0] + t[0] * l, q[1] + t[1] * l],
            ra: r * 0.035,
            rb: r * 0.035,
        };
        fill(cv, &mark, &Paint::flat(scale([0.92, 0.92, 0.9], dark)));
    }
    // Steel hub and the sleeve end.
    let hub = Shape::Circle { c, r: r * 0.2 };
    fill(cv, &hub, &Paint::vol(scale([0.62, 0.63, 0.66], dark), r * 0.06));
    let sleeve = Shape::Circle { c, r: r * 0.11 };
    let mut p = Paint::vol(scale([0.80, 0.81, 0.83], dark), r * 0.1);
    p.gloss = 0.25;
    fill(cv, &sleeve, &p);
    let hole = Shape::Circle { c, r: r * 0.035 };
    fill(cv, &hole, &Paint::flat(scale([0.25, 0.25, 0.27], dark)));
}

pub struct Figure {
    pub look: Look,
    pub plate_face: [f32; 3],
    pub plate_r_cm: f64,
    pub far_plate: bool,
}

impl Figure {
    pub fn new(spec: &RenderSpec) -> Figure {
        Figure {
            look: Look::new(&spec.lifter),
            plate_face: [0.13, 0.13, 0.14],
            plate_r_cm: 0.5 * spec.plate_diameter_cm,
            far_plate: spec.far_plate,
        }
    }

    /// Draw the lifter and barbell for `pose` (unshaken image coordinates).
    pub fn draw(&self, cv: &mut Canvas, cam: &Camera, d: &Dims, pose: &Pose) {
        let centre = v2(pose.ankle.x + 8.0, 0.55 * d.stature);
        let near = Xf { cam, k: 1.0, centre };
        let far = Xf { cam, k: 0.965, centre };
        let dim = self.look.darker(0.72);
        // Contact shadows: under the feet, and under the plate (fading as it rises).
        let sh = |c: V2, rx: f64, ry: f64| -> Shape {
            let pts: Vec<P2> = (0..24)
                .map(|i| {
                    let a = i as f64 / 24.0 * std::f64::consts::TAU;
                    near.p(c + v2(rx * a.cos(), ry * a.sin()))
                })
                .collect();
            Shape::Poly(pts)
        };
        let fx = 0.5 * (pose.heel.x + pose.toe.x);
        fill_soft(cv, &sh(v2(fx, 0.0), 19.0, 1.8), [0.0, 0.0, 0.0], 0.45, near.r(2.5));
        let lift = (pose.bar.y - self.plate_r_cm).max(0.0);
        let a = (0.5 * (1.0 - lift / 60.0)).max(0.0) as f32;
        if a > 0.0 {
            fill_soft(
                cv,
                &sh(v2(pose.bar.x, 0.0), 17.0 + 0.1 * lift, 1.8),
                [0.0, 0.0, 0.0],
                a,
                near.r(3.0 + 0.1 * lift),
            );
        }
        if self.far_plate {
            let fx = Xf { cam, k: 0.80, centre };
            draw_plate(cv, fx.p(pose.bar), fx.r(self.plate_r_cm), self.plate_face, true);
        }
        draw_arm(cv, &far, d, pose, &dim);
        draw_leg(cv, &far, d, pose, &dim);
        draw_trunk(cv, &near, d, pose, &self.look);
        draw_head(cv, &near, d, pose, &self.look);
        draw_leg(cv, &near, d, pose, &self.look);
        draw_arm(cv, &near, d, pose, &self.look);
        draw_plate(cv, near.p(pose.bar), near.r(self.plate_r_cm), self.plate_face, false);
    }
}
