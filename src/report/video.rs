//! The annotated video: the original frames with the near-side skeleton, the bar path of the
//! current rep, the mid-foot line, live bar speed, a rep counter and a banner when a fault is
//! seen. A second decode pass over the input (faults are known only once the whole set is
//! analysed), written as browser-playable H.264 (`avc1` in .mp4) at the input's size and
//! frame rate.
//!
//! Drawing reuses its buffers: the only per-frame allocations are the few small boxes'
//! scratch copies, sized by the box, not the frame.

use super::coach;
use super::plot::{rep_colour, HIP_COLOUR, LIKELY_COLOUR, SHOULDER_COLOUR, WATCH_COLOUR};
use super::series::{frame_at, rep_frames, Series, MIN_POINT_CONF};
use crate::error::{Error, Result};
use crate::schema::*;
use crate::video::{self, Video};
use opencv::core::{self, Mat, Point, Rect, Scalar, Size, Vector};
use opencv::imgproc;
use opencv::prelude::*;
use opencv::videoio;
use plotters::style::RGBColor;
use std::path::{Path, PathBuf};

/// How long a fault banner stays up, seconds.
pub const BANNER_S: f64 = 2.5;
/// The codec: H.264 that browsers play.
pub const FOURCC: [char; 4] = ['a', 'v', 'c', '1'];

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub path: PathBuf,
    pub frames: usize,
    pub width: u32,
    pub height: u32,
    pub fps: f64,
    /// One annotated frame as JPEG (the worst fault's banner, else the last lockout), for
    /// the report's poster image.
    pub poster_jpg: Option<Vec<u8>>,
}

/// Draws the annotated video of `a` from `input` (the video the result was made from) into
/// `out` (.mp4). `progress` is called with (frames done, frames expected).
pub fn write_annotated(
    a: &Analysis,
    input: &Path,
    out: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Written> {
    if !out.extension().is_some_and(|e| e.eq_ignore_ascii_case("mp4")) {
        return Err(Error::VideoOutputNotMp4 { path: out.to_path_buf() });
    }
    let src = Video::open(input)?;
    let meta = src.meta().clone();
    if meta.width != a.video.width || meta.height != a.video.height {
        return Err(Error::VideoMismatch {
            path: input.to_path_buf(),
            what: "frame size".into(),
            video: format!("{}x{}", meta.width, meta.height),
            result: format!("{}x{}", a.video.width, a.video.height),
        });
    }
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = out.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp.mp4", std::process::id()));
    let result = encode(a, src, &meta, &tmp, progress);
    let (frames, poster_jpg) = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    if frames != a.frames.len() {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::VideoMismatch {
            path: input.to_path_buf(),
            what: "frame count".into(),
            video: frames.to_string(),
            result: a.frames.len().to_string(),
        });
    }
    std::fs::rename(&tmp, out).map_err(|e| Error::io(out, e))?;
    Ok(Written { path: out.to_path_buf(), frames, width: meta.width, height: meta.height, fps: meta.fps, poster_jpg })
}

