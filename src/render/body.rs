//! The articulated sagittal-plane lifter: segment dimensions (Winter's anthropometric
//! proportions), joint angles, forward kinematics and the bar-driven inverse kinematics.
//!
//! World frame: centimetres, origin on the floor below the near ankle, x forward (the
//! direction the lifter faces), y up. Angles are radians, counter-clockwise from +x.

use super::geom::{bisect, v2, V2};
use super::spec::LifterSpec;

/// Number of straight pieces the spine curve is integrated with.
pub const SPINE_N: usize = 32;
/// Fraction of the spine (from the pelvis up) that is lumbar.
pub const LUMBAR_FRAC: f64 = 0.42;

/// Segment lengths and fixed offsets of one lifter, in cm.
#[derive(Debug, Clone)]
pub struct Dims {
    pub stature: f64,
    /// Ankle joint (malleolus) height above the floor, shoe sole included.
    pub ankle_h: f64,
    pub shank: f64,
    pub thigh: f64,
    /// Length of the spine curve; equals the neutral hip-shoulder chord.
    pub trunk: f64,
    /// Distance of the spine curve behind the hip/shoulder joint line.
    pub spine_depth: f64,
    pub upper_arm: f64,
    pub forearm: f64,
    /// Wrist joint centre to the bar axis (grip centre), along the straight arm.
    pub grip: f64,
    pub neck_len: f64,
    /// Neck base relative to the spine top, (along spine, anterior).
    pub neck_base: V2,
    /// Ear relative to the head pivot in the head frame (x forward, y up).
    pub ear_rel: V2,
    /// Heel (back-bottom of the shoe) and toe (shoe tip) relative to the ankle.
    pub heel_rel: V2,
    pub toe_rel: V2,
    /// Girth scale (1 = average build).
    pub girth: f64,
}

impl Dims {
    pub fn new(l: &LifterSpec) -> Dims {
        let h = l.stature_cm;
        let p = &l.proportions;
        let ankle_h = 0.039 * h + 1.5;
        Dims {
            stature: h,
            ankle_h,
            shank: 0.246 * h * p.shank,
            thigh: 0.245 * h * p.thigh,
            trunk: 0.288 * h * p.trunk,
            spine_depth: 0.026 * h,
            upper_arm: 0.186 * h * p.arm,
            forearm: 0.146 * h * p.arm,
            grip: 0.036 * h,
            neck_len: 0.074 * h,
            neck_base: v2(0.022 * h, 0.030 * h),
            ear_rel: v2(-0.004 * h, 0.013 * h),
            heel_rel: v2(-0.0415 * h, -ankle_h + 2.5),
            toe_rel: v2(0.1195 * h, -ankle_h + 2.5),
            girth: l.build,
        }
    }

    /// Thigh radius at the hip and at the knee (drawing and the lockout bar clearance).
    pub fn thigh_radii(&self) -> (f64, f64) {
        (0.050 * self.stature * self.girth, 0.030 * self.stature * self.girth)
    }

    pub fn arm_to_bar(&self) -> f64 {
        self.upper_arm + self.forearm + self.grip
    }

    pub fn ankle(&self) -> V2 {
        v2(0.0, self.ankle_h)
    }
    pub fn heel(&self) -> V2 {
        self.ankle() + self.heel_rel
    }
    pub fn toe(&self) -> V2 {
        self.ankle() + self.toe_rel
    }
    pub fn midfoot_x(&self) -> f64 {
        0.5 * (self.heel().x + self.toe().x)
    }
}

/// The pose as joint angles (absolute segment directions) – the canonical state that
/// forward kinematics turns into points. Blending two `Angles` gives a rigid motion.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Angles {
    /// Direction ankle → knee.
    pub shin: f64,
    /// Direction knee → hip.
    pub thigh: f64,
    /// Direction of the spine tangent at the pelvis (pointing up the spine).
    pub pelvis: f64,
    /// Lumbar and thoracic flexion (rad, + = rounding, − = arching).
    pub flex_l: f64,
    pub flex_t: f64,
    /// Scapular protraction moving the shoulder joint anteriorly (cm).
    pub protract: f64,
    /// Direction shoulder → wrist (straight arm).
    pub arm: f64,
    /// Neck relative to the spine top (+ = extension) and head relative to the neck.
    pub neck: f64,
    pub head: f64,
}

impl Angles {
    pub fn lerp(&self, o: &Angles, t: f64) -> Angles {
        let l = |a: f64, b: f64| a + (b - a) * t;
        Angles {
            shin: l(self.shin, o.shin),
            thigh: l(self.thigh, o.thigh),
            pelvis: l(self.pelvis, o.pelvis),
            flex_l: l(self.flex_l, o.flex_l),
            flex_t: l(self.flex_t, o.flex_t),
            protract: l(self.protract, o.protract),
            arm: l(self.arm, o.arm),
            neck: l(self.neck, o.neck),
            head: l(self.head, o.head),
        }
    }
}

