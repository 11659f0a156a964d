//! The set as a timeline of phases, each mapping time to a pose.
//!
//! Bar-driven phases move the bar along a path with a velocity profile and pose the body
//! by inverse kinematics from the bar (hands on the bar, straight arms, a trunk angle and
//! spine shape per channel); free phases blend joint angles (standing intro, stand-up).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::body::{
    fk, flexion_for_chord_loss, hip_height_ratio, ik, knee_ik, rounding_split, Angles, BarCfg, Dims, Pose,
};
use super::geom::{bisect, bump, lerp, minjerk, plateau, smoothstep, v2, V2};
use super::spec::RenderSpec;
use super::RenderError;

use std::f64::consts::FRAC_PI_2;

const DEG: f64 = std::f64::consts::PI / 180.0;

/// A normalised position profile Y(u), u and Y in [0, 1].
#[derive(Debug, Clone)]
pub enum Profile {
    MinJerk,
    /// Ease-out cubic (starts fast, ends at rest).
    EaseOut,
    /// Tabulated cumulative profile on a uniform grid.
    Table(Vec<f64>),
}

impl Profile {
    const N: usize = 6000;

    /// Integrate a velocity shape on [0, 1] and normalise it.
    pub fn from_velocity(v: impl Fn(f64) -> f64) -> Profile {
        let n = Self::N;
        let mut cum = vec![0.0; n + 1];
        let mut prev = v(0.0).max(0.0);
        for i in 1..=n {
            let cur = v(i as f64 / n as f64).max(0.0);
            cum[i] = cum[i - 1] + 0.5 * (prev + cur) / n as f64;
            prev = cur;
        }
        let total = cum[n];
        for c in &mut cum {
            *c /= total;
        }
        Profile::Table(cum)
    }

    pub fn y(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        match self {
            Profile::MinJerk => minjerk(u),
            Profile::EaseOut => 1.0 - (1.0 - u).powi(3),
            Profile::Table(c) => {
                let x = u * (c.len() - 1) as f64;
                let i = (x.floor() as usize).min(c.len() - 2);
                let f = x - i as f64;
                c[i] + (c[i + 1] - c[i]) * f
            }
        }
    }
}

/// Which channel weighting a bar path uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PathKind {
    /// Floor → lockout.
    Up,
    /// Lockout → floor.
    Down,
    /// Bar static on the floor, body moves (hip rise, dip, settle).
    Static,
}

/// A bar-driven phase: bar from `from.bar` to `to.bar`, body by IK.
#[derive(Debug, Clone)]
pub struct BarPath {
    pub from: BarCfg,
    pub to: BarCfg,
    pub kind: PathKind,
    pub profile: Profile,
    /// Extra forward bar excursion (cm) peaking at progress `drift_at`.
    pub drift: f64,
    pub drift_at: f64,
    /// Peak total spine flexion (rad) added during the pull.
    pub round: f64,
    /// Trunk-angle offset at the start that decays by progress `snap_end` (hip snap).
    pub snap: f64,
    pub snap_end: f64,
    /// Trunk-angle correction over progress (uniform grid) that keeps the knees from
    /// over-straightening: the trunk rises earlier when the legs run out of reach.
    pub theta_fix: Vec<f64>,
    /// Time-driven trunk-angle offset `(amp, u_end)`: `amp` at the start, easing out to
    /// zero by `u_end` with a non-zero initial rate (hips still rising into the pull).
    pub theta_time: Option<(f64, f64)>,
}

impl BarPath {
    fn new(from: BarCfg, to: BarCfg, kind: PathKind, profile: Profile) -> BarPath {
        BarPath {
            from,
            to,
            kind,
            profile,
            drift: 0.0,
            drift_at: 0.3,
            round: 0.0,
            snap: 0.0,
            snap_end: 0.1,
            theta_fix: Vec::new(),
            theta_time: None,
        }
    }

    /// Largest knee angle allowed at progress `p` (legs reach full extension only at
    /// lockout).
    fn knee_max(&self, p: f64) -> f64 {
        match self.kind {
            PathKind::Up => 166.0 + 13.0 * smoothstep((p - 0.8) / 0.2),
            PathKind::Down => 166.0 + 13.0 * (1.0 - smoothstep(p / 0.2)),
            PathKind::Static => 179.0,
        }
    }