fn encode(
    a: &Analysis,
    src: Video,
    meta: &video::VideoMeta,
    tmp: &Path,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(usize, Option<Vec<u8>>)> {
    let [c1, c2, c3, c4] = FOURCC;
    let fourcc = videoio::VideoWriter::fourcc(c1, c2, c3, c4).map_err(Error::opencv("making the avc1 codec tag"))?;
    let size = Size::new(meta.width as i32, meta.height as i32);
    let writer_error = || Error::VideoWriter {
        path: tmp.to_path_buf(),
        codec: FOURCC.iter().collect(),
        width: meta.width,
        height: meta.height,
        fps: meta.fps,
    };
    let mut writer =
        videoio::VideoWriter::new_with_backend(tmp.as_os_str(), videoio::CAP_FFMPEG, fourcc, meta.fps, size, true)
            .map_err(|_| writer_error())?;
    if !writer.is_opened().unwrap_or(false) {
        return Err(writer_error());
    }
    let mut annotator = Annotator::new(a);
    let poster_at = poster_frame(a);
    let mut poster = None;
    let total = a.frames.len();
    let (frames, pool, decoder) = video::spawn_decoder(src, 4);
    let mut failure = None;
    let mut written = 0usize;
    for mut frame in frames.iter() {
        let step = annotator.draw(&mut frame.image, frame.index).and_then(|_| {
            if Some(frame.index) == poster_at {
                poster = jpeg(&frame.image);
            }
            writer.write(&frame.image).map_err(Error::opencv("writing an annotated frame"))
        });
        pool.recycle(frame.image);
        if let Err(e) = step {
            failure = Some(e);
            break;
        }
        written += 1;
        progress(written, total);
    }
    drop(frames);
    let (_, decoded) = decoder.join().map_err(|_| Error::NoFrames { path: meta.path.clone() })?;
    writer.release().map_err(Error::opencv("finishing the annotated video"))?;
    if let Some(e) = failure {
        return Err(e);
    }
    decoded?;
    Ok((written, poster))
}

/// The frame the poster shows: shortly after the most important fault's banner appears,
/// else the last rep's lockout.
fn poster_frame(a: &Analysis) -> Option<usize> {
    let fps = if a.video.fps > 0.0 { a.video.fps } else { 30.0 };
    let at = match coach::rank(a).first() {
        Some(r) => frame_at(a, r.worst.at_s) + (0.4 * fps) as usize,
        None => a.reps.last()?.lockout_frame,
    };
    Some(at.min(a.frames.len().checked_sub(1)?))
}

fn jpeg(img: &Mat) -> Option<Vec<u8>> {
    let mut buf = Vector::<u8>::new();
    let params = Vector::<i32>::from_slice(&[opencv::imgcodecs::IMWRITE_JPEG_QUALITY, 85]);
    opencv::imgcodecs::imencode(".jpg", img, &mut buf, &params).ok()?;
    Some(buf.to_vec())
}

fn bgr(c: RGBColor) -> Scalar {
    Scalar::new(c.2 as f64, c.1 as f64, c.0 as f64, 0.0)
}

const WHITE: Scalar = Scalar::new(255.0, 255.0, 255.0, 0.0);
const BLACK: Scalar = Scalar::new(0.0, 0.0, 0.0, 0.0);
const PANEL: Scalar = Scalar::new(28.0, 24.0, 22.0, 0.0);
const SKELETON: Scalar = Scalar::new(255.0, 235.0, 170.0, 0.0);
const FONT: i32 = imgproc::FONT_HERSHEY_DUPLEX;
/// Sub-pixel bits for lines and circles.
const SHIFT: i32 = 4;

/// A fault banner: when it shows and what it says.
#[derive(Debug, Clone)]
struct Banner {
    from: usize,
    to: usize,
    colour: Scalar,
    title: String,
    detail: String,
    cue: String,
    /// Bar position to ring while the banner shows.
    at_px: Option<(f64, f64)>,
}

/// Everything known before the pass, and the scratch buffers drawing reuses.
struct Annotator<'a> {
    a: &'a Analysis,
    s: Series,
    /// Reference scale: 1 for a 720-pixel short side.
    u: f64,
    banners: Vec<Banner>,
    /// Peak upward velocity of the set, for the speed gauge.
    v_max: f64,
    trail: Vector<Point>,
    scratch: Mat,
    blend: Mat,
}

impl<'a> Annotator<'a> {
    fn new(a: &'a Analysis) -> Self {
        let s = Series::new(a);
        let u = (a.video.width.min(a.video.height) as f64 / 720.0).max(0.35);
        let fps = s.fps;
        let mut banners = Vec::new();
        for r in &a.reps {
            for f in &r.faults {
                let from = frame_at(a, f.at_s);
                let colour = match f.severity {
                    Severity::Likely => bgr(LIKELY_COLOUR),
                    Severity::Watch => bgr(WATCH_COLOUR),
                };
                let sev = match f.severity {
                    Severity::Likely => "likely",
                    Severity::Watch => "watch",
                };
                let cue = if f.cue.trim().is_empty() {
                    coach::fault_info(&f.id).map_or("", |i| i.cue).to_string()
                } else {
                    f.cue.clone()
                };
                banners.push(Banner {
                    from,
                    to: from + (BANNER_S * fps).round() as usize,
                    colour,
                    title: ascii(&format!("REP {}: {}", r.index, coach::fault_name(&f.id).to_uppercase())),
                    detail: ascii(&format!(
                        "{} (threshold {}) - {sev}, confidence {:.0}%",
                        coach::format_fault_value(f, f.value),
                        coach::format_fault_value(f, f.threshold),
                        100.0 * f.confidence
                    )),
                    cue: ascii(&format!("Cue: {cue}")),
                    at_px: a.frames.get(from).and_then(|fr| fr.bar).map(|b| (b.x_px, b.y_px)),
                });
            }
        }
        let v_max = a
            .reps
            .iter()
            .map(|r| r.peak_velocity_m_s)
            .fold(0.0f64, f64::max)
            .max(s.bar_velocity_m_s.iter().flatten().fold(0.3f64, |m, v| m.max(*v)).min(3.0));
        Annotator { a, s, u, banners, v_max, trail: Vector::new(), scratch: Mat::default(), blend: Mat::default() }
    }