/// All points of a posed lifter (near side), world cm.
#[derive(Debug, Clone)]
pub struct Pose {
    pub ankle: V2,
    pub heel: V2,
    pub toe: V2,
    pub knee: V2,
    pub hip: V2,
    pub shoulder: V2,
    pub elbow: V2,
    pub wrist: V2,
    /// Grip centre (bar axis when holding).
    pub grip: V2,
    /// Spine curve from the pelvis to the top, with tangent angles.
    pub spine: Vec<(V2, f64)>,
    pub neck0: V2,
    pub neck1: V2,
    pub ear: V2,
    /// Rotation of the head frame (0 = upright).
    pub head_rot: f64,
    pub angles: Angles,
    /// Bar (near sleeve / plate centre).
    pub bar: V2,
    pub holding: bool,
}

/// Spine tangent angle relative to the pelvis direction at arc fraction `s`.
fn flex_at(s: f64, flex_l: f64, flex_t: f64) -> f64 {
    let fl = (s / LUMBAR_FRAC).clamp(0.0, 1.0);
    let ft = ((s - LUMBAR_FRAC) / (1.0 - LUMBAR_FRAC)).clamp(0.0, 1.0);
    flex_l * fl + flex_t * ft
}

/// Integrate the spine from `p0` with base direction `pelvis`; returns the points and
/// tangent angles at `SPINE_N + 1` stations.
fn spine_curve(d: &Dims, p0: V2, a: &Angles) -> Vec<(V2, f64)> {
    let mut out = Vec::with_capacity(SPINE_N + 1);
    let ds = d.trunk / SPINE_N as f64;
    let mut p = p0;
    out.push((p, a.pelvis));
    for k in 0..SPINE_N {
        let smid = (k as f64 + 0.5) / SPINE_N as f64;
        let ang = a.pelvis - flex_at(smid, a.flex_l, a.flex_t);
        p = p + V2::dir(ang) * ds;
        let s1 = (k as f64 + 1.0) / SPINE_N as f64;
        out.push((p, a.pelvis - flex_at(s1, a.flex_l, a.flex_t)));
    }
    out
}

/// Hip → shoulder chord in the pelvis frame (pelvis direction = +x) for a spine shape.
pub fn chord_local(d: &Dims, flex_l: f64, flex_t: f64, protract: f64) -> V2 {
    let a = Angles { pelvis: 0.0, flex_l, flex_t, protract, ..Default::default() };
    let hip = V2::default();
    let p0 = hip - V2::dir(0.0).perp_cw() * d.spine_depth;
    let sp = spine_curve(d, p0, &a);
    let (pe, ae) = sp[SPINE_N];
    let sh = pe + V2::dir(ae).perp_cw() * (d.spine_depth + protract);
    sh - hip
}

/// Forward kinematics: joint angles → points. `bar` is the bar position when not held.
pub fn fk(d: &Dims, a: &Angles, holding: bool, bar_rest: V2) -> Pose {
    let ankle = d.ankle();
    let knee = ankle + V2::dir(a.shin) * d.shank;
    let hip = knee + V2::dir(a.thigh) * d.thigh;
    let p0 = hip - V2::dir(a.pelvis).perp_cw() * d.spine_depth;
    let spine = spine_curve(d, p0, a);
    let (pe, ae) = spine[SPINE_N];
    let te = V2::dir(ae);
    let ne = te.perp_cw();
    let shoulder = pe + ne * (d.spine_depth + a.protract);
    let ad = V2::dir(a.arm);
    let elbow = shoulder + ad * d.upper_arm;
    let wrist = shoulder + ad * (d.upper_arm + d.forearm);
    let grip = shoulder + ad * d.arm_to_bar();
    let neck0 = pe + te * d.neck_base.x + ne * d.neck_base.y;
    let neck_dir = ae + a.neck;
    let neck1 = neck0 + V2::dir(neck_dir) * d.neck_len;
    let head_rot = neck_dir + a.head - std::f64::consts::FRAC_PI_2;
    let ear = neck1 + d.ear_rel.rot(head_rot);
    Pose {
        ankle,
        heel: d.heel(),
        toe: d.toe(),
        knee,
        hip,
        shoulder,
        elbow,
        wrist,
        grip,
        spine,
        neck0,
        neck1,
        ear,
        head_rot,
        angles: *a,
        bar: if holding { grip } else { bar_rest },
        holding,
    }
}

/// A bar-driven configuration: the hands hold the bar at `bar`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BarCfg {
    pub bar: V2,
    /// Angle of bar → shoulder from vertical (+ = shoulder in front of the bar).
    pub alpha: f64,
    /// Hip → shoulder chord angle from horizontal (π/2 = upright, > π/2 = leaning back).
    pub theta: f64,
    pub flex_l: f64,
    pub flex_t: f64,
    pub protract: f64,
    pub neck: f64,
    pub head: f64,
}