    /// Fill `theta_fix` so every configuration along the path is reachable.
    pub fn fit_reach(&mut self, d: &Dims) -> Result<(), RenderError> {
        if self.kind == PathKind::Static {
            return Ok(());
        }
        self.theta_fix.clear();
        let n = 400;
        let knee = |c: &BarCfg| -> f64 {
            match ik(d, c) {
                Ok(a) => super::body::knee_angle_deg(&fk(d, &a, true, c.bar)),
                Err(_) => 400.0,
            }
        };
        let mut fix = vec![0.0; n + 1];
        for (i, f) in fix.iter_mut().enumerate() {
            let p = i as f64 / n as f64;
            let c = self.cfg_at_progress(d, p);
            let kmax = self.knee_max(p);
            if knee(&c) <= kmax {
                continue;
            }
            let g = |th: f64| knee(&BarCfg { theta: th, ..c }) - kmax;
            let th = bisect(c.theta, c.theta + 1.2, g)
                .ok_or_else(|| RenderError::Invalid(format!("no reachable trunk angle at progress {p:.2}")))?;
            *f = th - c.theta;
        }
        // Smooth-max against 0 and a light smoothing to avoid kinks.
        let k = 3.0f64.to_radians();
        let sm: Vec<f64> = fix
            .iter()
            .map(|&x| {
                let h = (k - x.abs()).max(0.0) / k;
                x.max(0.0) + h * h * k / 4.0
            })
            .collect();
        let mut out = sm.clone();
        let w = 12usize;
        for i in 0..=n {
            let lo = i.saturating_sub(w);
            let hi = (i + w).min(n);
            let m = sm[lo..=hi].iter().copied().fold(f64::MIN, f64::max);
            out[i] = m;
        }
        let mut out2 = out.clone();
        for i in 0..=n {
            let lo = i.saturating_sub(w);
            let hi = (i + w).min(n);
            out2[i] = out[lo..=hi].iter().sum::<f64>() / (hi + 1 - lo) as f64;
        }
        // The end points are reachable by construction: pin them to zero smoothly.
        for (i, v) in out2.iter_mut().enumerate() {
            let p = i as f64 / n as f64;
            let pin = smoothstep(p / 0.04) * smoothstep((1.0 - p) / 0.04);
            *v *= pin;
        }
        self.theta_fix = out2;
        Ok(())
    }

    pub fn cfg(&self, d: &Dims, u: f64) -> BarCfg {
        let p = self.profile.y(u);
        let mut c = self.cfg_at_progress(d, p);
        if !self.theta_fix.is_empty() {
            let n = self.theta_fix.len() - 1;
            let x = p.clamp(0.0, 1.0) * n as f64;
            let i = (x.floor() as usize).min(n - 1);
            let f = x - i as f64;
            c.theta += self.theta_fix[i] + (self.theta_fix[i + 1] - self.theta_fix[i]) * f;
        }
        if let Some((amp, ue)) = self.theta_time {
            let x = (u / ue).clamp(0.0, 1.0);
            c.theta += amp * (1.0 - x) * (1.0 - x);
        }
        c
    }

    fn cfg_at_progress(&self, d: &Dims, p: f64) -> BarCfg {
        let (a, b) = (&self.from, &self.to);
        let (wx, wt, wa) = match self.kind {
            PathKind::Up => {
                // Back angle held until the knees, shoulders come over the bar early;
                // `theta_fix` raises the trunk where the legs run out of reach.
                (smoothstep(p), smoothstep((p - 0.3) / 0.7), smoothstep((p - 0.35) / 0.65))
            }
            PathKind::Down => {
                // Hips travel back first, knees bend once the bar is past them.
                let w = smoothstep((p / 0.75).min(1.0));
                (smoothstep(p), w, smoothstep((p - 0.3) / 0.7))
            }
            PathKind::Static => (p, p, p),
        };
        let mut c = a.lerp(b, p);
        c.bar.x = lerp(a.bar.x, b.bar.x, wx);
        c.bar.y = lerp(a.bar.y, b.bar.y, p);
        c.theta = lerp(a.theta, b.theta, wt);
        c.alpha = lerp(a.alpha, b.alpha, wa);
        if self.drift != 0.0 {
            let w = 0.32;
            let k = bump(p, self.drift_at - w, self.drift_at + w);
            c.bar.x += self.drift * k;
            // Arms swing forward with the bar; the shoulders follow the rest.
            c.alpha -= (0.5 * self.drift * k / d.arm_to_bar()).asin();
        }
        if self.round != 0.0 {
            let k = plateau(p, 0.0, 0.22, 0.55, 0.96);
            let (fl, ft, pr) = rounding_split(d, self.round * k);
            c.flex_l += fl;
            c.flex_t += ft;
            c.protract += pr;
        }
        if self.snap != 0.0 {
            c.theta += self.snap * (1.0 - smoothstep(p / self.snap_end));
        }
        c
    }
}