    fn px(&self, v: f64) -> i32 {
        (v * self.u).round() as i32
    }

    fn draw(&mut self, img: &mut Mat, i: usize) -> Result<()> {
        let cv = Error::opencv("drawing the annotated video");
        self.draw_inner(img, i).map_err(cv)
    }

    fn draw_inner(&mut self, img: &mut Mat, i: usize) -> opencv::Result<()> {
        if i >= self.a.frames.len() {
            return Ok(());
        }
        self.midfoot(img, i)?;
        self.bar_trail(img, i)?;
        self.skeleton(img, i)?;
        self.bar_marker(img, i)?;
        let (left_w, top_h) = self.speed_panel(img, i)?;
        let right_w = self.rep_panel(img, i)?;
        self.banners(img, i, left_w, right_w, top_h)?;
        Ok(())
    }

    fn line(&self, img: &mut Mat, a: (f64, f64), b: (f64, f64), c: Scalar, t: i32) -> opencv::Result<()> {
        let k = (1 << SHIFT) as f64;
        imgproc::line(
            img,
            Point::new((a.0 * k) as i32, (a.1 * k) as i32),
            Point::new((b.0 * k) as i32, (b.1 * k) as i32),
            c,
            t.max(1),
            imgproc::LINE_AA,
            SHIFT,
        )
    }

    fn dot(&self, img: &mut Mat, p: (f64, f64), r: f64, c: Scalar, thickness: i32) -> opencv::Result<()> {
        let k = (1 << SHIFT) as f64;
        imgproc::circle(
            img,
            Point::new((p.0 * k) as i32, (p.1 * k) as i32),
            (r * k) as i32,
            c,
            thickness,
            imgproc::LINE_AA,
            SHIFT,
        )
    }

    fn midfoot(&mut self, img: &mut Mat, i: usize) -> opencv::Result<()> {
        let Some(x) = self.s.reference_x_px else {
            return Ok(());
        };
        let h = self.a.video.height as f64;
        // Mid-foot is measured in the first frame; a moving camera carries it along.
        let x = self.a.frames[i].unsteady(x, 0.5 * h).0;
        let label = match self.s.reference {
            super::series::Reference::Midfoot => "MID-FOOT",
            _ => "BAR START",
        };
        let dash = 18.0 * self.u;
        let mut y = 0.0;
        while y < h {
            let y1 = (y + dash * 0.6).min(h);
            self.line(img, (x, y), (x, y1), BLACK, self.px(5.0))?;
            self.line(img, (x, y), (x, y1), WHITE, self.px(2.5))?;
            y += dash;
        }
        let scale = 0.55 * self.u;
        let th = self.px(1.2).max(1);
        let mut base = 0;
        let sz = imgproc::get_text_size(label, FONT, scale, th, &mut base)?;
        let pad = self.px(6.0);
        let bx = (x as i32 + self.px(8.0)).min(self.a.video.width as i32 - sz.width - 2 * pad);
        // At the bottom edge, below the feet.
        let by = (h as i32 - sz.height - 2 * pad - self.px(4.0)).max(0);
        let r = Rect::new(bx, by, sz.width + 2 * pad, sz.height + 2 * pad);
        self.panel(img, r, PANEL, 0.7)?;
        text(img, label, Point::new(bx + pad, by + pad + sz.height), scale, WHITE, th)
    }

