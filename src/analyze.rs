//! The whole analysis of one video: decode → track → reps → metrics → result.
//!
//! `track_video` makes the single streaming pass over the frames; `build_analysis` turns the
//! tracks into the result and is a pure function, so every later stage can be tested on
//! tracks without decoding anything.

use crate::error::{Error, Result};
use crate::faults::rules::RepContext;
use crate::faults::{self, Thresholds};
use crate::metrics;
use crate::metrics::body::{BodyRepMetrics, SetReference};
use crate::metrics::kinematics::{Frame2Lifter, Kinematics};
use crate::reps::RepFrames;
use crate::reps::{self, Partial};
use crate::schema::*;
use crate::track::bar::{BackTracker, BarOptions, BarTrack, BarTracker, Hands};
use crate::track::body::engine::{LandmarkModel, OrtEngine};
use crate::track::body::landmarks::PoseFrame;
use crate::track::body::post::BodyTrack;
use crate::track::body::{post, view, BodyTracker};
use crate::track::camera::{CameraMotion, CameraTracker, Similarity};
use crate::track::FrameImages;
use crate::video::{self, Video, VideoMeta};
use opencv::core::Mat;
use opencv::imgproc;
use opencv::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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
    /// The landmark model for body tracking; `None` tracks the bar only.
    pub body: Option<LandmarkModel>,
    pub thresholds: Thresholds,
    /// Moves every body crop this many pixels to the right. Always 0 in use; it exists to
    /// measure how much the landmarks depend on where the network looks
    /// (`examples/raw_pose.rs --nudge`, docs/body.md).
    pub crop_nudge_px: f64,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            bar_hint: None,
            plate_cm: STANDARD_PLATE_CM,
            plate_cm_given: false,
            body: Some(LandmarkModel::Full),
            thresholds: Thresholds::default(),
            crop_nudge_px: 0.0,
        }
    }
}

/// Everything the frame pass produced.
#[derive(Debug, Clone)]
pub struct Tracks {
    pub meta: VideoMeta,
    pub frame_count: usize,
    pub bar: BarTrack,
    pub body: Option<BodyTrack>,
    pub camera: CameraMotion,
    pub times: StageTimes,
}

impl Tracks {
    /// The way the lifter faces, from the body track (none without one).
    pub fn facing(&self) -> Option<Facing> {
        self.body.as_ref().and_then(|b| b.facing)
    }
}

/// Where an analysis spent its time, stage by stage. Decoding runs on its own thread, so
/// `decode` overlaps the tracking stages; `waiting` is how long tracking sat idle for a
/// frame (decode was the bottleneck then).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    pub decode: Duration,
    pub waiting: Duration,
    pub body: Duration,
    pub bar: Duration,
    /// Grey conversion and camera-motion tracking.
    pub camera: Duration,
    /// Clean-up after the frame pass: gap bridging, occlusion repair, smoothing.
    pub finish: Duration,
    /// The video's sha256 (the history's identity of a video).
    pub hash: Duration,
    /// Reps, measurements and fault labels.
    pub measure: Duration,
    /// The whole analysis, wall clock.
    pub total: Duration,
}

/// Analyses a video file. `progress` is called with (frames done, frames expected).
pub fn analyze(path: &Path, options: &AnalyzeOptions, progress: &mut dyn FnMut(usize, usize)) -> Result<Analysis> {
    analyze_timed(path, options, progress).map(|(analysis, _)| analysis)
}