#[derive(Debug, Clone)]
pub enum Motion {
    /// Held pose; `bar` is where the bar is (grip if holding).
    Still {
        a: Angles,
        holding: bool,
        bar: V2,
    },
    /// Joint-angle blend with a min-jerk ease; bar at rest at `bar` unless holding.
    Blend {
        a: Angles,
        b: Angles,
        holding: bool,
        bar: V2,
    },
    Bar(Box<BarPath>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    Stand,
    Hinge,
    Settle,
    Hold,
    HipRise,
    Dip,
    Pull,
    Top,
    Lower,
    Floor,
    StandUp,
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub t0: f64,
    pub t1: f64,
    pub kind: PhaseKind,
    /// 1-based rep the phase belongs to (0 for intro/outro).
    pub rep: usize,
    pub motion: Motion,
}

/// What the plan intends for one rep (the truth measures what was realised).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RepIntent {
    pub rep: usize,
    /// (fault id, target magnitude after the fatigue ramp, variant).
    pub faults: Vec<(String, f64, Option<String>)>,
    pub setup_h_target: f64,
    pub mean_velocity_m_s: f64,
    /// Start of the rep's window (arrival at the floor / start of the clip).
    pub t_start: f64,
    pub t_pull: f64,
    pub t_top: f64,
    pub t_lower: f64,
    pub t_end: f64,
}

pub struct Plan {
    pub dims: Dims,
    pub plate_r: f64,
    pub midfoot_x: f64,
    pub phases: Vec<Phase>,
    pub reps: Vec<RepIntent>,
    pub duration: f64,
    pub standing: Angles,
}

fn ik_or(d: &Dims, c: &BarCfg, what: &str) -> Result<Angles, RenderError> {
    ik(d, c).map_err(|e| RenderError::Invalid(format!("{what}: {e}")))
}

/// Set-up configuration with hip-height ratio `h` (bar at `bar`, arm angle `alpha`).
pub fn solve_setup(d: &Dims, bar: V2, alpha: f64, h: f64) -> Result<BarCfg, RenderError> {
    let base = BarCfg { bar, alpha, theta: 0.6, neck: 28.0 * DEG, head: 4.0 * DEG, ..Default::default() };
    let hf = |th: f64| -> Option<f64> {
        let c = BarCfg { theta: th, ..base };
        let a = ik(d, &c).ok()?;
        let p = fk(d, &a, true, bar);
        Some(hip_height_ratio(&p))
    };
    // Scan for a bracket (h falls as the trunk gets more upright).
    let mut prev: Option<(f64, f64)> = None;
    let mut lo_h = f64::INFINITY;
    let mut hi_h = f64::NEG_INFINITY;
    let steps = 400;
    for i in 0..=steps {
        let th = -0.3 + 1.85 * i as f64 / steps as f64;
        if let Some(v) = hf(th) {
            lo_h = lo_h.min(v);
            hi_h = hi_h.max(v);
            if let Some((pt, pv)) = prev {
                if (pv - h) * (v - h) <= 0.0 {
                    let t = bisect(pt, th, |x| hf(x).unwrap_or(f64::NAN) - h)
                        .ok_or_else(|| RenderError::Invalid("setup solve failed".into()))?;
                    return Ok(BarCfg { theta: t, ..base });
                }
            }
            prev = Some((th, v));
        } else {
            prev = None;
        }
    }
    Err(RenderError::Invalid(format!(
        "no set-up with hip height ratio {h:.3} (reachable {lo_h:.3}..{hi_h:.3}) for this lifter"
    )))
}