    /// Frames of the current rep's path so far (or the last two seconds between reps).
    fn trail_span(&self, i: usize) -> (usize, Option<usize>) {
        for (k, r) in self.a.reps.iter().enumerate() {
            let (start, end) = rep_frames(self.a, r);
            if (start..=end).contains(&i) {
                let from = start.max(r.liftoff_frame.saturating_sub((0.3 * self.s.fps) as usize));
                return (from.min(i), Some(k));
            }
        }
        (i.saturating_sub((2.0 * self.s.fps) as usize), None)
    }

    fn bar_trail(&mut self, img: &mut Mat, i: usize) -> opencv::Result<()> {
        let (from, rep) = self.trail_span(i);
        let k = (1 << SHIFT) as f64;
        self.trail.clear();
        for f in &self.a.frames[from..=i] {
            if let Some(b) = f.bar {
                self.trail.push(Point::new((b.x_px * k) as i32, (b.y_px * k) as i32));
            }
        }
        if self.trail.len() < 2 {
            return Ok(());
        }
        let colour = match rep {
            Some(k) => bgr(rep_colour(k)),
            None => Scalar::new(200.0, 200.0, 200.0, 0.0),
        };
        let mut pts = Vector::<Vector<Point>>::new();
        pts.push(std::mem::take(&mut self.trail));
        imgproc::polylines(img, &pts, false, BLACK, self.px(7.0), imgproc::LINE_AA, SHIFT)?;
        imgproc::polylines(img, &pts, false, colour, self.px(4.0), imgproc::LINE_AA, SHIFT)?;
        self.trail = pts.get(0)?;
        Ok(())
    }

    fn bar_marker(&self, img: &mut Mat, i: usize) -> opencv::Result<()> {
        if let Some(b) = self.a.frames[i].bar {
            self.dot(img, (b.x_px, b.y_px), 9.0 * self.u, BLACK, self.px(5.0))?;
            self.dot(img, (b.x_px, b.y_px), 9.0 * self.u, WHITE, self.px(2.5))?;
        }
        for bn in &self.banners {
            if (bn.from..bn.to).contains(&i) {
                if let Some(p) = bn.at_px {
                    self.dot(img, p, 20.0 * self.u, BLACK, self.px(5.0))?;
                    self.dot(img, p, 20.0 * self.u, bn.colour, self.px(3.0))?;
                }
            }
        }
        Ok(())
    }

    fn skeleton(&self, img: &mut Mat, i: usize) -> opencv::Result<()> {
        let Some(b) = self.a.frames[i].body else {
            return Ok(());
        };
        let p = |q: [f64; 3]| (q[2] >= MIN_POINT_CONF).then_some((q[0], q[1]));
        let segments = [
            (b.ear, b.shoulder),
            (b.shoulder, b.hip),
            (b.hip, b.knee),
            (b.knee, b.ankle),
            (b.ankle, b.heel),
            (b.heel, b.toe),
            (b.ankle, b.toe),
            (b.shoulder, b.wrist),
        ];
        for (a, c) in segments {
            if let (Some(a), Some(c)) = (p(a), p(c)) {
                self.line(img, a, c, BLACK, self.px(7.0))?;
                self.line(img, a, c, SKELETON, self.px(4.0))?;
            }
        }
        let joints = [
            (b.ear, SKELETON),
            (b.shoulder, bgr(SHOULDER_COLOUR)),
            (b.hip, bgr(HIP_COLOUR)),
            (b.knee, SKELETON),
            (b.ankle, SKELETON),
            (b.heel, SKELETON),
            (b.toe, SKELETON),
            (b.wrist, SKELETON),
        ];
        for (q, c) in joints {
            if let Some(q) = p(q) {
                let big = c != SKELETON;
                let r = if big { 8.0 } else { 5.0 } * self.u;
                self.dot(img, q, r + 1.5 * self.u, BLACK, -1)?;
                self.dot(img, q, r, c, -1)?;
            }
        }
        Ok(())
    }

