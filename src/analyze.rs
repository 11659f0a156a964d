//! The whole analysis of one video: decode → track → reps → metrics → result.
//!
//! `track_video` makes the single streaming pass over the frames; `build_analysis` turns the
//! tracks into the result and is a pure function, so every later stage can be tested on
//! tracks without decoding anything.

use crate::error::{Error, Result};
use crate::metrics;
use crate::reps::{self, Partial};
use crate::schema::*;
use crate::track::bar::{BarOptions, BarTrack, BarTracker};
use crate::track::FrameImages;
use crate::video::{self, Video, VideoMeta};
use opencv::core::Mat;
use opencv::imgproc;
use opencv::prelude::*;
use std::path::{Path, PathBuf};

/// Standard bumper and competition plates are 45 cm across.
pub const STANDARD_PLATE_CM: f64 = 45.0;
/// Shorter than this cannot hold one pull.
pub const MIN_SECONDS: f64 = 0.5;

#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    pub bar_hint: Option<(f64, f64)>,
    /// Plate diameter in cm and whether the user gave it.
    pub plate_cm: f64,
    pub plate_cm_given: bool,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            bar_hint: None,
            plate_cm: STANDARD_PLATE_CM,
            plate_cm_given: false,
        }
    }
}

/// Everything the frame pass produced.
#[derive(Debug, Clone)]
pub struct Tracks {
    pub meta: VideoMeta,
    pub frame_count: usize,
    pub bar: BarTrack,
}