/// Lockout configuration: legs near straight (`knee_deg`), trunk chord `lean_deg` past
/// vertical (+ = leaning back), the bar against the thighs at x = `bar_x`.
pub fn solve_lockout(
    d: &Dims,
    lean_deg: f64,
    flex_l: f64,
    flex_t: f64,
    knee_deg: f64,
    bar_x: f64,
) -> Result<BarCfg, RenderError> {
    let (ls, lt) = (d.shank, d.thigh);
    let kr = knee_deg * DEG;
    let reach = (ls * ls + lt * lt - 2.0 * ls * lt * kr.cos()).sqrt();
    let theta = FRAC_PI_2 + lean_deg * DEG;
    let base = BarCfg { theta, flex_l, flex_t, ..Default::default() };
    let ch = super::body::chord_local(d, flex_l, flex_t, 0.0).len();
    let la = d.arm_to_bar();
    let (r0, r1) = d.thigh_radii();
    let clear = 0.022 * d.stature;
    // For a leg lean gamma (hip behind the ankle when > 0) return the bar position.
    let bar_for = |gamma: f64| -> Option<(V2, f64)> {
        let hip = d.ankle() + V2::dir(FRAC_PI_2 + gamma) * reach;
        let knee = knee_ik(d, hip).ok()?;
        let sh = hip + V2::dir(theta) * ch;
        let axis = (knee - hip).norm();
        let fwd = -axis.perp_cw(); // anterior normal of a downward thigh axis
        let fwd = if fwd.x < 0.0 { -fwd } else { fwd };
        let dist = |alpha: f64| -> f64 {
            let b = sh - v2(alpha.sin(), alpha.cos()) * la;
            let rel = b - hip;
            let s = (rel.dot(axis) / lt).clamp(0.0, 1.0);
            rel.dot(fwd) - (lerp(r0, r1, s) + clear)
        };
        let alpha = bisect(-1.0, 0.6, dist)?;
        Some((sh - v2(alpha.sin(), alpha.cos()) * la, alpha))
    };
    let gamma = bisect(-0.5, 0.5, |g| bar_for(g).map(|(b, _)| b.x - bar_x).unwrap_or(f64::NAN))
        .ok_or_else(|| RenderError::Invalid("lockout solve failed".into()))?;
    let (bar, alpha) = bar_for(gamma).unwrap();
    Ok(BarCfg { bar, alpha, ..base })
}

/// Hip height for a configuration.
fn hip_y(d: &Dims, c: &BarCfg) -> Option<f64> {
    let a = ik(d, c).ok()?;
    Some(fk(d, &a, true, c.bar).hip.y)
}

/// Same bar and arms, trunk angle changed so the hips move up by `dy` cm (down if < 0).
fn hips_moved(d: &Dims, c: &BarCfg, dy: f64) -> Result<BarCfg, RenderError> {
    let y0 = hip_y(d, c).ok_or_else(|| RenderError::Invalid("bad configuration".into()))?;
    let f = |th: f64| hip_y(d, &BarCfg { theta: th, ..*c }).unwrap_or(f64::NAN) - (y0 + dy);
    // Hips rise when the trunk tips forward (theta falls).
    let (lo, hi) = if dy > 0.0 { (c.theta - 1.2, c.theta) } else { (c.theta, c.theta + 0.8) };
    // Find the sub-range where IK works, then bisect.
    let mut a = if dy > 0.0 { hi } else { lo };
    let step = if dy > 0.0 { -0.005 } else { 0.005 };
    let mut fa = f(a);
    loop {
        let b = a + step;
        if b < lo - 1e-9 || b > hi + 1e-9 {
            break;
        }
        let fb = f(b);
        if !fb.is_finite() {
            break;
        }
        if fa * fb <= 0.0 {
            let t = bisect(a.min(b), a.max(b), f).unwrap_or(b);
            return Ok(BarCfg { theta: t, ..*c });
        }
        a = b;
        fa = fb;
    }
    Err(RenderError::Invalid(format!("cannot move the hips by {dy:.1} cm from this set-up")))
}

/// The standing pose (behind the bar, arms hanging, hands beside the thighs).
fn standing(d: &Dims) -> Angles {
    Angles {
        shin: FRAC_PI_2 - 1.0 * DEG,
        thigh: FRAC_PI_2 + 1.5 * DEG,
        pelvis: FRAC_PI_2,
        arm: -FRAC_PI_2 + 4.0 * DEG,
        neck: -6.0 * DEG,
        head: 4.0 * DEG,
        protract: 0.0,
        flex_l: 0.0,
        flex_t: 0.0,
    }
    .fixed(d)
}