    /// Top-left: live bar speed with a gauge. Returns the panel's width and bottom edge.
    fn speed_panel(&mut self, img: &mut Mat, i: usize) -> opencv::Result<(i32, i32)> {
        let m = self.px(16.0);
        let pad = self.px(12.0);
        let w = self.px(270.0);
        let h = self.px(104.0);
        self.panel(img, Rect::new(m, m, w, h), PANEL, 0.72)?;
        let small = 0.5 * self.u;
        let big = 1.15 * self.u;
        text(
            img,
            "BAR SPEED",
            Point::new(m + pad, m + pad + self.px(12.0)),
            small,
            Scalar::new(200.0, 200.0, 200.0, 0.0),
            self.px(1.0),
        )?;
        let v = self.s.bar_velocity_m_s.get(i).copied().flatten();
        let value = match v {
            Some(v) if v.abs() < 0.02 => "0.00 m/s".to_string(),
            Some(v) => format!("{v:+.2} m/s"),
            None => "-- m/s".to_string(),
        };
        text(img, &value, Point::new(m + pad, m + pad + self.px(52.0)), big, WHITE, self.px(2.0))?;
        // Gauge: upward speed against the set's peak.
        let gx = m + pad;
        let gy = m + h - pad - self.px(12.0);
        let gw = w - 2 * pad;
        let gh = self.px(12.0);
        imgproc::rectangle(img, Rect::new(gx, gy, gw, gh), Scalar::new(80.0, 80.0, 80.0, 0.0), -1, imgproc::LINE_8, 0)?;
        if let Some(v) = v {
            let share = (v.max(0.0) / self.v_max).clamp(0.0, 1.0);
            let fill = (share * gw as f64).round() as i32;
            if fill > 0 {
                let colour = Scalar::new(115.0, 158.0, 0.0, 0.0);
                imgproc::rectangle(img, Rect::new(gx, gy, fill, gh), colour, -1, imgproc::LINE_8, 0)?;
            }
        }
        Ok((m + w, m + h))
    }

    /// Top-right: rep counter, and the finished rep's numbers. Returns the panel's width.
    fn rep_panel(&mut self, img: &mut Mat, i: usize) -> opencv::Result<i32> {
        let m = self.px(16.0);
        let pad = self.px(12.0);
        let w = self.px(230.0);
        let h = self.px(104.0);
        let x = self.a.video.width as i32 - m - w;
        self.panel(img, Rect::new(x, m, w, h), PANEL, 0.72)?;
        let n = self.a.reps.len();
        let done: Vec<&Rep> = self.a.reps.iter().filter(|r| r.liftoff_frame <= i).collect();
        let current = done.len();
        text(
            img,
            "REP",
            Point::new(x + pad, m + pad + self.px(12.0)),
            0.5 * self.u,
            Scalar::new(200.0, 200.0, 200.0, 0.0),
            self.px(1.0),
        )?;
        text(
            img,
            &format!("{current} / {n}"),
            Point::new(x + pad, m + pad + self.px(52.0)),
            1.15 * self.u,
            WHITE,
            self.px(2.0),
        )?;
        if let Some(r) = done.last().filter(|r| r.lockout_frame <= i) {
            let loss = if n > 1 && r.velocity_loss_pct >= 0.5 {
                format!("  -{:.0}%", r.velocity_loss_pct)
            } else {
                String::new()
            };
            let line = format!("mean {:.2} m/s{loss}", r.mean_velocity_m_s);
            text(
                img,
                &line,
                Point::new(x + pad, m + h - pad),
                0.5 * self.u,
                Scalar::new(220.0, 220.0, 220.0, 0.0),
                self.px(1.0),
            )?;
        }
        Ok(w + m)
    }

