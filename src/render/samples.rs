//! The committed sample set (`formcheck render --sample-set sample_videos`).
//!
//! Each entry is a full `RenderSpec`, so the set is reproduced exactly (truth files are
//! identical; the videos are identical as long as the same libx264 build encodes them).

use std::path::Path;

use super::spec::{FaultReps, FaultSpec, Realism, RenderSpec};
use super::RenderError;
use crate::schema::Facing;

fn fault(id: &str, magnitude: f64, reps: FaultReps, variant: Option<&str>) -> FaultSpec {
    FaultSpec { id: id.to_string(), magnitude, reps, variant: variant.map(str::to_string) }
}

fn base(seed: u64) -> RenderSpec {
    RenderSpec { seed, realism: Realism { crf: 24, ..Realism::default() }, ..RenderSpec::default() }
}

/// Every sample: (name, spec, what it shows).
pub fn sample_specs() -> Vec<(&'static str, RenderSpec, &'static str)> {
    let mut v = Vec::new();

    let s = base(101);
    v.push(("clean_3rep", s, "3 clean reps with a standing intro and stand-up at the end"));

    let mut s = base(102);
    s.facing = Facing::Left;
    s.cm_per_px = 0.28;
    s.standing_intro = false;
    s.lifter.shirt = [170, 40, 45];
    s.lifter.skin = [198, 146, 110];
    s.faults = vec![fault("lumbar_rounding", 0.13, FaultReps::Reps(vec![2, 3]), None)];
    v.push(("lumbar_rounding", s, "rep 1 clean, reps 2-3 round the back during the pull (13 % chord loss)"));

    let mut s = base(103);
    s.reps = 2;
    s.cm_per_px = 0.32;
    s.lifter.stature_cm = 184.0;
    s.lifter.shirt = [60, 60, 66];
    s.faults = vec![fault("lumbar_hyperextension", 15.0, FaultReps::All, None)];
    v.push(("lumbar_hyperextension", s, "2 reps finishing 15 degrees leaning back with an arched low back"));

    let mut s = base(104);
    s.standing_intro = false;
    s.cm_per_px = 0.29;
    s.lifter.shirt = [40, 120, 80];
    s.lifter.shoes = [30, 30, 34];
    s.faults = vec![fault("bar_drift", 8.0, FaultReps::Reps(vec![2, 3]), Some("below_knee"))];
    v.push(("bar_drift", s, "rep 1 clean, reps 2-3 drift 8 cm in front of mid-foot below the knee"));

    let mut s = base(105);
    s.reps = 2;
    s.cm_per_px = 0.31;
    s.standing_intro = false;
    s.lifter.stature_cm = 172.0;
    s.lifter.shirt = [230, 150, 40];
    s.faults = vec![fault("hips_too_high", 0.9, FaultReps::All, None)];
    v.push(("hips_too_high", s, "2 reps set up stiff-legged (h = 0.9)"));

    let mut s = base(106);
    s.reps = 2;
    s.facing = Facing::Left;
    s.cm_per_px = 0.30;
    s.standing_intro = false;
    s.lifter.skin = [128, 84, 58];
    s.lifter.shirt = [220, 220, 215];
    s.faults = vec![fault("hips_too_low", 0.04, FaultReps::All, None)];
    v.push(("hips_too_low", s, "2 reps set up squatting (h = 0.04)"));

    let mut s = base(107);
    s.cm_per_px = 0.29;
    s.standing_intro = false;
    s.lifter.shirt = [110, 60, 140];
    s.faults = vec![fault("hips_rise_early", 9.0, FaultReps::Reps(vec![2, 3]), None)];
    v.push(("hips_rise_early", s, "rep 1 clean, reps 2-3 hips rise 9 cm before the bar leaves the floor"));

    let mut s = base(108);
    s.cm_per_px = 0.30;
    s.standing_intro = false;
    s.lifter.shirt = [20, 20, 24];
    s.lifter.shorts = [30, 50, 90];
    s.faults = vec![
        fault("jerked_liftoff", 5.0, FaultReps::Reps(vec![2]), None),
        fault("jerked_liftoff", 0.0, FaultReps::Reps(vec![3]), Some("bounce")),
    ];
    v.push(("jerked_liftoff", s, "rep 1 clean, rep 2 yanked from a hip dip (ratio 5), rep 3 bounced off the floor"));

    let mut s = base(109);
    s.reps = 5;
    s.facing = Facing::Left;
    s.standing_intro = false;
    s.cm_per_px = 0.31;
    s.mean_velocity_m_s = 0.62;
    s.velocity_loss = 0.25;
    s.lifter.shirt = [40, 90, 160];
    s.lifter.skin = [236, 196, 168];
    s.faults = vec![fault("lumbar_rounding", 0.14, FaultReps::Fatigue, None)];
    v.push(("fatigue_rounding", s, "5 reps slowing down; the back rounds only in reps 4-5"));

    let mut s = base(110);
    s.cm_per_px = 0.30;
    s.standing_intro = false;
    s.lifter.shirt = [170, 40, 45];
    s.realism = Realism {
        shake: 5.0,
        motion_blur: true,
        blur_subframes: 5,
        noise: 5.0,
        crf: 27,
        preset: "medium".into(),
        lighting_changes: true,
        distractor_plate: true,
    };
    v.push((
        "shake_blur",
        s,
        "3 clean reps under heavy camera shake, motion blur, noise, lighting flicker and a distractor plate",
    ));
    v
}

pub fn render_sample_set(dir: &Path) -> Result<(), RenderError> {
    for (name, spec, what) in sample_specs() {
        let t = super::render(&spec, dir, name)?;
        println!(
            "{name}: {} frames ({:.1} s), {what}; truth faults: {}",
            t.frame_count,
            t.frame_count as f64 / t.fps,
            super::summary(&t)
        );
    }
    Ok(())
}
