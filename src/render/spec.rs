//! What to render: the set, the lifter, the faults and the camera/realism options.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::RenderError;
use crate::schema::{Facing, FAULT_IDS};

/// A complete, serialisable description of one rendered clip. The same spec (including
/// `seed`) always gives the same truth.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RenderSpec {
    /// Drives timing jitter, the background texture, noise, shake and lighting.
    pub seed: u64,
    pub reps: usize,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    pub facing: Facing,
    /// Camera distance as image scale (cm per pixel in the lifter's / near plate's plane).
    pub cm_per_px: f64,
    pub plate_diameter_cm: f64,
    pub faults: Vec<FaultSpec>,
    pub realism: Realism,
    pub lifter: LifterSpec,
    /// Reps after the first start straight from the floor contact (no hold).
    pub touch_and_go: bool,
    /// The clip opens with the lifter standing behind the bar (and ends standing).
    pub standing_intro: bool,
    /// Mean concentric bar velocity of the first rep (m/s).
    pub mean_velocity_m_s: f64,
    /// Fractional velocity loss from the first to the last rep.
    pub velocity_loss: f64,
    /// Mid-foot position as a fraction of the image width.
    pub midfoot_at: f64,
    /// Floor line (where the plate touches) as a fraction of the image height.
    pub floor_at: f64,
    /// Draw the far plate (smaller, behind the lifter).
    pub far_plate: bool,
}

impl Default for RenderSpec {
    fn default() -> Self {
        RenderSpec {
            seed: 1,
            reps: 3,
            width: 1280,
            height: 720,
            fps: 30.0,
            facing: Facing::Right,
            cm_per_px: 0.30,
            plate_diameter_cm: 45.0,
            faults: Vec::new(),
            realism: Realism::default(),
            lifter: LifterSpec::default(),
            touch_and_go: false,
            standing_intro: true,
            mean_velocity_m_s: 0.5,
            velocity_loss: 0.08,
            midfoot_at: 0.5,
            floor_at: 0.94,
            far_plate: true,
        }
    }
}