    fn banners(&mut self, img: &mut Mat, i: usize, left: i32, right: i32, top: i32) -> opencv::Result<()> {
        let active: Vec<Banner> = self.banners.iter().filter(|b| (b.from..b.to).contains(&i)).cloned().collect();
        if active.is_empty() {
            return Ok(());
        }
        let fw = self.a.video.width as i32;
        let m = self.px(16.0);
        let between = fw - left - right - 2 * m;
        let (x0, mut y, w) = if between >= fw * 45 / 100 { (left + m, m, between) } else { (m, top + m, fw - 2 * m) };
        let pad = self.px(12.0);
        let title_scale = 0.72 * self.u;
        let body_scale = 0.55 * self.u;
        for b in active.iter().take(3) {
            // Red text on a dark box is hard to read: a likely fault's title is a lighter red.
            let title_colour =
                if b.colour == bgr(LIKELY_COLOUR) { Scalar::new(120.0, 130.0, 255.0, 0.0) } else { b.colour };
            let mut lines: Vec<(String, f64, i32, Scalar)> = vec![
                (b.title.clone(), title_scale, self.px(2.0), title_colour),
                (b.detail.clone(), body_scale, self.px(1.2), WHITE),
            ];
            for l in wrap(&b.cue, body_scale, self.px(1.2), w - 2 * pad - self.px(8.0))? {
                lines.push((l, body_scale, self.px(1.2), Scalar::new(230.0, 240.0, 255.0, 0.0)));
            }
            let line_h: Vec<i32> = lines.iter().map(|(_, s, _, _)| (34.0 * s).round() as i32).collect();
            let h = line_h.iter().sum::<i32>() + 2 * pad;
            self.panel(img, Rect::new(x0, y, w, h), PANEL, 0.8)?;
            imgproc::rectangle(
                img,
                Rect::new(x0, y + self.px(6.0), self.px(8.0), h - self.px(12.0)),
                b.colour,
                -1,
                imgproc::LINE_8,
                0,
            )?;
            let mut ty = y + pad;
            for ((s, scale, th, colour), lh) in lines.iter().zip(&line_h) {
                ty += lh;
                text(img, s, Point::new(x0 + pad + self.px(8.0), ty - (lh / 5)), *scale, *colour, *th)?;
            }
            y += h + self.px(8.0);
        }
        Ok(())
    }

    /// A translucent box with rounded corners.
    fn panel(&mut self, img: &mut Mat, r: Rect, colour: Scalar, alpha: f64) -> opencv::Result<()> {
        let full = Rect::new(0, 0, img.cols(), img.rows());
        let r = r & full;
        if r.width <= 0 || r.height <= 0 {
            return Ok(());
        }
        let mut roi = Mat::roi_mut(img, r)?;
        roi.copy_to(&mut self.scratch)?;
        let radius = (10.0 * self.u).round() as i32;
        rounded_rect(&mut roi, Rect::new(0, 0, r.width, r.height), radius, colour)?;
        core::add_weighted(&roi, alpha, &self.scratch, 1.0 - alpha, 0.0, &mut self.blend, -1)?;
        self.blend.copy_to(&mut roi)?;
        Ok(())
    }
}

fn text(img: &mut Mat, s: &str, org: Point, scale: f64, colour: Scalar, thickness: i32) -> opencv::Result<()> {
    imgproc::put_text(img, s, org, FONT, scale, colour, thickness.max(1), imgproc::LINE_AA, false)
}

fn rounded_rect(img: &mut impl core::ToInputOutputArray, r: Rect, radius: i32, colour: Scalar) -> opencv::Result<()> {
    let rad = radius.min(r.width / 2).min(r.height / 2).max(0);
    for rr in
        [Rect::new(r.x + rad, r.y, r.width - 2 * rad, r.height), Rect::new(r.x, r.y + rad, r.width, r.height - 2 * rad)]
    {
        imgproc::rectangle(img, rr, colour, -1, imgproc::LINE_8, 0)?;
    }
    if rad > 0 {
        for (cx, cy) in [
            (r.x + rad, r.y + rad),
            (r.x + r.width - rad - 1, r.y + rad),
            (r.x + rad, r.y + r.height - rad - 1),
            (r.x + r.width - rad - 1, r.y + r.height - rad - 1),
        ] {
            imgproc::circle(img, Point::new(cx, cy), rad, colour, -1, imgproc::LINE_AA, 0)?;
        }
    }
    Ok(())
}

/// Splits text into lines no wider than `max_w` pixels at the given font scale.
fn wrap(s: &str, scale: f64, thickness: i32, max_w: i32) -> opencv::Result<Vec<String>> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let candidate = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        let mut base = 0;
        let w = imgproc::get_text_size(&candidate, FONT, scale, thickness.max(1), &mut base)?.width;
        if w > max_w && !cur.is_empty() {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines.truncate(3);
    Ok(lines)
}

/// OpenCV's Hershey fonts have ASCII only: spell out the few symbols results use.
pub fn ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '°' => out.push_str(" deg"),
            '×' => out.push('x'),
            '–' | '—' | '−' => out.push('-'),
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            '…' => out.push_str("..."),
            c if c.is_ascii() => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}