/// Analyses a video file. `progress` is called with (frames done, frames expected).
pub fn analyze(
    path: &Path,
    options: &AnalyzeOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Analysis> {
    let tracks = track_video(path, options, progress)?;
    let sha256 = video::sha256_file(path)?;
    Ok(build_analysis(&tracks, path, sha256, options))
}

/// One pass over the frames: decode on a second thread, track here.
pub fn track_video(
    path: &Path,
    options: &AnalyzeOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Tracks> {
    let video = Video::open(path)?;
    let meta = video.meta().clone();
    check_hint(options, &meta)?;
    let mut bar = BarTracker::new(
        path.to_path_buf(),
        meta.fps,
        BarOptions {
            hint: options.bar_hint,
        },
    );
    let (frames, pool, decoder) = video::spawn_decoder(video, 4);
    let mut gray = Mat::default();
    let mut failure = None;
    for frame in frames.iter() {
        let step = to_gray(&frame.image, &mut gray).and_then(|_| {
            bar.push(&FrameImages {
                colour: &frame.image,
                gray: &gray,
            })
        });
        pool.recycle(frame.image);
        if let Err(e) = step {
            failure = Some(e);
            break;
        }
        progress(frame.index + 1, meta.reported_frames);
    }
    drop(frames);
    let (video, decoded) = decoder.join().map_err(|_| Error::NoFrames {
        path: path.to_path_buf(),
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    decoded?;
    let frame_count = video.frames_read();
    check_length(path, &meta, frame_count)?;
    Ok(Tracks {
        meta,
        frame_count,
        bar: bar.finish()?,
    })
}

fn check_hint(options: &AnalyzeOptions, meta: &VideoMeta) -> Result<()> {
    if let Some((x, y)) = options.bar_hint {
        if x < 0.0 || y < 0.0 || x >= meta.width as f64 || y >= meta.height as f64 {
            return Err(Error::BarHintOutside {
                x,
                y,
                width: meta.width,
                height: meta.height,
            });
        }
    }
    Ok(())
}

fn check_length(path: &Path, meta: &VideoMeta, decoded: usize) -> Result<()> {
    if video::looks_truncated(meta, decoded) {
        return Err(Error::Truncated {
            path: path.to_path_buf(),
            decoded,
            expected: meta.reported_frames,
        });
    }
    let seconds = decoded as f64 / meta.fps;
    if seconds < MIN_SECONDS {
        return Err(Error::TooShort {
            path: path.to_path_buf(),
            frames: decoded,
            seconds,
        });
    }
    Ok(())
}

fn to_gray(bgr: &Mat, gray: &mut Mat) -> Result<()> {
    let code = match bgr.channels() {
        1 => {
            return bgr
                .copy_to(gray)
                .map_err(Error::opencv("copying a grey frame"))
        }
        4 => imgproc::COLOR_BGRA2GRAY,
        _ => imgproc::COLOR_BGR2GRAY,
    };
    imgproc::cvt_color(bgr, gray, code, 0).map_err(Error::opencv("converting a frame to grey"))
}

/// Turns tracks into the result: calibration, reps, per-rep metrics and the notes that say
/// what could not be measured.
pub fn build_analysis(
    tracks: &Tracks,
    path: &Path,
    sha256: String,
    options: &AnalyzeOptions,
) -> Analysis {
    let meta = &tracks.meta;
    let fps = meta.fps;
    let mut notes = Vec::new();
    let calibration = calibrate(&tracks.bar, options);
    let cm = calibration.cm_per_px;

    let height_cm: Vec<Option<f64>> = tracks
        .bar
        .obs
        .iter()
        .map(|o| o.map(|o| (meta.height as f64 - o.ellipse.cy) * cm))
        .collect();
    let x_cm: Vec<Option<f64>> = tracks
        .bar
        .obs
        .iter()
        .map(|o| o.map(|o| o.ellipse.cx * cm))
        .collect();
    let split = reps::split_reps(&height_cm, fps);
    note_partials(&split.partial, fps, &mut notes);
    if tracks.bar.travel_diameters < 0.25 {
        notes.push("The bar hardly moves in this video: no rep to measure.".into());
    }
    note_aspect(&calibration, &mut notes);

    let bar_metrics: Vec<_> = split
        .reps
        .iter()
        .map(|r| metrics::bar::measure(r, &split.height, &x_cm, fps, None))
        .collect();
    let losses = metrics::bar::velocity_loss_pct(
        &bar_metrics
            .iter()
            .map(|m| m.mean_velocity_m_s)
            .collect::<Vec<_>>(),
    );
    let t = |i: usize| i as f64 / fps;
    let reps: Vec<Rep> = split
        .reps
        .iter()
        .zip(&bar_metrics)
        .zip(&losses)
        .enumerate()
        .map(|(k, ((r, m), loss))| Rep {
            index: k + 1,
            start_s: t(r.start),
            liftoff_s: t(r.liftoff),
            knee_pass_s: None,
            lockout_s: t(r.lockout),
            end_s: t(r.end),
            rom_cm: m.rom_cm,
            mean_velocity_m_s: m.mean_velocity_m_s,
            peak_velocity_m_s: m.peak_velocity_m_s,
            time_to_lockout_s: m.time_to_lockout_s,
            velocity_loss_pct: *loss,
            bar_start_offset_cm: None,
            bar_drift_max_cm: None,
            bar_drift_max_at: None,
            hip_rise_before_bar_ms: None,
            hip_rise_before_bar_cm: None,
            hip_to_shoulder_rise_ratio: None,
            setup: Setup::default(),
            trunk_chord_change_pct: None,
            lockout_trunk_lean_back_deg: None,
            liftoff_accel_ratio: None,
            hold_before_liftoff_ms: None,
            faults: Vec::new(),
            liftoff_frame: r.liftoff,
            lockout_frame: r.lockout,
            knee_pass_frame: None,
            setup_frame: Some(r.liftoff.saturating_sub(1)),
            bar_drift_from_start_cm: m.drift_from_start_cm,
            floor_rebound: None,
        })
        .collect();
    if !reps.is_empty() {
        notes.push("Body points are not tracked yet: mid-foot, hip and trunk measures are left empty and no fault is judged.".into());
    }

    let frames = (0..tracks.frame_count)
        .map(|i| Frame {
            i,
            t_s: t(i),
            bar: tracks.bar.obs.get(i).copied().flatten().map(|o| BarPoint {
                x_px: o.ellipse.cx,
                y_px: o.ellipse.cy,
                conf: o.conf,
            }),
            body: None,
        })
        .collect();

    Analysis {
        schema: ANALYSIS_SCHEMA.into(),
        tool_version: crate::VERSION.into(),
        video: VideoInfo {
            path: path.display().to_string(),
            sha256,
            width: meta.width,
            height: meta.height,
            fps,
            frame_count: tracks.frame_count,
            duration_s: tracks.frame_count as f64 / fps,
        },
        calibration,
        facing: None,
        view: View {
            kind: ViewKind::Unknown,
            usable: false,
            reason: Some("body not tracked: the view cannot be checked".into()),
        },
        midfoot_x_px: None,
        midfoot_source: None,
        frames,
        summary: Summary {
            rep_count: reps.len(),
            faults_by_rep: reps
                .iter()
                .map(|r| r.faults.iter().map(|f| f.id.clone()).collect())
                .collect(),
            notes,
        },
        reps,
    }
}

fn calibrate(bar: &BarTrack, options: &AnalyzeOptions) -> Calibration {
    Calibration {
        cm_per_px: options.plate_cm / bar.plate_diameter_px,
        source: if options.plate_cm_given {
            CalibrationSource::User
        } else {
            CalibrationSource::Plate
        },
        plate_diameter_cm: options.plate_cm,
        plate_diameter_px: Some(bar.plate_diameter_px),
        plate_aspect: Some(bar.plate_aspect),
    }
}

fn note_partials(partial: &[Partial], fps: f64, notes: &mut Vec<String>) {
    for p in partial {
        notes.push(match p {
            Partial::StartsMidPull { top } => format!(
                "The video starts during a pull (bar already rising; top at {:.2} s): that pull is not counted as a rep. Start filming before the setup.",
                *top as f64 / fps
            ),
            Partial::EndsMidPull { liftoff } => format!(
                "The video ends during a pull (lift-off at {:.2} s): that pull is not counted as a rep. Keep filming until the bar is back down.",
                *liftoff as f64 / fps
            ),
        });
    }
}

fn note_aspect(calibration: &Calibration, notes: &mut Vec<String>) {
    if let Some(aspect) = calibration.plate_aspect {
        if aspect < 0.9 {
            notes.push(format!(
                "The plate looks like an ellipse (width/height {aspect:.2}): the camera is not square to the bar, so horizontal distances are shortened. Film from straight side-on."
            ));
        }
    }
}

/// Where `analyze --out DIR` writes a video's outputs.
pub fn output_stem(out_dir: &Path, video: &Path) -> PathBuf {
    let stem = video
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "video".into());
    out_dir.join(stem)
}