impl BarCfg {
    pub fn lerp(&self, o: &BarCfg, t: f64) -> BarCfg {
        let l = |a: f64, b: f64| a + (b - a) * t;
        BarCfg {
            bar: self.bar.lerp(o.bar, t),
            alpha: l(self.alpha, o.alpha),
            theta: l(self.theta, o.theta),
            flex_l: l(self.flex_l, o.flex_l),
            flex_t: l(self.flex_t, o.flex_t),
            protract: l(self.protract, o.protract),
            neck: l(self.neck, o.neck),
            head: l(self.head, o.head),
        }
    }
}

/// Two-link knee from ankle and hip (knee in front of the ankle-hip line).
pub fn knee_ik(d: &Dims, hip: V2) -> Result<V2, String> {
    let a = d.ankle();
    let v = hip - a;
    let dist = v.len();
    let (ls, lt) = (d.shank, d.thigh);
    if dist > ls + lt - 1e-6 {
        return Err(format!("hip out of reach: {:.2} cm from the ankle, legs {:.2}", dist, ls + lt));
    }
    if dist < (ls - lt).abs() + 1.0 {
        return Err("hip too close to the ankle".into());
    }
    let cos_g = (ls * ls + dist * dist - lt * lt) / (2.0 * ls * dist);
    let g = cos_g.clamp(-1.0, 1.0).acos();
    Ok(a + v.norm().rot(-g) * ls)
}

/// Inverse kinematics for a bar-driven configuration.
pub fn ik(d: &Dims, c: &BarCfg) -> Result<Angles, String> {
    let shoulder = c.bar + v2(c.alpha.sin(), c.alpha.cos()) * d.arm_to_bar();
    let arm = (c.bar - shoulder).angle();
    let ch = chord_local(d, c.flex_l, c.flex_t, c.protract);
    let pelvis = c.theta - ch.angle();
    let hip = shoulder - V2::dir(c.theta) * ch.len();
    let knee = knee_ik(d, hip)?;
    let shin = (knee - d.ankle()).angle();
    let thigh = (hip - knee).angle();
    Ok(Angles {
        shin,
        thigh,
        pelvis,
        flex_l: c.flex_l,
        flex_t: c.flex_t,
        protract: c.protract,
        arm,
        neck: c.neck,
        head: c.head,
    })
}

/// Knee angle (hip-knee-ankle), degrees; 180 = straight.
pub fn knee_angle_deg(p: &Pose) -> f64 {
    let a = p.hip - p.knee;
    let b = p.ankle - p.knee;
    (a.dot(b) / (a.len() * b.len())).clamp(-1.0, 1.0).acos().to_degrees()
}

/// h = (hip_y − knee_y) / (shoulder_y − knee_y).
pub fn hip_height_ratio(p: &Pose) -> f64 {
    (p.hip.y - p.knee.y) / (p.shoulder.y - p.knee.y)
}

/// Trunk (hip → shoulder) angle from horizontal, degrees.
pub fn trunk_angle_deg(p: &Pose) -> f64 {
    let v = p.shoulder - p.hip;
    v.y.atan2(v.x).to_degrees()
}

/// Flexion amounts for a total rounding `k` (rad): 60 % lumbar, 40 % thoracic, plus a
/// little scapular protraction.
pub fn rounding_split(d: &Dims, k: f64) -> (f64, f64, f64) {
    (0.6 * k, 0.4 * k, 0.035 * d.stature * k.max(0.0))
}

/// Total flexion that shortens the hip-shoulder chord by `frac` (e.g. 0.12).
pub fn flexion_for_chord_loss(d: &Dims, frac: f64) -> Option<f64> {
    let l0 = chord_local(d, 0.0, 0.0, 0.0).len();
    bisect(0.0, 2.0, |k| {
        let (fl, ft, pr) = rounding_split(d, k);
        1.0 - chord_local(d, fl, ft, pr).len() / l0 - frac
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::spec::LifterSpec;

    #[test]
    fn ik_then_fk_reproduces_the_bar() {
        let d = Dims::new(&LifterSpec::default());
        let c = BarCfg { bar: v2(d.midfoot_x(), 22.5), alpha: 0.1, theta: 0.6, neck: 0.2, ..Default::default() };
        let a = ik(&d, &c).unwrap();
        let p = fk(&d, &a, true, V2::default());
        assert!(p.grip.dist(c.bar) < 1e-9, "{:?} vs {:?}", p.grip, c.bar);
        let ch = p.shoulder - p.hip;
        assert!((ch.angle() - c.theta).abs() < 1e-9);
        assert!((ch.len() - d.trunk).abs() < 1e-9);
        assert!((p.knee.dist(p.ankle) - d.shank).abs() < 1e-9);
        assert!((p.knee.dist(p.hip) - d.thigh).abs() < 1e-9);
    }

    #[test]
    fn flexion_shortens_the_chord() {
        let d = Dims::new(&LifterSpec::default());
        let k = flexion_for_chord_loss(&d, 0.12).unwrap();
        assert!(k > 0.3 && k < 1.5, "flexion {k}");
        let (fl, ft, pr) = rounding_split(&d, k);
        let l = chord_local(&d, fl, ft, pr).len();
        assert!((1.0 - l / d.trunk - 0.12).abs() < 1e-6);
    }
}