/// [`analyze`], and where the time went.
pub fn analyze_timed(
    path: &Path,
    options: &AnalyzeOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(Analysis, StageTimes)> {
    let started = Instant::now();
    let tracks = track_video(path, options, progress)?;
    let mut times = tracks.times;
    let t = Instant::now();
    let sha256 = video::sha256_file(path)?;
    times.hash = t.elapsed();
    let t = Instant::now();
    let analysis = build_analysis(&tracks, path, sha256, options);
    times.measure = t.elapsed();
    times.total = started.elapsed();
    Ok((analysis, times))
}

/// Adds the time `f` takes to `slot`.
fn timed<T>(slot: &mut Duration, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    *slot += t.elapsed();
    out
}

/// The body stage picks the lifter with the bar of this many frames before. A fixed lag keeps
/// the result independent of thread timing; 2 lets the bar of one frame be tracked while the
/// body of the next is (1 would make the two stages wait for each other).
const BAR_LAG: usize = 2;

/// One frame handed from the body stage to the bar stage, with the body found in it.
struct BarWork {
    image: Mat,
    pose: Option<PoseFrame>,
}

/// What the bar stage hands back at the end.
struct BarStage {
    bar: BarTracker,
    camera: CameraTracker,
    bar_time: Duration,
    camera_time: Duration,
}

/// The back outline is read about 15 times a second: rounding builds over a few tenths of a
/// second, and the mask costs 1.6x a plain landmark run.
const OUTLINE_RATE_HZ: f64 = 15.0;

fn outline_stride(fps: f64) -> usize {
    (fps / OUTLINE_RATE_HZ).round().max(1.0) as usize
}

/// One pass over the frames in three stages on their own threads: decode, body (this
/// thread), then bar and camera motion. The body of a frame goes first: its hands tell the
/// bar tracker where to look for the plate, and the bar of an earlier frame tells the body
/// which person is the lifter. On two cores the body model's inference keeps one core busy
/// and decode, bar and camera share the other.
pub fn track_video(path: &Path, options: &AnalyzeOptions, progress: &mut dyn FnMut(usize, usize)) -> Result<Tracks> {
    let video = Video::open(path)?;
    let meta = video.meta().clone();
    check_hint(options, &meta)?;
    let bar = BarTracker::new(path.to_path_buf(), meta.fps, BarOptions { hint: options.bar_hint });
    let mut body = match options.body {
        Some(model) => Some(
            BodyTracker::new(Box::new(OrtEngine::new(model)?))
                .with_crop_nudge(options.crop_nudge_px)
                .with_outline_every(outline_stride(meta.fps)),
        ),
        None => None,
    };
    let (frames, pool, decoder) = video::spawn_decoder(video, 4);
    let mut times = StageTimes::default();
    let (stage, failure) = std::thread::scope(|scope| {
        let (work_tx, work_rx) = crossbeam_channel::bounded::<BarWork>(BAR_LAG);
        let (done_tx, done_rx) = crossbeam_channel::unbounded::<Option<(f64, f64)>>();
        let pool = pool.clone();
        let bar_thread = std::thread::Builder::new()
            .name("formcheck-bar".into())
            .spawn_scoped(scope, move || bar_stage(bar, work_rx, done_tx, &pool))
            .expect("spawning the bar thread");
        let mut failure = None;
        let (mut bar_done, mut bar_at) = (0usize, None);
        let mut waited = Instant::now();
        for frame in frames.iter() {
            times.decode += frame.decode_time;
            // The bar of frame i - BAR_LAG, waited for so every run sees the same one.
            while bar_done + BAR_LAG <= frame.index {
                match done_rx.recv() {
                    Ok(at) => (bar_done, bar_at) = (bar_done + 1, at),
                    Err(_) => break, // the bar stage stopped: its error comes from the join
                }
            }
            times.waiting += waited.elapsed();
            let step = match body.as_mut() {
                Some(b) => timed(&mut times.body, || b.push(&frame.image, bar_at)),
                None => Ok(()),
            };
            if let Err(e) = step {
                failure = Some(e);
                break;
            }
            let pose = body.as_ref().and_then(|b| b.last()).cloned();
            if work_tx.send(BarWork { image: frame.image, pose }).is_err() {
                break;
            }
            progress(frame.index + 1, meta.reported_frames);
            waited = Instant::now();
        }
        drop(work_tx);
        let stage = bar_thread
            .join()
            .map_err(|_| Error::Inference { what: "bar tracking".into(), why: "its thread stopped".into() });
        (stage, failure)
    });
    // The frame buffers still in the pool and the decoder's own buffers are freed here, before
    // the opening re-read decodes a chunk of frames again: together they held about 90 MB at
    // 1080p on top of that chunk (peak 416 MB against 332 before the re-read existed).
    drop((frames, pool));
    let (video, decoded) = decoder.join().map_err(|_| Error::NoFrames { path: path.to_path_buf() })?;
    let frame_count = video.frames_read();
    drop(video);
    if let Some(e) = failure {
        return Err(e);
    }
    let BarStage { mut bar, camera, bar_time, camera_time } = stage??;
    (times.bar, times.camera) = (bar_time, camera_time);
    decoded?;
    check_length(path, &meta, frame_count)?;
    if let Some(b) = body.as_mut() {
        timed(&mut times.body, || reread_opening(path, meta.fps, b))?;
        b.settle_reread();
    }
    let finishing = Instant::now();
    let raw_body = body.map(BodyTracker::finish);
    let hands: Vec<Option<Hands>> = match &raw_body {
        Some(raw) => raw.frames.iter().map(|f| f.as_ref().map(hands_of)).collect(),
        None => Vec::new(),
    };
    let chosen = bar.choose(&hands);
    if let Some(c) = chosen {
        timed(&mut times.bar, || track_bar_back(path, &mut bar, c))?;
    }
    let bar = bar.finish_with(chosen, &hands)?;
    let camera = camera.finish();
    let body = raw_body.map(|raw| post::finish(raw, &bar.obs, meta.fps, &camera));
    times.finish = finishing.elapsed();
    Ok(Tracks { meta, frame_count, bar, body, camera, times })
}

/// Frames decoded again per pass of the opening re-read: the re-read goes backward and the
/// decoder forward, so the opening is decoded in chunks from the start, each held in memory.
/// 8 frames of 1080p are 50 MB: with 16 the re-read set the run's peak (416 MB against the
/// 400 MB target, docs/speed.md); 4 costs 12% more time for 15 MB less.
const REREAD_CHUNK: usize = 8;

/// Reads the opening frames again backward (`BodyTracker::opening_to_reread`).
fn reread_opening(path: &Path, fps: f64, body: &mut BodyTracker) -> Result<()> {
    let Some(range) = body.opening_to_reread(fps) else { return Ok(()) };
    frames_backward(path, range, |index, frame| body.reread(index, frame))
}

/// Hands frames `range` of the video to `visit`, last first, until it answers false. They are
/// decoded again in chunks of `REREAD_CHUNK` from the start (the decoder only goes forward),
/// so only one chunk is held in memory. A second decode that ends early ends the visit
/// quietly: the first pass's readings stand.
fn frames_backward(
    path: &Path,
    range: std::ops::Range<usize>,
    mut visit: impl FnMut(usize, &Mat) -> Result<bool>,
) -> Result<()> {
    let mut hi = range.end;
    while hi > range.start {
        let lo = hi.saturating_sub(REREAD_CHUNK).max(range.start);
        let frames = decode_range(path, lo..hi)?;
        if frames.len() != hi - lo {
            return Ok(());
        }
        for (offset, frame) in frames.iter().enumerate().rev() {
            if !visit(lo + offset, frame)? {
                return Ok(());
            }
        }
        hi = lo;
    }
    Ok(())
}

/// Follows the chosen plate backward from the frame it was first seen in to the start of the
/// video (`BarTracker::back_tracker`, set up on that frame, then `step_back`). Nothing to do
/// when the plate was seen from the first frame.
fn track_bar_back(path: &Path, bar: &mut BarTracker, chosen: usize) -> Result<()> {
    let Some(first) = bar.first_seen(chosen) else { return Ok(()) };
    let mut gray = Mat::default();
    let mut back: Option<BackTracker> = None;
    frames_backward(path, 0..first + 1, |index, frame| {
        to_gray(frame, &mut gray)?;
        let images = FrameImages { colour: frame, gray: &gray };
        match back.as_mut() {
            None => {
                back = bar.back_tracker(chosen, &images)?;
                Ok(back.is_some())
            }
            Some(b) => {
                debug_assert_eq!(b.wants(), Some(index));
                bar.step_back(b, &images)
            }
        }
    })
}

/// Frames `range` of the video, decoded from the start (fewer when the video ends first).
fn decode_range(path: &Path, range: std::ops::Range<usize>) -> Result<Vec<Mat>> {
    let mut video = Video::open(path)?;
    let mut out = Vec::with_capacity(range.len());
    let mut frame = Mat::default();
    while let Some(index) = video.read_into(&mut frame)? {
        if index >= range.end {
            break;
        }
        if index >= range.start {
            out.push(std::mem::take(&mut frame));
        }
    }
    Ok(out)
}

/// The bar and camera-motion stage: each frame's grey image, plate, and background motion
/// (the lifter and the plates masked out), then the frame buffer goes back to the decoder.
/// Sends the bar's position after every frame, in frame order.
fn bar_stage(
    mut bar: BarTracker,
    work: crossbeam_channel::Receiver<BarWork>,
    done: crossbeam_channel::Sender<Option<(f64, f64)>>,
    pool: &video::FramePool,
) -> Result<BarStage> {
    let mut camera = CameraTracker::default();
    let mut gray = Mat::default();
    let (mut bar_time, mut camera_time) = (Duration::ZERO, Duration::ZERO);
    for w in work.iter() {
        timed(&mut camera_time, || to_gray(&w.image, &mut gray))?;
        let hands = w.pose.as_ref().map(hands_of);
        timed(&mut bar_time, || bar.push(&FrameImages { colour: &w.image, gray: &gray }, hands))?;
        let moving = moving_regions(w.pose.as_ref(), &bar);
        timed(&mut camera_time, || camera.push(&gray, &moving))?;
        pool.recycle(w.image);
        // The body stage may have stopped already; then nobody needs the position.
        let _ = done.send(bar.latest());
    }
    Ok(BarStage { bar, camera, bar_time, camera_time })
}

/// How much the lifter's landmark box is grown on each side before it is masked out of the
/// background: the body reaches past its landmarks (the glutes behind the hip point, a
/// blurred head), and on a plain wall the dense fit follows whatever of it is left (a fifth
/// left a hip sticking out on renders; the camera was read to slide 40 px).
const LIFTER_MARGIN: f64 = 0.35;

/// Regions that move on their own and must not be taken for the background: the lifter
/// (landmark box grown by `LIFTER_MARGIN`) and every plate being followed.
fn moving_regions(pose: Option<&PoseFrame>, bar: &BarTracker) -> Vec<opencv::core::Rect> {
    let mut out = Vec::new();
    if let Some(p) = pose {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for l in &p.points {
            (x0, y0, x1, y1) = (x0.min(l.x), y0.min(l.y), x1.max(l.x), y1.max(l.y));
        }
        let (gx, gy) = (LIFTER_MARGIN * (x1 - x0) + 20.0, LIFTER_MARGIN * (y1 - y0) + 20.0);
        out.push(rect(x0 - gx, y0 - gy, x1 + gx, y1 + gy));
    }
    for e in bar.followed_plates() {
        let r = 1.3 * e.major();
        out.push(rect(e.cx - r, e.cy - r, e.cx + r, e.cy + r));
    }
    out
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> opencv::core::Rect {
    opencv::core::Rect::new(x0 as i32, y0 as i32, (x1 - x0).max(1.0) as i32, (y1 - y0).max(1.0) as i32)
}

fn hands_of(pose: &PoseFrame) -> Hands {
    let p = &pose.points;
    let mid = |a: usize, b: usize| ((p[a].x + p[b].x) / 2.0, (p[a].y + p[b].y) / 2.0);
    let (s, h) = (mid(11, 12), mid(23, 24));
    // Continuous landmark coordinates to the bar track's pixel-centre convention.
    Hands {
        left: (p[15].x - 0.5, p[15].y - 0.5),
        right: (p[16].x - 0.5, p[16].y - 0.5),
        trunk_px: (s.0 - h.0).hypot(s.1 - h.1),
    }
}

fn check_hint(options: &AnalyzeOptions, meta: &VideoMeta) -> Result<()> {
    if let Some((x, y)) = options.bar_hint {
        if x < 0.0 || y < 0.0 || x >= meta.width as f64 || y >= meta.height as f64 {
            return Err(Error::BarHintOutside { x, y, width: meta.width, height: meta.height });
        }
    }
    Ok(())
}

fn check_length(path: &Path, meta: &VideoMeta, decoded: usize) -> Result<()> {
    if video::looks_truncated(meta, decoded) {
        return Err(Error::Truncated { path: path.to_path_buf(), decoded, expected: meta.reported_frames });
    }
    let seconds = decoded as f64 / meta.fps;
    if seconds < MIN_SECONDS {
        return Err(Error::TooShort { path: path.to_path_buf(), frames: decoded, seconds });
    }
    Ok(())
}

fn to_gray(bgr: &Mat, gray: &mut Mat) -> Result<()> {
    let code = match bgr.channels() {
        1 => return bgr.copy_to(gray).map_err(Error::opencv("copying a grey frame")),
        4 => imgproc::COLOR_BGRA2GRAY,
        _ => imgproc::COLOR_BGR2GRAY,
    };
    imgproc::cvt_color(bgr, gray, code, 0).map_err(Error::opencv("converting a frame to grey"))
}

/// Turns tracks into the result: calibration, reps, per-rep metrics, fault labels and the
/// notes that say what could not be measured.
pub fn build_analysis(tracks: &Tracks, path: &Path, sha256: String, options: &AnalyzeOptions) -> Analysis {
    let fps = tracks.meta.fps;
    let mut notes = Vec::new();
    let mut view = view_verdict(tracks);
    let mut calibration = calibrate(&tracks.bar, options);
    if view.kind == ViewKind::Side {
        notes.extend(take_partly_seen_rim(tracks, options, &mut calibration));
    }
    let steady = Steadied::new(tracks);
    let split = split_reps(tracks, &steady, &calibration, &mut notes);
    refuse_bar_above_shoulders(tracks, &steady.body_points, &mut view);
    note_camera_motion(tracks, &mut notes);
    let place = place_lifter(tracks, &steady, &split, &view, options.plate_cm, &mut calibration, &mut notes);
    let kin = kinematics(tracks, &steady, &place.to_lifter);
    let x_cm: Vec<Option<f64>> = steady.bar_px.iter().map(|b| b.map(|b| b.0 * calibration.cm_per_px)).collect();
    let facing = tracks.facing();
    let (mut reps, body_metrics, reference) = measure_reps(&split, &kin, &x_cm, fps, facing, tracks.body.is_some());
    let judged = Judged {
        fps,
        has_body: tracks.body.is_some(),
        body_points: &steady.body_points,
        view: &view,
        cm_trusted: calibration.cm_trusted(),
        place: &place,
        kin: &kin,
        split: &split,
    };
    judge_reps(&judged, &body_metrics, &reference, &options.thresholds, &mut reps, &mut notes);
    note_missing(&reps, tracks.body.is_some(), &mut notes);
    if !place.side_quantities_seen {
        withhold_side_view_quantities(&mut reps, &mut notes);
    }
    Analysis {
        schema: ANALYSIS_SCHEMA.into(),
        tool_version: crate::VERSION.into(),
        body_model: tracks.body.as_ref().and(options.body),
        video: video_info(tracks, path, sha256),
        calibration,
        facing,
        near_side: tracks.body.as_ref().map(|b| format!("{:?}", b.near).to_lowercase()),
        view,
        midfoot_x_px: place.midfoot.as_ref().map(|m| m.x_px),
        midfoot_source: place.midfoot.as_ref().map(|m| m.source),
        frames: output_frames(tracks, &steady.body_points),
        summary: summarize(&reps, notes),
        reps,
    }
}

fn summarize(reps: &[Rep], notes: Vec<String>) -> Summary {
    Summary {
        rep_count: reps.len(),
        faults_by_rep: reps.iter().map(|r| r.faults.iter().map(|f| f.id.clone()).collect()).collect(),
        notes,
        fix_first: faults::set::fix_first(reps),
        velocity_loss_last_pct: (reps.len() >= 2).then(|| reps.last().map(|r| r.velocity_loss_pct)).flatten(),
    }
}

/// The tracks as measured: positions in the first frame's coordinates, so camera shake and
/// drift do not count as bar or body motion. The per-frame output keeps the recorded points
/// (`body_points`).
struct Steadied {
    bar_px: Vec<Option<(f64, f64)>>,
    body_points: Vec<Option<Body>>,
    body: Vec<Option<Body>>,
}

impl Steadied {
    fn new(tracks: &Tracks) -> Self {
        let steady = |i: usize, x: f64, y: f64| tracks.camera.steady(i, x, y);
        let bar_px =
            tracks.bar.obs.iter().enumerate().map(|(i, o)| o.map(|o| steady(i, o.ellipse.cx, o.ellipse.cy))).collect();
        let body_points = match &tracks.body {
            Some(b) => b.points.clone(),
            None => vec![None; tracks.frame_count],
        };
        let body = body_points
            .iter()
            .enumerate()
            .map(|(i, b): (usize, &Option<Body>)| b.map(|b| steady_points(&b, |x, y| steady(i, x, y))))
            .collect();
        Steadied { bar_px, body_points, body }
    }

    /// A series of recorded image points, steadied.
    fn points(tracks: &Tracks, points: Vec<Option<(f64, f64)>>) -> Vec<Option<(f64, f64)>> {
        points.into_iter().enumerate().map(|(i, p)| p.map(|(x, y)| tracks.camera.steady(i, x, y))).collect()
    }
}

/// The reps from the bar's height, with the notes on what could not be counted.
fn split_reps(
    tracks: &Tracks,
    steady: &Steadied,
    calibration: &Calibration,
    notes: &mut Vec<String>,
) -> reps::RepSplit {
    let (height_px, cm) = (tracks.meta.height as f64, calibration.cm_per_px);
    let height_cm: Vec<Option<f64>> = steady.bar_px.iter().map(|b| b.map(|b| (height_px - b.1) * cm)).collect();
    let split = reps::split_reps(&height_cm, tracks.meta.fps);
    note_partials(&split.partial, tracks.meta.fps, notes);
    if tracks.bar.travel_diameters < 0.25 {
        notes.push("The bar hardly moves in this video: no rep to measure.".into());
    }
    note_aspect(calibration, notes);
    split
}

fn refuse_bar_above_shoulders(tracks: &Tracks, body_points: &[Option<Body>], view: &mut View) {
    if let Some(share) =
        bar_above_shoulders(&tracks.bar, body_points).filter(|s| view.usable && *s > MAX_ABOVE_SHOULDERS)
    {
        view.usable = false;
        view.reason = Some(format!(
            "the round thing followed as the plate is above the lifter's shoulders in {:.0}% of the frames, where a deadlift bar never is: it is something else (the head, a plate on the wall), so the bar numbers are not the bar's. Give the near plate's centre with --bar-at X,Y",
            100.0 * share
        ));
    }
}

fn note_camera_motion(tracks: &Tracks, notes: &mut Vec<String>) {
    if tracks.camera.moved() {
        notes.push(format!(
            "The camera moved during the set (up to {:.0} px); measurements are corrected for it using the background.",
            tracks.camera.largest_shift()
        ));
    }
}

/// Where the lifter stands in the picture: mid-foot, the image-to-lifter mapping, and
/// whether side-view quantities are seen at all.
struct Placement {
    midfoot: Option<metrics::midfoot::Midfoot>,
    to_lifter: Frame2Lifter,
    side_quantities_seen: bool,
}

/// Mid-foot and the lifter's frame; also settles whether the scale is trusted (the lifter's
/// height on it), with the notes on both.
fn place_lifter(
    tracks: &Tracks,
    steady: &Steadied,
    split: &reps::RepSplit,
    view: &View,
    plate_cm: f64,
    calibration: &mut Calibration,
    notes: &mut Vec<String>,
) -> Placement {
    let cm = calibration.cm_per_px;
    let facing = tracks.facing();
    let first_setup_bar = split.reps.first().and_then(|r| setup_bar(&steady.bar_px, r));
    let midfoot = metrics::midfoot::locate(tracks.body.as_ref().and_then(|b| b.foot), first_setup_bar.map(|b| b.0), cm);
    // From the front or at an angle drift is left out, and so is what mid-foot is.
    let side_quantities_seen = !matches!(view.kind, ViewKind::Front | ViewKind::Oblique);
    if let Some(n) = midfoot.as_ref().and_then(|m| m.note.clone()).filter(|_| side_quantities_seen) {
        notes.push(n);
    }
    let stature = stature_cm(tracks, cm);
    if let Some(n) = stature.and_then(|s| scale_note(s, plate_cm)) {
        notes.push(n);
    }
    calibration.trusted = stature.map(|s| TRUSTED_STATURE_CM.contains(&s));
    let to_lifter = Frame2Lifter {
        cm_per_px: cm,
        forward: facing.map_or(1.0, Facing::sign),
        origin_x_px: midfoot.as_ref().map(|m| m.x_px).or(first_setup_bar.map(|b| b.0)).unwrap_or(0.0),
        origin_y_px: first_setup_bar.map(|b| b.1).unwrap_or(tracks.meta.height as f64),
    };
    Placement { midfoot, to_lifter, side_quantities_seen }
}

fn kinematics(tracks: &Tracks, steady: &Steadied, to_lifter: &Frame2Lifter) -> Kinematics {
    let facing = tracks.facing();
    let kin = Kinematics::new(tracks.meta.fps, to_lifter, &steady.bar_px, &steady.body)
        .with_back(back_offsets(tracks, facing));
    let Some(body) = &tracks.body else { return kin };
    let hips = Steadied::points(tracks, body.hip_midpoints());
    let shoulders = Steadied::points(tracks, body.shoulder_midpoints());
    kin.with_hip_motion(to_lifter, &hips).with_trunk_midline(to_lifter, &shoulders, &hips)
}

/// What the labels are judged from, besides the reps' own numbers.
struct Judged<'a> {
    fps: f64,
    has_body: bool,
    /// The recorded points, for how well the body was seen in each rep.
    body_points: &'a [Option<Body>],
    view: &'a View,
    cm_trusted: bool,
    place: &'a Placement,
    kin: &'a Kinematics,
    split: &'a reps::RepSplit,
}

/// Labels the reps when the view allows it (or says why not), with the set-level notes.
fn judge_reps(
    judged: &Judged,
    body_metrics: &[BodyRepMetrics],
    reference: &SetReference,
    thresholds: &Thresholds,
    reps: &mut [Rep],
    notes: &mut Vec<String>,
) {
    if judged.view.usable && judged.has_body {
        let ctx = LabelContext {
            fps: judged.fps,
            midfoot_source: judged.place.midfoot.as_ref().map(|m| m.source),
            standing_lean_deg: standing_lean(judged.kin, judged.split.reps.first()),
            neutral_read_before_moving: reference.neutral_read_before_moving,
            body: judged.body_points,
            cm_trusted: judged.cm_trusted,
        };
        label_reps(reps, body_metrics, &judged.split.reps, &ctx, thresholds);
        note_filmed_set_up(judged.kin, reps, notes);
        note_not_judged(reps, notes);
        if ctx.cm_trusted {
            note_unbelievable_drift(reps, body_metrics, notes);
        }
    } else if !reps.is_empty() {
        notes.push(format!(
            "No fault is judged: {}",
            judged.view.reason.clone().unwrap_or_else(|| "the view is not usable".into())
        ));
    }
    if let Some(n) = faults::set::velocity_note(reps, thresholds) {
        notes.push(n);
    }
}

fn video_info(tracks: &Tracks, path: &Path, sha256: String) -> VideoInfo {
    let meta = &tracks.meta;
    VideoInfo {
        path: path.display().to_string(),
        sha256,
        width: meta.width,
        height: meta.height,
        fps: meta.fps,
        frame_count: tracks.frame_count,
        duration_s: tracks.frame_count as f64 / meta.fps,
    }
}

/// Every frame's points as recorded (they sit on the video), with the camera's motion when it
/// moved so that pictures of the measurements can steady them (`Frame::to_first_frame`).
fn output_frames(tracks: &Tracks, body_points: &[Option<Body>]) -> Vec<Frame> {
    let moved = tracks.camera.moved();
    (0..tracks.frame_count)
        .map(|i| Frame {
            i,
            t_s: i as f64 / tracks.meta.fps,
            bar: tracks.bar.obs.get(i).copied().flatten().map(|o| BarPoint {
                x_px: o.ellipse.cx,
                y_px: o.ellipse.cy,
                conf: o.conf,
            }),
            body: body_points.get(i).copied().flatten(),
            to_first_frame: moved.then(|| {
                let s = tracks.camera.to_first.get(i).copied().unwrap_or(Similarity::IDENTITY);
                [s.a, s.b, s.tx, s.ty]
            }),
        })
        .collect()
}

/// A body's points moved through `f` (confidences kept).
fn steady_points(b: &Body, f: impl Fn(f64, f64) -> (f64, f64)) -> Body {
    let m = |p: [f64; 3]| {
        let (x, y) = f(p[0], p[1]);
        [x, y, p[2]]
    };
    Body {
        shoulder: m(b.shoulder),
        hip: m(b.hip),
        knee: m(b.knee),
        ankle: m(b.ankle),
        heel: m(b.heel),
        toe: m(b.toe),
        ear: m(b.ear),
        wrist: m(b.wrist),
    }
}

fn view_verdict(tracks: &Tracks) -> View {
    match &tracks.body {
        Some(b) => view::classify(view::ViewEvidence {
            body_spread: view::body_spread(&b.raw.frames),
            plate_roundness: Some(tracks.bar.plate_aspect),
        }),
        None => View {
            kind: ViewKind::Unknown,
            usable: false,
            reason: Some("body tracking was switched off (--bar-only): the camera angle is not checked".into()),
        },
    }
}

/// A deadlift bar stays below the shoulders (it hangs from the arms). A "plate" above them
/// in most frames is something else: in a very dark clip, whose rims are lost in the
/// floor, the tracker can lock onto the lifter's head. Real side clips stay below 0.4.
const MAX_ABOVE_SHOULDERS: f64 = 0.6;

/// The share of frames, among those with the bar and a confident shoulder, where the bar's
/// centre is above the shoulder; `None` with too few such frames.
fn bar_above_shoulders(bar: &BarTrack, body: &[Option<Body>]) -> Option<f64> {
    let above: Vec<bool> = bar
        .obs
        .iter()
        .zip(body)
        .filter_map(|(o, b)| {
            let (o, b) = (o.as_ref()?, b.as_ref()?);
            (b.shoulder[2] > 0.5).then_some(o.ellipse.cy < b.shoulder[1])
        })
        .collect();
    (above.len() >= 10).then(|| above.iter().filter(|a| **a).count() as f64 / above.len() as f64)
}

/// How far the back stands out of the shoulder–hip line per frame, from the person mask.
fn back_offsets(tracks: &Tracks, facing: Option<Facing>) -> Vec<Option<f64>> {
    let (Some(body), Some(facing)) = (tracks.body.as_ref(), facing) else { return Vec::new() };
    let right = facing == Facing::Right;
    body.raw.frames.iter().map(|f| f.as_ref()?.outline?.back_offset(right)).collect()
}

/// The bar's image position at a rep's setup: the last frame with the bar seen before lift-off.
fn setup_bar(bar_px: &[Option<(f64, f64)>], rep: &RepFrames) -> Option<(f64, f64)> {
    (rep.start..rep.liftoff).rev().find_map(|i| bar_px.get(i).copied().flatten())
}

fn measure_reps(
    split: &reps::RepSplit,
    kin: &Kinematics,
    x_cm: &[Option<f64>],
    fps: f64,
    facing: Option<Facing>,
    has_body: bool,
) -> (Vec<Rep>, Vec<BodyRepMetrics>, SetReference) {
    let bar_metrics: Vec<_> = split
        .reps
        .iter()
        .map(|r| metrics::bar::measure(r, &split.height, x_cm, fps, facing.map(Facing::sign)))
        .collect();
    let losses = metrics::bar::velocity_loss_pct(&bar_metrics.iter().map(|m| m.mean_velocity_m_s).collect::<Vec<_>>());
    let setups: Vec<metrics::body::Setup> = split.reps.iter().map(|r| metrics::body::read_setup(kin, r)).collect();
    let reference = SetReference {
        neutral_chord_cm: metrics::body::neutral_chord(kin, &split.reps, &setups),
        neutral_back: metrics::body::neutral_back(kin, &split.reps, &setups),
        leg_cm: metrics::body::straight_leg_cm(kin),
        neutral_read_before_moving: metrics::body::neutral_read_before_moving(kin, &split.reps, &setups),
    };
    let t = |i: usize| i as f64 / fps;
    let r2 = |v: Option<f64>| v.map(|v| (v * 100.0).round() / 100.0);
    let (reps, body) = split
        .reps
        .iter()
        .zip(&bar_metrics)
        .zip(&losses)
        .enumerate()
        .map(|(k, ((r, m), loss))| {
            let lowering = metrics::bar::lowering_start(&split.height, r);
            let b = if has_body {
                metrics::body::measure(kin, r, &setups[k], &reference, lowering)
            } else {
                BodyRepMetrics::default()
            };
            let previous = k.checked_sub(1).map(|p| &split.reps[p]);
            let rep = Rep {
                index: k + 1,
                start_s: t(r.start),
                liftoff_s: t(r.liftoff),
                knee_pass_s: b.knee_pass_frame.map(t),
                lockout_s: t(r.lockout),
                end_s: t(r.end),
                rom_cm: m.rom_cm,
                mean_velocity_m_s: m.mean_velocity_m_s,
                peak_velocity_m_s: m.peak_velocity_m_s,
                time_to_lockout_s: m.time_to_lockout_s,
                velocity_loss_pct: *loss,
                bar_start_offset_cm: r2(b.bar_start_offset_cm),
                bar_drift_max_cm: r2(b.bar_drift_max_cm),
                bar_drift_max_at: b.bar_drift_max_at,
                hip_rise_before_bar_ms: r2(b.hip_rise_before_bar_ms),
                hip_rise_before_bar_cm: r2(b.hip_rise_before_bar_cm),
                hip_to_shoulder_rise_ratio: r2(b.hip_to_shoulder_rise_ratio),
                setup: Setup {
                    hip_height_ratio: r2(b.setup_hip_height_ratio),
                    knee_angle_deg: r2(b.setup_knee_angle_deg),
                    trunk_angle_deg: r2(b.setup_trunk_angle_deg),
                },
                trunk_chord_change_pct: r2(b.trunk_chord_change_pct),
                back_bulge_pct: r2(b.back_bulge_pct),
                lockout_trunk_lean_back_deg: r2(b.lockout_trunk_lean_back_deg),
                liftoff_accel_ratio: r2(b.liftoff_accel_ratio),
                hold_before_liftoff_ms: r2(b.hold_before_liftoff_ms),
                faults: Vec::new(),
                liftoff_frame: r.liftoff,
                lockout_frame: r.lockout,
                knee_pass_frame: b.knee_pass_frame,
                setup_frame: Some(setup_or_before_liftoff(b.setup_frame, r.liftoff)),
                bar_drift_from_start_cm: r2(m.drift_from_start_cm),
                floor_rebound: Some(metrics::bar::floor_rebound(&split.height, r, previous, fps)),
                hands_rise_ratio: r2(b.hands_rise_ratio.filter(|r| r.is_finite())),
                not_judged: None,
            };
            (rep, b)
        })
        .unzip();
    (reps, body, reference)
}

struct LabelContext<'a> {
    fps: f64,
    midfoot_source: Option<MidfootSource>,
    standing_lean_deg: Option<f64>,
    neutral_read_before_moving: bool,
    body: &'a [Option<Body>],
    cm_trusted: bool,
}

