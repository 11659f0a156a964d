//! Synthetic side-view deadlift videos with exact truth.
//!
//! The renderer is the ground-truth generator: it shares no analysis code with the
//! pipeline (only the plain types in `crate::schema`). Faults are drawn as body motion
//! (joint angles, spine curvature, bar trajectory); the truth holds what the renderer's
//! own geometry realised. See `docs/renderer.md`.

pub mod body;
pub mod camera;
pub mod encode;
pub mod figure;
pub mod geom;
pub mod motion;
pub mod raster;
pub mod samples;
pub mod scene;
pub mod spec;
pub mod truth;

use std::path::{Path, PathBuf};

pub use spec::{FaultReps, FaultSpec, LifterSpec, Proportions, Realism, RenderSpec};

use crate::schema::{Facing, Truth};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("render: {0}")]
    Invalid(String),
    #[error("render: {context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("render: {context}: {source}")]
    OpenCv {
        context: String,
        #[source]
        source: opencv::Error,
    },
}

impl RenderError {
    pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let context = context.into();
        move |source| RenderError::Io { context, source }
    }
    pub(crate) fn cv(context: impl Into<String>) -> impl FnOnce(opencv::Error) -> Self {
        let context = context.into();
        move |source| RenderError::OpenCv { context, source }
    }
}

/// Plan the motion and compute the truth without drawing anything (fast; used by tests
/// and by `render`).
pub fn plan_truth(spec: &RenderSpec) -> Result<(Truth, Vec<truth::RepMeasured>), RenderError> {
    let plan = motion::plan(spec)?;
    let sampled = truth::sample(&plan, spec.fps)?;
    let cam = camera::Camera::new(spec, plan.midfoot_x, sampled.poses.len());
    let measured = truth::measure(&plan, &sampled, spec.fps);
    let t = truth::build_truth(spec, &plan, &sampled, &cam, &measured);
    Ok((t, measured))
}

/// Render `spec` into `out_dir/NAME.mp4` (H.264) and `out_dir/NAME.truth.json`.
pub fn render(spec: &RenderSpec, out_dir: &Path, name: &str) -> Result<Truth, RenderError> {
    use opencv::prelude::*;
    spec.validate()?;
    if name.is_empty() || name.contains(['/', '\\']) {
        return Err(RenderError::Invalid(format!("bad output name {name:?}")));
    }
    let plan = motion::plan(spec)?;
    let sampled = truth::sample(&plan, spec.fps)?;
    let n = sampled.poses.len();
    let cam = camera::Camera::new(spec, plan.midfoot_x, n);
    let measured = truth::measure(&plan, &sampled, spec.fps);
    let truth = truth::build_truth(spec, &plan, &sampled, &cam, &measured);

    std::fs::create_dir_all(out_dir).map_err(RenderError::io(format!("creating {}", out_dir.display())))?;
    let mp4 = out_dir.join(format!("{name}.mp4"));
    let json = out_dir.join(format!("{name}.truth.json"));
    let bg = scene::background(spec, &cam);
    let fig = figure::Figure::new(spec);
    let light = scene::lighting(spec, n);
    let (w, h) = (spec.width as usize, spec.height as usize);
    let mut enc =
        encode::Encoder::start(&mp4, spec.width, spec.height, spec.fps, spec.realism.crf, &spec.realism.preset)?;
    let mut bytes = vec![0u8; w * h * 3];
    let shake_on = spec.realism.shake > 0.0;
    let mut src = opencv::core::Mat::new_rows_cols_with_default(
        h as i32,
        w as i32,
        opencv::core::CV_8UC3,
        opencv::core::Scalar::all(0.0),
    )
    .map_err(RenderError::cv("allocating a frame"))?;
    let mut dst = opencv::core::Mat::default();
    let subs = if spec.realism.motion_blur { spec.realism.blur_subframes.max(2) as usize } else { 1 };
    for i in 0..n {
        let t = i as f64 / spec.fps;
        let cv = if subs == 1 {
            let mut cv = bg.clone();
            fig.draw(&mut cv, &cam, &plan.dims, &sampled.poses[i]);
            cv
        } else {
            // Open shutter of half a frame centred on the frame time.
            let shutter = 0.5 / spec.fps;
            let mut acc = vec![[0.0f32; 3]; w * h];
            for k in 0..subs {
                let ts = t + (k as f64 / (subs - 1) as f64 - 0.5) * shutter;
                let pose = plan.pose_at(ts.clamp(0.0, plan.duration))?;
                let mut cv = bg.clone();
                fig.draw(&mut cv, &cam, &plan.dims, &pose);
                for (a, c) in acc.iter_mut().zip(cv.px.iter()) {
                    a[0] += c[0];
                    a[1] += c[1];
                    a[2] += c[2];
                }
            }
            let inv = 1.0 / subs as f32;
            raster::Canvas { w, h, px: acc.into_iter().map(|a| [a[0] * inv, a[1] * inv, a[2] * inv]).collect() }
        };
        let g = light[i];
        for (j, c) in cv.px.iter().enumerate() {
            bytes[j * 3] = (c[2] * g[2] * 255.0).round().clamp(0.0, 255.0) as u8;
            bytes[j * 3 + 1] = (c[1] * g[1] * 255.0).round().clamp(0.0, 255.0) as u8;
            bytes[j * 3 + 2] = (c[0] * g[0] * 255.0).round().clamp(0.0, 255.0) as u8;
        }
        if shake_on {
            src.data_bytes_mut().map_err(RenderError::cv("frame bytes"))?.copy_from_slice(&bytes);
            let a = cam.affine(i);
            let m = opencv::core::Mat::from_slice_2d(&[[a[0], a[1], a[2]], [a[3], a[4], a[5]]])
                .map_err(RenderError::cv("shake matrix"))?;
            opencv::imgproc::warp_affine(
                &src,
                &mut dst,
                &m,
                opencv::core::Size::new(w as i32, h as i32),
                opencv::imgproc::INTER_LINEAR,
                opencv::core::BORDER_REFLECT,
                opencv::core::Scalar::all(0.0),
            )
            .map_err(RenderError::cv("camera shake"))?;
            bytes.copy_from_slice(dst.data_bytes().map_err(RenderError::cv("frame bytes"))?);
        }
        scene::add_noise(&mut bytes, w, h, spec.realism.noise, spec.seed, i);
        enc.write(&bytes)?;
    }
    let written = enc.finish()?;
    if written != truth.frame_count {
        return Err(RenderError::Invalid(format!("wrote {written} frames, truth has {}", truth.frame_count)));
    }
    write_truth(&truth, &json)?;
    Ok(truth)
}