impl Angles {
    fn fixed(self, _d: &Dims) -> Angles {
        self
    }
}

/// Velocity shape of a clean pull: smooth start, a slight slowdown near the knee,
/// decelerating into lockout.
fn clean_up_profile(skew: f64) -> Profile {
    Profile::from_velocity(move |u| {
        let base = u.powf(1.5) * (1.0 - u).powf(1.25 + skew);
        base * (1.0 - 0.18 * (-((u - 0.42) / 0.1).powi(2)).exp())
    })
}

/// A yanked pull: a sharp spike right after lift-off, then a slowdown before the knee.
fn jerk_up_profile(spike: f64) -> Profile {
    Profile::from_velocity(move |u| {
        let base = u.powf(1.2) * (1.0 - u).powf(1.3) * (1.0 - 0.55 * (-((u - 0.3) / 0.1).powi(2)).exp());
        let tau = 0.045;
        let x = u / tau;
        let pulse = x * x * (2.0 - 2.0 * x).exp();
        base + spike * 0.25 * pulse
    })
}

/// A pull that starts with the bar already moving up (rebound), `v0` relative.
fn rebound_up_profile(v0: f64) -> Profile {
    Profile::from_velocity(move |u| {
        let base = u.powf(1.2) * (1.0 - u).powf(1.3);
        base + v0 * (1.0 - u).powi(4) * (1.0 - 0.5 * (-((u - 0.25) / 0.1).powi(2)).exp())
    })
}

/// Lowering that reaches the floor at speed (`vend` relative).
fn fast_down_profile(vend: f64) -> Profile {
    Profile::from_velocity(move |u| u.powf(1.1) * (1.0 - 0.6 * u) + vend * u.powi(4))
}

struct RepSetup {
    setup: BarCfg,
    lockout: BarCfg,
    faults: Vec<(String, f64, Option<String>)>,
}

impl RepSetup {
    fn fault(&self, id: &str) -> Option<(f64, Option<&str>)> {
        self.faults.iter().find(|f| f.0 == id).map(|f| (f.1, f.2.as_deref()))
    }
}