/// Which reps carry a fault.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum FaultReps {
    /// Every rep.
    All,
    /// Only the later reps, ramping up (the last rep gets the full magnitude).
    Fatigue,
    /// These 1-based reps.
    Reps(Vec<usize>),
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultSpec {
    /// One of `schema::FAULT_IDS`.
    pub id: String,
    /// Target magnitude in the fault's unit (docs/renderer.md); the truth holds the
    /// magnitude actually realised.
    pub magnitude: f64,
    pub reps: FaultReps,
    /// `bar_drift`: "start" (bar set up forward), "below_knee" / "above_knee" (where the
    /// drift peaks, default below). `jerked_liftoff`: "bounce" (touch-and-go rebound;
    /// needs rep ≥ 2). Others: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl FaultSpec {
    /// Parse `ID[:VARIANT]=MAG[@REPS|@fatigue]`, REPS like `2,3` or `2-4`.
    pub fn parse(s: &str) -> Result<FaultSpec, RenderError> {
        let bad = |m: &str| RenderError::Invalid(format!("--fault {s:?}: {m}"));
        let (head, tail) = s.split_once('=').ok_or_else(|| bad("expected ID=MAGNITUDE"))?;
        let (id, variant) = match head.split_once(':') {
            Some((i, v)) => (i.trim(), Some(v.trim().to_string())),
            None => (head.trim(), None),
        };
        if !FAULT_IDS.contains(&id) {
            return Err(bad(&format!("unknown fault id; one of {}", FAULT_IDS.join(", "))));
        }
        let (mag, reps) = match tail.split_once('@') {
            Some((m, r)) => (m, Some(r)),
            None => (tail, None),
        };
        let magnitude: f64 = mag.trim().parse().map_err(|_| bad("magnitude is not a number"))?;
        let reps = match reps.map(str::trim) {
            None | Some("all") => FaultReps::All,
            Some("fatigue") => FaultReps::Fatigue,
            Some(list) => {
                let mut v = Vec::new();
                for part in list.split(',') {
                    if let Some((a, b)) = part.split_once('-') {
                        let a: usize = a.trim().parse().map_err(|_| bad("bad rep range"))?;
                        let b: usize = b.trim().parse().map_err(|_| bad("bad rep range"))?;
                        v.extend(a..=b);
                    } else {
                        v.push(part.trim().parse().map_err(|_| bad("bad rep number"))?);
                    }
                }
                FaultReps::Reps(v)
            }
        };
        Ok(FaultSpec { id: id.to_string(), magnitude, reps, variant })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Realism {
    /// Camera shake amplitude (px, translation); rotation is amplitude × 0.1 degrees.
    pub shake: f64,
    /// Average sub-frame renders over an open shutter.
    pub motion_blur: bool,
    /// Sub-frames per frame when `motion_blur` (shutter = 1/2 frame).
    pub blur_subframes: u32,
    /// Gaussian sensor noise sigma in 8-bit levels.
    pub noise: f64,
    /// libx264 constant rate factor (higher = more compression).
    pub crf: u32,
    /// libx264 preset.
    pub preset: String,
    /// Slow brightness / colour drift with a short flicker.
    pub lighting_changes: bool,
    /// A smaller plate leaning on the wall in the background.
    pub distractor_plate: bool,
}

impl Default for Realism {
    fn default() -> Self {
        Realism {
            shake: 0.0,
            motion_blur: false,
            blur_subframes: 5,
            noise: 1.5,
            crf: 23,
            preset: "medium".into(),
            lighting_changes: false,
            distractor_plate: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Proportions {
    pub thigh: f64,
    pub shank: f64,
    pub trunk: f64,
    pub arm: f64,
}

impl Default for Proportions {
    fn default() -> Self {
        Proportions { thigh: 1.0, shank: 1.0, trunk: 1.0, arm: 1.0 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct LifterSpec {
    pub stature_cm: f64,
    /// Scale factors on Winter's segment lengths.
    pub proportions: Proportions,
    /// Girth scale (1 = average).
    pub build: f64,
    /// Colours as [r, g, b] 0-255.
    pub skin: [u8; 3],
    pub hair: [u8; 3],
    pub shirt: [u8; 3],
    pub shorts: [u8; 3],
    pub shoes: [u8; 3],
    pub socks: [u8; 3],
}

impl Default for LifterSpec {
    fn default() -> Self {
        LifterSpec {
            stature_cm: 178.0,
            proportions: Proportions::default(),
            build: 1.0,
            skin: [222, 176, 146],
            hair: [58, 40, 28],
            shirt: [40, 90, 160],
            shorts: [35, 35, 40],
            shoes: [200, 60, 50],
            socks: [235, 235, 235],
        }
    }
}

const SKINS: [[u8; 3]; 6] =
    [[236, 196, 168], [222, 176, 146], [198, 146, 110], [170, 118, 84], [128, 84, 58], [96, 64, 46]];
const HAIRS: [[u8; 3]; 5] = [[30, 24, 20], [58, 40, 28], [110, 76, 44], [170, 130, 80], [90, 88, 86]];
const SHIRTS: [[u8; 3]; 8] = [
    [40, 90, 160],
    [170, 40, 45],
    [60, 60, 66],
    [40, 120, 80],
    [220, 220, 215],
    [230, 150, 40],
    [110, 60, 140],
    [20, 20, 24],
];
const SHORTS: [[u8; 3]; 5] = [[35, 35, 40], [30, 50, 90], [90, 90, 95], [60, 70, 50], [20, 20, 20]];
const SHOES: [[u8; 3]; 5] = [[200, 60, 50], [30, 30, 34], [230, 230, 230], [40, 80, 170], [120, 110, 100]];

impl LifterSpec {
    pub fn random(rng: &mut ChaCha8Rng) -> LifterSpec {
        let mut pick = |a: &[[u8; 3]]| a[rng.random_range(0..a.len())];
        let skin = pick(&SKINS);
        let hair = pick(&HAIRS);
        let shirt = pick(&SHIRTS);
        let shorts = pick(&SHORTS);
        let shoes = pick(&SHOES);
        let mut j = || rng.random_range(0.97..1.03);
        let proportions = Proportions { thigh: j(), shank: j(), trunk: j(), arm: j() };
        LifterSpec {
            stature_cm: rng.random_range(168.0..192.0),
            proportions,
            build: rng.random_range(0.92..1.12),
            skin,
            hair,
            shirt,
            shorts,
            shoes,
            socks: [235, 235, 235],
        }
    }
}

/// The "likely" threshold of each fault in the renderer's magnitude unit, and which side
/// of it is faulty (`true` = above).
pub fn likely_threshold(id: &str) -> Option<(f64, bool)> {
    Some(match id {
        "lumbar_rounding" => (0.08, true),
        "lumbar_hyperextension" => (10.0, true),
        "bar_drift" => (5.0, true),
        "hips_too_high" => (0.8, true),
        "hips_too_low" => (0.1, false),
        "hips_rise_early" => (5.0, true),
        "jerked_liftoff" => (3.0, true),
        _ => return None,
    })
}

impl RenderSpec {
    /// A random spec (random fault or clean, magnitude clearly past the fault's likely
    /// threshold, random reps, facing, camera distance, realism), reproducible from `seed`.
    pub fn random(seed: u64) -> RenderSpec {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_f0c5_c4ec_0001);
        let reps = rng.random_range(1..=5usize);
        let portrait = rng.random_bool(0.2);
        let (width, height) = if portrait { (720, 1280) } else { (1280, 720) };
        let lifter = LifterSpec::random(&mut rng);
        // Keep the standing lifter inside the frame: image height covers stature + margins.
        let usable = height as f64 * if portrait { 0.80 } else { 0.86 };
        let min_cmpp = (lifter.stature_cm + 12.0) / usable;
        let cm_per_px = min_cmpp * rng.random_range(1.0..1.25);
        let facing = if rng.random_bool(0.5) { Facing::Right } else { Facing::Left };
        let fault_kind = rng.random_range(0..9usize); // 7 faults, 2 ways to be clean
        let mut faults = Vec::new();
        if fault_kind < 7 {
            let id = FAULT_IDS[fault_kind];
            let (mag, variant) = match id {
                "lumbar_rounding" => (rng.random_range(0.11..0.17), None),
                "lumbar_hyperextension" => (rng.random_range(13.0..22.0), None),
                "bar_drift" => {
                    let v = ["below_knee", "above_knee", "start"][rng.random_range(0..3)];
                    (rng.random_range(7.0..12.0), Some(v.to_string()))
                }
                "hips_too_high" => (rng.random_range(0.86..0.95), None),
                "hips_too_low" => (rng.random_range(0.03..0.07), None),
                "hips_rise_early" => (rng.random_range(7.0..12.0), None),
                _ => {
                    if reps >= 2 && rng.random_bool(0.3) {
                        (rng.random_range(5.0..9.0), Some("bounce".to_string()))
                    } else {
                        (rng.random_range(4.5..8.0), None)
                    }
                }
            };
            let bounce = variant.as_deref() == Some("bounce");
            let which = if reps >= 3 && rng.random_bool(0.25) && !bounce {
                FaultReps::Fatigue
            } else if reps >= 2 && rng.random_bool(0.5) {
                let lo = if bounce { 2 } else { 1 };
                let r = rng.random_range(lo..=reps);
                FaultReps::Reps(vec![r])
            } else if bounce {
                FaultReps::Reps((2..=reps).collect())
            } else {
                FaultReps::All
            };
            faults.push(FaultSpec { id: id.to_string(), magnitude: mag, reps: which, variant });
        }
        let heavy = rng.random_bool(0.3);
        let realism = Realism {
            shake: if heavy {
                rng.random_range(2.0..6.0)
            } else if rng.random_bool(0.4) {
                rng.random_range(0.5..2.0)
            } else {
                0.0
            },
            motion_blur: rng.random_bool(if heavy { 0.7 } else { 0.25 }),
            blur_subframes: 5,
            noise: if heavy { rng.random_range(3.0..7.0) } else { rng.random_range(0.0..3.0) },
            crf: rng.random_range(20..=30),
            preset: "medium".into(),
            lighting_changes: rng.random_bool(0.3),
            distractor_plate: rng.random_bool(0.35),
        };
        RenderSpec {
            seed,
            reps,
            width,
            height,
            fps: if rng.random_bool(0.15) { 60.0 } else { 30.0 },
            facing,
            cm_per_px,
            plate_diameter_cm: 45.0,
            faults,
            realism,
            lifter,
            touch_and_go: false,
            standing_intro: rng.random_bool(0.6),
            mean_velocity_m_s: rng.random_range(0.35..0.75),
            velocity_loss: rng.random_range(0.0..0.15),
            midfoot_at: rng.random_range(0.4..0.6),
            floor_at: if portrait { rng.random_range(0.86..0.92) } else { rng.random_range(0.92..0.96) },
            far_plate: rng.random_bool(0.7),
        }
    }

    /// Check the spec is renderable; returns a clear error otherwise.
    pub fn validate(&self) -> Result<(), RenderError> {
        let bad = |m: String| Err(RenderError::Invalid(m));
        if self.reps == 0 || self.reps > 20 {
            return bad(format!("reps must be 1-20, got {}", self.reps));
        }
        if self.width < 64 || self.height < 64 || self.width % 2 == 1 || self.height % 2 == 1 {
            return bad(format!("size must be even and at least 64x64, got {}x{}", self.width, self.height));
        }
        if !(self.fps >= 5.0 && self.fps <= 240.0) {
            return bad(format!("fps must be 5-240, got {}", self.fps));
        }
        if !(self.cm_per_px > 0.02 && self.cm_per_px < 5.0) {
            return bad(format!("cm_per_px out of range: {}", self.cm_per_px));
        }
        if !(self.plate_diameter_cm >= 20.0 && self.plate_diameter_cm <= 50.0) {
            return bad(format!("plate_diameter_cm must be 20-50, got {}", self.plate_diameter_cm));
        }
        if !(self.mean_velocity_m_s >= 0.15 && self.mean_velocity_m_s <= 1.5) {
            return bad(format!("mean_velocity_m_s must be 0.15-1.5, got {}", self.mean_velocity_m_s));
        }
        if !(150.0..=210.0).contains(&self.lifter.stature_cm) {
            return bad(format!("stature must be 150-210 cm, got {}", self.lifter.stature_cm));
        }
        if self.realism.crf > 51 {
            return bad("crf must be 0-51".into());
        }
        for f in &self.faults {
            if !FAULT_IDS.contains(&f.id.as_str()) {
                return bad(format!("unknown fault id {:?}", f.id));
            }
            if let FaultReps::Reps(r) = &f.reps {
                if r.iter().any(|&k| k == 0 || k > self.reps) {
                    return bad(format!("fault {}: rep numbers must be 1..={}", f.id, self.reps));
                }
            }
            if f.id == "jerked_liftoff" && f.variant.as_deref() == Some("bounce") {
                let first = match &f.reps {
                    FaultReps::Reps(r) => r.iter().copied().min().unwrap_or(1),
                    _ => 1,
                };
                if first < 2 {
                    return bad(
                        "jerked_liftoff:bounce needs the fault on reps >= 2 (a rebound needs a rep before it)".into()
                    );
                }
            }
        }
        Ok(())
    }

    /// The reps (1-based) a fault applies to, with a 0..1 weight (1 = full magnitude).
    pub fn fault_weights(&self, f: &FaultSpec) -> Vec<(usize, f64)> {
        match &f.reps {
            FaultReps::All => (1..=self.reps).map(|r| (r, 1.0)).collect(),
            FaultReps::Reps(v) => v.iter().map(|&r| (r, 1.0)).collect(),
            FaultReps::Fatigue => {
                // The later ~40 % of the set (at least one rep, never the first).
                let n = self.reps;
                let k = ((n as f64) * 0.4).round().max(1.0) as usize;
                let first = (n + 1 - k).max(2.min(n));
                (first..=n)
                    .map(|r| {
                        let w = if n == first { 1.0 } else { 0.7 + 0.3 * (r - first) as f64 / (n - first) as f64 };
                        (r, w)
                    })
                    .collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_faults() {
        let f = FaultSpec::parse("bar_drift:start=7.5@2,3").unwrap();
        assert_eq!(f.id, "bar_drift");
        assert_eq!(f.variant.as_deref(), Some("start"));
        assert_eq!(f.magnitude, 7.5);
        assert_eq!(f.reps, FaultReps::Reps(vec![2, 3]));
        let f = FaultSpec::parse("lumbar_rounding=0.12@fatigue").unwrap();
        assert_eq!(f.reps, FaultReps::Fatigue);
        let f = FaultSpec::parse("hips_too_low=0.05@1-3").unwrap();
        assert_eq!(f.reps, FaultReps::Reps(vec![1, 2, 3]));
        assert!(FaultSpec::parse("nope=1").is_err());
        assert!(FaultSpec::parse("bar_drift").is_err());
    }

    #[test]
    fn random_is_reproducible_and_valid() {
        for s in 0..40 {
            let a = RenderSpec::random(s);
            assert_eq!(a, RenderSpec::random(s));
            a.validate().unwrap();
        }
    }

    #[test]
    fn spec_json_roundtrip() {
        let mut s = RenderSpec::default();
        s.faults.push(FaultSpec::parse("jerked_liftoff:bounce=6@2").unwrap());
        let j = serde_json::to_string(&s).unwrap();
        let b: RenderSpec = serde_json::from_str(&j).unwrap();
        assert_eq!(s, b);
        let partial: RenderSpec = serde_json::from_str(r#"{"reps": 2}"#).unwrap();
        assert_eq!(partial.reps, 2);
        assert_eq!(partial.width, 1280);
    }
}