fn write_truth(truth: &Truth, path: &Path) -> Result<(), RenderError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(RenderError::io(format!("creating {}", dir.display())))?;
    }
    let txt = serde_json::to_string(truth).map_err(|e| RenderError::Invalid(format!("truth json: {e}")))?;
    std::fs::write(path, txt).map_err(RenderError::io(format!("writing {}", path.display())))
}

/// Command-line options of `formcheck render`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RenderArgs {
    /// Output directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Base name of the outputs (NAME.mp4, NAME.truth.json).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Regenerate the committed sample set into DIR (ignores the other options).
    #[arg(long, value_name = "DIR")]
    pub sample_set: Option<PathBuf>,
    /// Start from this spec file (JSON, any subset of RenderSpec fields).
    #[arg(long, value_name = "FILE.json")]
    pub spec: Option<PathBuf>,
    /// Start from RenderSpec::random(SEED) (a random fault or clean set).
    #[arg(long, value_name = "SEED")]
    pub random: Option<u64>,
    /// Seed for timing jitter, background, noise and shake.
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long)]
    pub reps: Option<usize>,
    /// A fault: ID[:VARIANT]=MAGNITUDE[@REPS|@fatigue], e.g. lumbar_rounding=0.12@2,3,
    /// bar_drift:start=7, jerked_liftoff:bounce=6@2-3. Repeatable.
    #[arg(long = "fault", value_name = "ID=MAG[@REPS]")]
    pub faults: Vec<String>,
    #[arg(long, value_enum)]
    pub facing: Option<FacingArg>,
    /// Frame size WxH (even numbers).
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,
    #[arg(long)]
    pub fps: Option<f64>,
    /// Image scale in the lifter's plane (camera distance).
    #[arg(long)]
    pub cm_per_px: Option<f64>,
    #[arg(long)]
    pub plate_cm: Option<f64>,
    /// Camera shake amplitude in px.
    #[arg(long)]
    pub shake: Option<f64>,
    /// Motion blur (sub-frame averaging).
    #[arg(long)]
    pub blur: bool,
    /// Sensor noise sigma (8-bit levels).
    #[arg(long)]
    pub noise: Option<f64>,
    /// libx264 CRF (0-51).
    #[arg(long)]
    pub crf: Option<u32>,
    /// Slow lighting drift and flicker.
    #[arg(long)]
    pub lighting: bool,
    /// A second, smaller plate leaning on the wall.
    #[arg(long)]
    pub distractor_plate: bool,
    /// Touch-and-go reps (no hold on the floor after the first rep).
    #[arg(long)]
    pub touch_and_go: bool,
    /// Start with the lifter already set up (no standing intro).
    #[arg(long)]
    pub no_intro: bool,
    /// Print the resolved spec as JSON and exit.
    #[arg(long)]
    pub print_spec: bool,
    /// Write only NAME.truth.json (no video; fast).
    #[arg(long)]
    pub truth_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FacingArg {
    Left,
    Right,
}