fn label_reps(
    reps: &mut [Rep],
    metrics: &[BodyRepMetrics],
    frames: &[RepFrames],
    ctx: &LabelContext,
    thresholds: &Thresholds,
) {
    for ((rep, m), rf) in reps.iter_mut().zip(metrics).zip(frames) {
        let rc = RepContext {
            index: rep.index,
            fps: ctx.fps,
            liftoff_frame: rep.liftoff_frame,
            lockout_frame: rep.lockout_frame,
            floor_rebound: rep.floor_rebound.unwrap_or(false),
            body_quality: body_quality(ctx.body, rf),
            midfoot_source: ctx.midfoot_source,
            standing_lean_deg: ctx.standing_lean_deg,
            neutral_read_before_moving: ctx.neutral_read_before_moving,
            cm_trusted: ctx.cm_trusted,
        };
        rep.faults = faults::rules::label(m, &rc, thresholds);
        rep.not_judged = faults::rules::why_not_judged(m);
    }
}

/// How well the body was seen during a rep: mean visibility of shoulder and hip from setup
/// to lockout, times the share of frames it was found at all.
fn body_quality(body: &[Option<Body>], rep: &RepFrames) -> f64 {
    let vis: Vec<f64> = (rep.start..=rep.lockout)
        .filter_map(|i| body.get(i).copied().flatten())
        .map(|b| b.shoulder[2].min(b.hip[2]))
        .collect();
    if vis.is_empty() {
        return 0.0;
    }
    let found = vis.len() as f64 / (rep.lockout + 1 - rep.start) as f64;
    vis.iter().sum::<f64>() / vis.len() as f64 * found
}