pub fn plan(spec: &RenderSpec) -> Result<Plan, RenderError> {
    spec.validate()?;
    let d = Dims::new(&spec.lifter);
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed ^ 0x6d6f_7469_6f6e_0001);
    let plate_r = 0.5 * spec.plate_diameter_cm;
    let mid = d.midfoot_x();
    let n = spec.reps;
    let fps = spec.fps;

    // Faults per rep (fatigue ramps the magnitude towards the target).
    let mut rep_faults: Vec<Vec<(String, f64, Option<String>)>> = vec![Vec::new(); n + 2];
    for f in &spec.faults {
        for (r, w) in spec.fault_weights(f) {
            let mag = scale_magnitude(&f.id, f.magnitude, w);
            rep_faults[r].push((f.id.clone(), mag, f.variant.clone()));
        }
    }

    // Set-up and lockout of every rep (rep n+1 = where the bar is put down at the end).
    let mut reps: Vec<RepSetup> = Vec::with_capacity(n + 1);
    for r in 1..=n + 1 {
        let faults = if r <= n { rep_faults[r].clone() } else { Vec::new() };
        let find = |id: &str| faults.iter().find(|f| f.0 == id).map(|f| (f.1, f.2.clone()));
        let mut x0 = mid + rng.random_range(-0.6..0.6);
        let mut alpha = rng.random_range(4.0..7.0) * DEG;
        let mut h = rng.random_range(0.46..0.56);
        if let Some((m, v)) = find("bar_drift") {
            if v.as_deref() == Some("start") {
                x0 = mid + m;
            }
        }
        if let Some((m, _)) = find("hips_too_high") {
            h = m;
            alpha = 6.0 * DEG;
        }
        if let Some((m, _)) = find("hips_too_low") {
            h = m;
            alpha = -2.0 * DEG;
        }
        if find("hips_rise_early").is_some() {
            h = rng.random_range(0.40..0.44);
        }
        let setup = solve_setup(&d, v2(x0, plate_r), alpha, h)?;
        let (lean, fl, ft) = match find("lumbar_hyperextension") {
            Some((m, _)) => (m, -0.75 * m * DEG, -0.25 * m * DEG),
            None => (rng.random_range(-1.0..1.0), 0.0, 0.0),
        };
        let bx = match find("lumbar_hyperextension") {
            Some(_) => mid - 1.0,
            None => mid + rng.random_range(-0.6..0.6),
        };
        let mut lockout = solve_lockout(&d, lean, fl, ft, 177.0, bx)?;
        lockout.neck = 0.0;
        lockout.head = 2.0 * DEG;
        reps.push(RepSetup { setup, lockout, faults });
    }

    let stand = standing(&d);
    let mut phases: Vec<Phase> = Vec::new();
    let mut t = 0.0;
    let push = |phases: &mut Vec<Phase>, t: &mut f64, dur: f64, kind, rep, motion| {
        phases.push(Phase { t0: *t, t1: *t + dur, kind, rep, motion });
        *t += dur;
    };

    let first_setup = ik_or(&d, &reps[0].setup, "set-up of rep 1")?;
    if spec.standing_intro {
        let bar = reps[0].setup.bar;
        push(
            &mut phases,
            &mut t,
            rng.random_range(0.5..0.7),
            PhaseKind::Stand,
            0,
            Motion::Still { a: stand, holding: false, bar },
        );
        push(
            &mut phases,
            &mut t,
            rng.random_range(1.1..1.3),
            PhaseKind::Hinge,
            0,
            Motion::Blend { a: stand, b: first_setup, holding: false, bar },
        );
    }

    let mut intents = Vec::new();
    let base_v = spec.mean_velocity_m_s;
    let mut arrived_fast = false; // previous lowering ended with a floor impact
    for r in 1..=n {
        let rs = &reps[r - 1];
        let mut intent = RepIntent { rep: r, faults: rs.faults.clone(), t_start: t, ..Default::default() };
        let v = base_v * (1.0 - spec.velocity_loss * (r - 1) as f64 / (n.max(2) - 1) as f64);
        let fatigue_slow = if rs.faults.is_empty() { 1.0 } else { 0.95 };
        let v = v * fatigue_slow;
        intent.mean_velocity_m_s = v;
        let jerk = rs.fault("jerked_liftoff");
        let bounce = matches!(jerk, Some((_, Some("bounce"))));
        let jerk_plain = jerk.is_some() && !bounce;
        let mut pull_from = rs.setup;
        let mut hip_carry: Option<(f64, f64)> = None;

        // --- before the pull ---
        if jerk_plain {
            let dip = hips_moved(&d, &rs.setup, -rng.random_range(3.5..4.5))?;
            if r == 1 && !spec.standing_intro {
                let settle = hips_moved(&d, &rs.setup, 6.0)?;
                push(
                    &mut phases,
                    &mut t,
                    0.45,
                    PhaseKind::Settle,
                    r,
                    Motion::Bar(Box::new(BarPath::new(settle, dip, PathKind::Static, Profile::MinJerk))),
                );
            } else {
                push(
                    &mut phases,
                    &mut t,
                    0.18,
                    PhaseKind::Dip,
                    r,
                    Motion::Bar(Box::new(BarPath::new(rs.setup, dip, PathKind::Static, Profile::EaseOut))),
                );
            }
            pull_from = dip;
        } else if bounce || arrived_fast {
            // Straight from the floor impact into the pull.
        } else if spec.touch_and_go && r >= 2 {
            push(
                &mut phases,
                &mut t,
                2.0 / fps,
                PhaseKind::Hold,
                r,
                Motion::Still { a: ik_or(&d, &rs.setup, "touch")?, holding: true, bar: rs.setup.bar },
            );
        } else {
            let hold = rng.random_range(0.4..0.7);
            push(
                &mut phases,
                &mut t,
                hold,
                PhaseKind::Hold,
                r,
                Motion::Still { a: ik_or(&d, &rs.setup, "hold")?, holding: true, bar: rs.setup.bar },
            );
            if let Some((m, _)) = rs.fault("hips_rise_early") {
                // The hips rise 75 % of the way with the bar still on the floor
                // (accelerating), and keep rising into the first moments of the pull.
                let risen = hips_moved(&d, &rs.setup, m)?;
                let part = BarCfg { theta: rs.setup.theta + 0.75 * (risen.theta - rs.setup.theta), ..risen };
                let dur = rng.random_range(0.4..0.55);
                push(
                    &mut phases,
                    &mut t,
                    dur,
                    PhaseKind::HipRise,
                    r,
                    Motion::Bar(Box::new(BarPath::new(
                        rs.setup,
                        part,
                        PathKind::Static,
                        Profile::from_velocity(|u| u),
                    ))),
                );
                pull_from = risen;
                hip_carry = Some((part.theta - risen.theta, dur / 3.0));
            }
        }

        // --- the pull ---
        intent.t_pull = t;
        let rom = rs.lockout.bar.y - pull_from.bar.y;
        let dur = (rom / 100.0) / v;
        let profile = if jerk_plain {
            let target = jerk.map(|j| j.0).unwrap_or(5.0);
            tuned_jerk_profile(target, dur, fps, t)
        } else if bounce {
            rebound_up_profile(0.9)
        } else {
            clean_up_profile(rng.random_range(0.0..0.3))
        };
        let mut path = BarPath::new(pull_from, rs.lockout, PathKind::Up, profile);
        if let Some((m, var)) = rs.fault("bar_drift") {
            if var != Some("start") {
                path.drift_at = if var == Some("above_knee") { 0.62 } else { 0.3 };
                // Aim the peak at `m` cm in front of mid-foot.
                let base = lerp(pull_from.bar.x, rs.lockout.bar.x, smoothstep(path.drift_at)) - mid;
                path.drift = m - base;
            }
        }
        if let Some((m, _)) = rs.fault("lumbar_rounding") {
            path.round = flexion_for_chord_loss(&d, m)
                .ok_or_else(|| RenderError::Invalid(format!("no spine flexion gives {m} chord loss")))?;
        }
        if jerk_plain {
            path.snap = pull_from.theta - rs.setup.theta;
            path.snap_end = 0.08;
        }
        if let Some((amp, secs)) = hip_carry {
            path.theta_time = Some((amp, (secs / dur).min(0.5)));
        }
        path.fit_reach(&d)?;
        push(&mut phases, &mut t, dur, PhaseKind::Pull, r, Motion::Bar(Box::new(path)));

        // --- lockout hold ---
        intent.t_top = t;
        let top_hold = rng.random_range(0.35..0.6);
        push(
            &mut phases,
            &mut t,
            top_hold,
            PhaseKind::Top,
            r,
            Motion::Still { a: ik_or(&d, &rs.lockout, "lockout")?, holding: true, bar: rs.lockout.bar },
        );

        // --- lowering to the next set-up ---
        intent.t_lower = t;
        let next = &reps[r];
        let next_bounce = r < n && matches!(next.fault("jerked_liftoff"), Some((_, Some("bounce"))));
        let drop = rs.lockout.bar.y - next.setup.bar.y;
        let mut dur = (drop / 100.0 / rng.random_range(0.55..0.7)).clamp(0.8, 1.5);
        let profile = if next_bounce {
            // Land at speed exactly on a frame so the floor contact is sampled.
            let end = ((t + dur) * fps).ceil() / fps;
            dur = end - t;
            fast_down_profile(1.1)
        } else {
            Profile::MinJerk
        };
        arrived_fast = next_bounce;
        let mut down = BarPath::new(rs.lockout, next.setup, PathKind::Down, profile);
        down.fit_reach(&d)?;
        push(&mut phases, &mut t, dur, PhaseKind::Lower, r, Motion::Bar(Box::new(down)));
        intent.t_end = t;
        intents.push(intent);
    }

    // --- after the set ---
    let last = &reps[n].setup;
    let floor_a = ik_or(&d, last, "final floor")?;
    push(
        &mut phases,
        &mut t,
        rng.random_range(0.4..0.6),
        PhaseKind::Floor,
        0,
        Motion::Still { a: floor_a, holding: true, bar: last.bar },
    );
    if spec.standing_intro {
        push(
            &mut phases,
            &mut t,
            rng.random_range(1.0..1.2),
            PhaseKind::StandUp,
            0,
            Motion::Blend { a: floor_a, b: stand, holding: false, bar: last.bar },
        );
        push(&mut phases, &mut t, 0.35, PhaseKind::Stand, 0, Motion::Still { a: stand, holding: false, bar: last.bar });
    }

    Ok(Plan { dims: d, plate_r, midfoot_x: mid, phases, reps: intents, duration: t, standing: stand })
}