/// Resolve the CLI options into a spec (spec file / random / default, then overrides).
pub fn spec_from_args(a: &RenderArgs) -> Result<RenderSpec, RenderError> {
    let mut s = if let Some(p) = &a.spec {
        let txt = std::fs::read_to_string(p).map_err(RenderError::io(format!("reading {}", p.display())))?;
        serde_json::from_str(&txt).map_err(|e| RenderError::Invalid(format!("spec {}: {e}", p.display())))?
    } else if let Some(seed) = a.random {
        RenderSpec::random(seed)
    } else {
        RenderSpec::default()
    };
    if let Some(v) = a.seed {
        s.seed = v;
    }
    if let Some(v) = a.reps {
        s.reps = v;
    }
    if !a.faults.is_empty() {
        s.faults = a.faults.iter().map(|f| FaultSpec::parse(f)).collect::<Result<_, _>>()?;
    }
    if let Some(f) = a.facing {
        s.facing = match f {
            FacingArg::Left => Facing::Left,
            FacingArg::Right => Facing::Right,
        };
    }
    if let Some(sz) = &a.size {
        let (w, h) = sz
            .split_once(['x', 'X'])
            .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?)))
            .ok_or_else(|| RenderError::Invalid(format!("--size {sz:?}: expected WxH")))?;
        s.width = w;
        s.height = h;
    }
    if let Some(v) = a.fps {
        s.fps = v;
    }
    if let Some(v) = a.cm_per_px {
        s.cm_per_px = v;
    }
    if let Some(v) = a.plate_cm {
        s.plate_diameter_cm = v;
    }
    if let Some(v) = a.shake {
        s.realism.shake = v;
    }
    if a.blur {
        s.realism.motion_blur = true;
    }
    if let Some(v) = a.noise {
        s.realism.noise = v;
    }
    if let Some(v) = a.crf {
        s.realism.crf = v;
    }
    if a.lighting {
        s.realism.lighting_changes = true;
    }
    if a.distractor_plate {
        s.realism.distractor_plate = true;
    }
    if a.touch_and_go {
        s.touch_and_go = true;
    }
    if a.no_intro {
        s.standing_intro = false;
    }
    s.validate()?;
    Ok(s)
}

pub fn run_cli(args: &RenderArgs) -> Result<(), RenderError> {
    if let Some(dir) = &args.sample_set {
        return samples::render_sample_set(dir);
    }
    let spec = spec_from_args(args)?;
    if args.print_spec {
        println!("{}", serde_json::to_string_pretty(&spec).unwrap_or_default());
        return Ok(());
    }
    let out = args.out.as_deref().ok_or_else(|| RenderError::Invalid("--out DIR is required".into()))?;
    let name = args.name.as_deref().ok_or_else(|| RenderError::Invalid("--name NAME is required".into()))?;
    let t = if args.truth_only {
        let (t, _) = plan_truth(&spec)?;
        write_truth(&t, &out.join(format!("{name}.truth.json")))?;
        t
    } else {
        render(&spec, out, name)?
    };
    println!(
        "{}: {} frames {}x{} @ {} fps, {} reps, faults: {}",
        out.join(format!("{name}.mp4")).display(),
        t.frame_count,
        t.width,
        t.height,
        t.fps,
        t.reps.len(),
        summary(&t)
    );
    Ok(())
}

fn summary(t: &Truth) -> String {
    let mut v = Vec::new();
    for (i, r) in t.reps.iter().enumerate() {
        for f in &r.faults {
            v.push(format!("rep {} {}={:.3}", i + 1, f.id, f.magnitude));
        }
    }
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}