/// The lifter's own lean when standing tall before the first rep (degrees), when the video
/// shows them standing: a baseline for judging the lockout.
fn standing_lean(kin: &Kinematics, first: Option<&RepFrames>) -> Option<f64> {
    let first = first?;
    let mut leans: Vec<f64> = (0..first.liftoff)
        .filter(|&i| kin.knee_angle(i).is_some_and(|k| k > metrics::kinematics::STRAIGHT_KNEE_DEG))
        .filter(|&i| kin.trunk_angle(i).is_some_and(|a| a > 70.0))
        .filter_map(|i| kin.lean_back(i))
        .collect();
    if leans.len() < (0.3 * kin.fps) as usize {
        return None;
    }
    crate::signal::median(&mut leans)
}

/// Horizontal distances and angles in the lifter's plane. From the front or at an angle the
/// camera sees them foreshortened or not at all, so a number would look like a measurement
/// and not be one: they are left out rather than shown. Heights, timing and speed stay.
fn withhold_side_view_quantities(reps: &mut [Rep], notes: &mut Vec<String>) {
    if reps.is_empty() {
        return;
    }
    reps.iter_mut().for_each(withhold_from_rep);
    notes.push(
        "Bar drift, the trunk and knee angles, the trunk chord and the lockout lean are left out (null): only a side view measures them.".into(),
    );
}