/// Fatigue ramp: weight 1 = full target; lower weights move towards the threshold but
/// stay clearly past it.
fn scale_magnitude(id: &str, m: f64, w: f64) -> f64 {
    if w >= 1.0 {
        return m;
    }
    match super::spec::likely_threshold(id) {
        Some((thr, above)) => {
            // Interpolate between 1.3x the threshold distance and the target.
            let floor = if above { thr * 1.3 } else { thr * 0.5 };
            let lo = if above { floor.min(m) } else { floor.max(m) };
            lo + (m - lo) * ((w - 0.7) / 0.3).clamp(0.0, 1.0)
        }
        None => m,
    }
}

/// Find the spike strength whose sampled lift-off acceleration ratio hits `target`.
fn tuned_jerk_profile(target: f64, dur: f64, fps: f64, t0: f64) -> Profile {
    let ratio = |spike: f64| -> f64 {
        let p = jerk_up_profile(spike);
        let ys: Vec<f64> = frame_samples(t0, dur, fps).into_iter().map(|t| p.y((t - t0) / dur)).collect();
        accel_ratio_of(&ys, fps, 0.5 / 60.0)
    };
    let spike = bisect(0.05, 20.0, |s| ratio(s) - target).unwrap_or(3.0);
    jerk_up_profile(spike)
}