fn withhold_from_rep(rep: &mut Rep) {
    rep.bar_start_offset_cm = None;
    rep.bar_drift_max_cm = None;
    rep.bar_drift_max_at = None;
    rep.bar_drift_from_start_cm = None;
    rep.setup.knee_angle_deg = None;
    rep.setup.trunk_angle_deg = None;
    rep.trunk_chord_change_pct = None;
    rep.back_bulge_pct = None;
    rep.lockout_trunk_lean_back_deg = None;
}

/// Says plainly which quantities could not be measured (they are null in the result).
fn note_missing(reps: &[Rep], has_body: bool, notes: &mut Vec<String>) {
    if reps.is_empty() || !has_body {
        return;
    }
    type IsMissing = fn(&Rep) -> bool;
    let checks: [(&str, IsMissing); 4] = [
        ("setup hip height", |r| r.setup.hip_height_ratio.is_none()),
        ("trunk chord", |r| r.trunk_chord_change_pct.is_none()),
        ("lockout lean", |r| r.lockout_trunk_lean_back_deg.is_none()),
        ("knee pass", |r| r.knee_pass_frame.is_none()),
    ];
    for (what, missing) in checks {
        let reps: Vec<String> = reps.iter().filter(|r| missing(r)).map(|r| r.index.to_string()).collect();
        if !reps.is_empty() {
            notes.push(format!(
                "Not measured ({what}) in rep {}: the body points it needs were not seen.",
                reps.join(", ")
            ));
        }
    }
}

/// The lifter's stature as the plate's scale makes it: standing ear-to-ankle height is about
/// 0.89 of stature. A plate that is not the size assumed, or a plate misread, shows up as an
/// impossible stature.
fn stature_cm(tracks: &Tracks, cm_per_px: f64) -> Option<f64> {
    let body = tracks.body.as_ref()?;
    let heights: Vec<f64> =
        body.points.iter().flatten().filter(|b| b.ear[2] > 0.5).map(|b| (b.ankle[1] - b.ear[1]) * cm_per_px).collect();
    Some(crate::signal::quantile(&heights, 0.9)? / 0.89)
}

/// Adults are about this tall: outside it, the scale deserves a second look.
const PLAUSIBLE_STATURE_CM: std::ops::RangeInclusive<f64> = 140.0..=210.0;

/// Outside this the scale is off by half or more: a reading far above it means the plate was
/// read too small (or the plates are small), which inflates every centimetre.
const TRUSTED_STATURE_CM: std::ops::RangeInclusive<f64> = 90.0..=265.0;

/// A typical adult's stature, only to say in words how short the body reads when the near
/// plate's perspective shrinks it (`scale_note`); nothing is measured with it.
const TYPICAL_STATURE_CM: f64 = 175.0;

/// What the lifter should know about the plate's scale, if anything. Most real side clips read
/// the lifter 106-143 cm tall (docs/realclips.md, "The plate's scale and the body"): the
/// followed plate face is 50-60 cm nearer the camera than the lifter's near side, so with the
/// camera 1.7-2.8 m from the plate (three clips measured) it looks a fifth to a third larger
/// than a plate beside the body would. That is perspective, not a wrong plate, and it
/// shortens only what is measured on the body.
fn scale_note(stature: f64, plate_cm: f64) -> Option<String> {
    if !TRUSTED_STATURE_CM.contains(&stature) {
        return Some(format!(
            "The scale is broken: with the plate taken as {plate_cm:.0} cm across, the lifter would be about {stature:.0} cm tall. Centimetre numbers from this video are not trustworthy, so bar drift and the hip rise in cm are not judged. Keep the whole near plate in the frame; if the plates are not standard 45 cm bumpers, give their size with --plate-cm."
        ));
    }
    if stature < *PLAUSIBLE_STATURE_CM.start() {
        let short = 100.0 * (1.0 - stature / TYPICAL_STATURE_CM);
        return Some(format!(
            "On the plate's scale you read about {stature:.0} cm tall: the near plate is closer to the camera than your body, so it looks larger than your body beside it (or your head or feet left the frame). The bar's travel is measured in the plate's own plane; distances on your body (the hip rise and dip in cm) read short, about {short:.0}% if you are {TYPICAL_STATURE_CM:.0} cm tall, so faults judged on them are flagged less readily. Film from 3-4 m away to shrink this; if the plates are not standard 45 cm bumpers, give their size with --plate-cm."
        ));
    }
    (stature > *PLAUSIBLE_STATURE_CM.end()).then(|| {
        format!(
            "Check the scale: with the plate taken as {plate_cm:.0} cm across, the lifter would be about {stature:.0} cm tall. If the plates are not standard 45 cm bumpers, give their size with --plate-cm."
        )
    })
}