/// Frame times covering [t0 - 2 frames, t0 + dur + 2 frames].
fn frame_samples(t0: f64, dur: f64, fps: f64) -> Vec<f64> {
    let i0 = ((t0 * fps).floor() as i64 - 2).max(0);
    let i1 = ((t0 + dur) * fps).ceil() as i64 + 2;
    (i0..=i1).map(|i| i as f64 / fps).collect()
}

/// Lift-off acceleration ratio on a normalised height series (used only to tune the
/// profile; the truth recomputes it on the real frames).
fn accel_ratio_of(ys: &[f64], fps: f64, lift: f64) -> f64 {
    let lo = match ys.iter().position(|&y| y >= lift) {
        Some(i) => i,
        None => return 0.0,
    };
    let top = ys.iter().position(|&y| y >= 1.0 - lift).unwrap_or(ys.len() - 1);
    let a: Vec<f64> = (1..ys.len() - 1).map(|i| (ys[i + 1] - 2.0 * ys[i] + ys[i - 1]) * fps * fps).collect();
    let acc = |i: usize| a.get(i.wrapping_sub(1)).copied().unwrap_or(0.0);
    let w = (0.15 * fps).round() as usize;
    let peak = (lo.saturating_sub(1)..=lo + w).map(acc).fold(f64::MIN, f64::max);
    let mean = (lo..=top).map(|i| acc(i).abs()).sum::<f64>() / (top + 1 - lo) as f64;
    if mean > 0.0 {
        peak / mean
    } else {
        0.0
    }
}

impl Plan {
    fn phase_at(&self, t: f64) -> &Phase {
        let i = self.phases.partition_point(|p| p.t1 <= t);
        &self.phases[i.min(self.phases.len() - 1)]
    }

    /// The pose at time `t` (clamped to the clip).
    pub fn pose_at(&self, t: f64) -> Result<Pose, RenderError> {
        let ph = self.phase_at(t);
        let u = if ph.t1 > ph.t0 { ((t - ph.t0) / (ph.t1 - ph.t0)).clamp(0.0, 1.0) } else { 1.0 };
        let d = &self.dims;
        Ok(match &ph.motion {
            Motion::Still { a, holding, bar } => fk(d, a, *holding, *bar),
            Motion::Blend { a, b, holding, bar } => {
                let k = minjerk(u);
                fk(d, &a.lerp(b, k), *holding, *bar)
            }
            Motion::Bar(path) => {
                let c = path.cfg(d, u);
                let a = ik(d, &c).map_err(|e| {
                    RenderError::Invalid(format!(
                        "rep {} {:?} at t={t:.3}s: {e} (this spec asks for an impossible pose)",
                        ph.rep, ph.kind
                    ))
                })?;
                let mut p = fk(d, &a, true, c.bar);
                p.bar = c.bar;
                p
            }
        })
    }

    pub fn phase_kind_at(&self, t: f64) -> (PhaseKind, usize) {
        let p = self.phase_at(t);
        (p.kind, p.rep)
    }
}