/// Says so when the first rep's setup was read before the lifter had moved at all (the video
/// opens on the lifter already set up). Until the lifter moves, the body tracker works from the
/// person detector's first crop, which on a bent-over body has put the hip 4-20 cm off on the
/// renders (suite seeds 2 and 31 read rep 1's trunk 13-14 degrees steep); the points settle
/// once the lifter moves. The numbers stay, with the warning and the way to avoid it.
fn note_filmed_set_up(kin: &Kinematics, reps: &[Rep], notes: &mut Vec<String>) {
    let Some(first) = reps.first() else { return };
    if metrics::body::read_before_moving(kin, first.setup_frame_or_before_liftoff()) {
        notes.push(format!(
            "The video starts with you already set up, so rep {}'s setup (hip height, trunk and knee angles) was read before the body points had settled and is less certain than the other reps'. Start filming a few seconds before you step up to the bar.",
            first.index
        ));
    }
}

/// Names the reps that were not judged, and why, in one note.
fn note_not_judged(reps: &[Rep], notes: &mut Vec<String>) {
    let unjudged: Vec<(usize, &str)> = reps.iter().filter_map(|r| Some((r.index, r.not_judged.as_deref()?))).collect();
    let which = match unjudged.as_slice() {
        [] => return,
        [(index, why)] => format!("Rep {index} is not judged: {why}"),
        many => format!(
            "Reps {} are not judged: {}",
            many.iter().map(|(i, _)| i.to_string()).collect::<Vec<_>>().join(", "),
            many.iter().map(|(i, why)| format!("rep {i}, {why}")).collect::<Vec<_>>().join("; ")
        ),
    };
    notes.push(format!(
        "{which}. A held bar cannot do that: formcheck followed something else there (another round thing, the floor), or lost your body. Check the bar path plot; if the plate was missed, give its centre with --bar-at X,Y."
    ));
}

/// Says which reps had a bar drift no deadlift can have, so their drift is not judged.
fn note_unbelievable_drift(reps: &[Rep], metrics: &[BodyRepMetrics], notes: &mut Vec<String>) {
    let bad: Vec<String> = reps
        .iter()
        .zip(metrics)
        .filter(|(_, m)| faults::rules::drift_unbelievable(m))
        .map(|(r, _)| r.index.to_string())
        .collect();
    if !bad.is_empty() {
        notes.push(format!(
            "Bar drift is not judged in rep {}: the bar seemed to be more than {:.0} cm in front of the feet, which no deadlift does, so the bar track lost the plate there (is the plate partly out of the frame?).",
            bad.join(", "),
            faults::rules::MAX_BELIEVABLE_DRIFT_CM
        ));
    }
}

/// When the followed rim makes the lifter far too tall, the plate was read by an inner ring
/// (its edge hidden against a dark floor and behind the shins); the partly seen rim outside it
/// (`BarTrack::partly_seen_diameter_px`) replaces it when that puts the lifter's height in the
/// plausible range (`partly_seen_rim_fits_better`); `build_analysis` asks only on a side view,
/// where the followed plate faces the camera. The lifter's height is the independent check
/// that decides between the two rims; a wrong rim that fits neither stays as it was,
/// untrusted. Returns the note to show.
fn take_partly_seen_rim(tracks: &Tracks, options: &AnalyzeOptions, calibration: &mut Calibration) -> Option<String> {
    let followed = stature_cm(tracks, calibration.cm_per_px)?;
    let wider = tracks.bar.partly_seen_diameter_px?;
    let cm_per_px = options.plate_cm / wider;
    let stature = stature_cm(tracks, cm_per_px)?;
    if !partly_seen_rim_fits_better(followed, stature) {
        return None;
    }
    let ring = tracks.bar.plate_diameter_px;
    calibration.cm_per_px = cm_per_px;
    calibration.plate_diameter_px = Some(wider);
    Some(format!(
        "The plate's edge was only partly visible: the ring first taken for it ({ring:.0} px across) would make you about {followed:.0} cm tall, so the scale comes from the edge outside it ({wider:.0} px, about {stature:.0} cm tall). A plate that stands out from the floor all round gives a surer scale."
    ))
}

/// Whether the lifter's heights on the two rims' scales say the partly seen one is the plate:
/// only when the followed one is broken (too tall to trust) and the partly seen one makes an
/// adult's height. Merely trusted is not enough: on bichraix_good018 the followed "plate" is a
/// curve at the shins, and the rim outside it read the lifter 224 cm tall.
fn partly_seen_rim_fits_better(followed_stature_cm: f64, partly_seen_stature_cm: f64) -> bool {
    followed_stature_cm > *TRUSTED_STATURE_CM.end() && PLAUSIBLE_STATURE_CM.contains(&partly_seen_stature_cm)
}

fn calibrate(bar: &BarTrack, options: &AnalyzeOptions) -> Calibration {
    Calibration {
        cm_per_px: options.plate_cm / bar.plate_diameter_px,
        source: if options.plate_cm_given { CalibrationSource::User } else { CalibrationSource::Plate },
        plate_diameter_cm: options.plate_cm,
        plate_diameter_px: Some(bar.plate_diameter_px),
        plate_aspect: Some(bar.plate_aspect),
        trusted: None,
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
    let stem = video.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "video".into());
    out_dir.join(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partly_seen_rim_replaces_only_a_broken_scale() {
        // Fault-suite seed 18: the painted ring made the lifter 285 cm, the edge 176 cm.
        assert!(partly_seen_rim_fits_better(285.0, 176.0));
        // A followed rim that gives a trusted height is kept, however the other one reads.
        assert!(!partly_seen_rim_fits_better(180.0, 120.0));
        assert!(!partly_seen_rim_fits_better(100.0, 180.0));
        // Both broken: nothing to choose, the scale stays untrusted.
        assert!(!partly_seen_rim_fits_better(400.0, 280.0));
        // A partly seen rim that is merely trusted, not an adult's height (bichraix_good018,
        // whose followed circle is at the shins): the broken scale stays, and says so.
        assert!(!partly_seen_rim_fits_better(266.0, 224.0));
    }

    #[test]
    fn a_lifter_read_short_is_told_it_is_the_near_plates_perspective() {
        let note = scale_note(129.0, 45.0).expect("a note below 140 cm");
        assert!(note.starts_with("On the plate's scale you read about 129 cm tall"), "{note}");
        assert!(note.contains("about 26% if you are 175 cm tall"), "{note}");
        assert!(!note.contains("broken"), "{note}");
    }

    #[test]
    fn the_scale_is_questioned_only_outside_an_adults_height() {
        assert_eq!(scale_note(150.0, 45.0), None);
        assert_eq!(scale_note(205.0, 45.0), None);
        assert!(scale_note(230.0, 45.0).is_some_and(|n| n.starts_with("Check the scale")));
        assert!(scale_note(304.0, 45.0).is_some_and(|n| n.starts_with("The scale is broken")));
        assert!(scale_note(80.0, 45.0).is_some_and(|n| n.starts_with("The scale is broken")));
    }

    fn rep(index: usize) -> Rep {
        serde_json::from_value(serde_json::json!({
            "index": index, "start_s": 0.0, "liftoff_s": 0.4, "lockout_s": 1.4, "end_s": 1.5,
            "rom_cm": 58.0, "mean_velocity_m_s": 0.6, "peak_velocity_m_s": 1.0,
            "time_to_lockout_s": 1.0, "velocity_loss_pct": 0.0,
            "bar_start_offset_cm": -0.05, "bar_drift_max_cm": 9.7, "bar_drift_max_at": "above_knee",
            "bar_drift_from_start_cm": 9.7, "hip_rise_before_bar_ms": 0.0, "hip_rise_before_bar_cm": 0.3,
            "setup": {"hip_height_ratio": 0.39, "knee_angle_deg": 98.6, "trunk_angle_deg": 77.2},
            "trunk_chord_change_pct": 4.9, "back_bulge_pct": 2.0, "lockout_trunk_lean_back_deg": 26.4,
            "faults": [], "liftoff_frame": 12, "lockout_frame": 41
        }))
        .unwrap()
    }

    /// A video that opens on the lifter set up says rep 1's setup is less certain; one that
    /// shows the lifter walking in or bending down first does not, nor does one without reps.
    #[test]
    fn a_video_that_opens_set_up_says_rep_1_setup_is_less_certain() {
        use metrics::kinematics::P;
        let hips = |moved_cm: f64| Kinematics {
            fps: 30.0,
            hip: (0..30)
                .map(|i| Some(P { x: if i < 5 { moved_cm } else { 0.0 }, y: 55.0 + 0.3 * (i % 2) as f64 }))
                .collect(),
            ..Default::default()
        };
        let set_at_20 = Rep { setup_frame: Some(20), ..rep(1) };
        let note = |k: &Kinematics, reps: &[Rep]| {
            let mut notes = Vec::new();
            note_filmed_set_up(k, reps, &mut notes);
            notes
        };
        let opened_set_up = note(&hips(0.0), std::slice::from_ref(&set_at_20));
        assert_eq!(opened_set_up.len(), 1);
        assert!(opened_set_up[0].contains("rep 1's setup") && opened_set_up[0].contains("Start filming"));
        assert!(note(&hips(40.0), &[set_at_20]).is_empty(), "the hips moved 40 cm before the setup");
        assert!(note(&hips(0.0), &[]).is_empty());
    }

    /// A rep whose hands left the bar says why, and the note names every such rep.
    #[test]
    fn reps_whose_hands_left_the_bar_are_named_with_how() {
        let why = |ratio: Option<f64>| {
            faults::rules::why_not_judged(&BodyRepMetrics { hands_rise_ratio: ratio, ..Default::default() })
        };
        for held in [Some(1.0), None, Some(0.9), Some(2.5)] {
            assert_eq!(why(held), None, "{held:?}");
        }
        let reps: Vec<Rep> = [Some(-1.4), Some(1.0), Some(8.3), Some(f64::INFINITY), Some(0.05)]
            .into_iter()
            .enumerate()
            .map(|(k, ratio)| Rep { not_judged: why(ratio), ..rep(k + 1) })
            .collect();
        let mut notes = Vec::new();
        note_not_judged(&reps[4..], &mut notes);
        assert!(
            notes[0].starts_with("Rep 5 is not judged") && notes[0].contains("(they rose only 5.0% as far)"),
            "{notes:?}"
        );
        let mut notes = Vec::new();
        note_not_judged(&reps, &mut notes);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].starts_with("Reps 1, 3, 4, 5 are not judged"), "{}", notes[0]);
        for how in [
            "rep 1, from the setup",
            "(they moved the opposite way)",
            "(they rose 8.30 times as far)",
            "(they rose while it stayed put)",
        ] {
            assert!(notes[0].contains(how), "{how}: {}", notes[0]);
        }
        note_not_judged(&reps[1..2], &mut notes);
        assert_eq!(notes.len(), 1, "a judged rep adds no note");
    }

    #[test]
    fn a_front_or_angled_view_keeps_heights_and_timing_but_not_distances_or_angles() {
        let (mut reps, mut notes) = (vec![rep(1)], Vec::new());
        withhold_side_view_quantities(&mut reps, &mut notes);
        assert!(notes[0].contains("only a side view measures them"), "{notes:?}");
        let rep = &reps[0];
        assert_eq!((rep.bar_drift_max_cm, rep.bar_start_offset_cm, rep.bar_drift_from_start_cm), (None, None, None));
        assert_eq!(rep.bar_drift_max_at, None);
        assert_eq!((rep.setup.knee_angle_deg, rep.setup.trunk_angle_deg), (None, None));
        assert_eq!(
            (rep.trunk_chord_change_pct, rep.back_bulge_pct, rep.lockout_trunk_lean_back_deg),
            (None, None, None)
        );
        // What the camera sees from any side: heights, the clock and the bar's speed.
        assert_eq!((rep.rom_cm, rep.mean_velocity_m_s, rep.setup.hip_height_ratio), (58.0, 0.6, Some(0.39)));
        assert_eq!(rep.hip_rise_before_bar_cm, Some(0.3));
        withhold_side_view_quantities(&mut [], &mut notes);
        assert_eq!(notes.len(), 1, "no rep, nothing to say is left out");
    }
}
