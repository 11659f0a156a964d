//! Camera motion: how the picture moved against the first frame.
//!
//! A phone held in the hand shakes and drifts; a shaken camera moves the bar in the image as
//! much as a centimetre, enough to shift lift-off and lockout by frames and to fake bar drift.
//! The static background tells the camera's motion: corners on it are followed with
//! Lucas–Kanade optical flow and a rotation + scale + translation is fitted to them with
//! RANSAC, so the lifter and the bar (which move) are left out as outliers. Measurements then
//! use positions in the first frame's coordinates; the result's per-frame points stay in the
//! image as recorded.

use crate::error::{Error, Result};
use opencv::calib3d;
use opencv::core::{Mat, Point2f, Rect, Scalar, Size, TermCriteria, Vector, CV_8UC1};
use opencv::imgproc;
use opencv::prelude::*;
use opencv::video;

/// Camera motion is estimated on a copy this wide: corners are plentiful and flow is cheap.
const WORK_WIDTH: f64 = 480.0;
const MAX_CORNERS: i32 = 300;
/// A frame's motion is trusted when at least this many corners agree on it.
const MIN_INLIERS: i32 = 25;
/// The dense alignment runs on a copy this wide: as precise as 480 on shaken renders (0.6 px
/// median against the truth), at half the cost.
const ECC_WIDTH: f64 = 360.0;
/// Motion against the key frame under this (px, as `Similarity::shift`) is taken as a still
/// camera without the dense fit.
const STILL_PX: f64 = 0.5;
/// The dense fit is kept while it stays this close (work-image pixels, at the image's
/// corners) to the corners' fit. Tighter (1.5) let the corners' own error through on
/// blurred, noisy, shaken renders, where the dense fit is the better of the two.
const MAX_DENSE_DISAGREEMENT: f64 = 3.0;
/// The dense fit alone (too few corners agree) may move the camera this far from the last
/// frame's motion (work-image pixels); a longer step is the fit sliding along a plain wall.
const MAX_DENSE_STEP: f64 = 2.0;
/// Below this correlation between the aligned background and the key frame's, the dense
/// fit is not trusted (a steady background aligns at 0.99 and above).
const MIN_ECC_CORRELATION: f64 = 0.8;

/// A similarity transform `[a -b tx; b a ty]` mapping points of one frame to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    pub a: f64,
    pub b: f64,
    pub tx: f64,
    pub ty: f64,
}

impl Similarity {
    pub const IDENTITY: Similarity = Similarity { a: 1.0, b: 0.0, tx: 0.0, ty: 0.0 };

    pub fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        (self.a * x - self.b * y + self.tx, self.b * x + self.a * y + self.ty)
    }

    /// `self` after `first`: points go through `first`, then `self`.
    pub fn after(&self, first: &Similarity) -> Similarity {
        Similarity {
            a: self.a * first.a - self.b * first.b,
            b: self.b * first.a + self.a * first.b,
            tx: self.a * first.tx - self.b * first.ty + self.tx,
            ty: self.b * first.tx + self.a * first.ty + self.ty,
        }
    }

    pub fn inverse(&self) -> Similarity {
        let d = self.a * self.a + self.b * self.b;
        let (a, b) = (self.a / d, -self.b / d);
        Similarity { a, b, tx: -(a * self.tx - b * self.ty), ty: -(b * self.tx + a * self.ty) }
    }

    /// Largest displacement of a point within `radius` of the origin-free frame, in pixels:
    /// a size of the motion.
    pub fn shift(&self) -> f64 {
        self.tx.hypot(self.ty) + ((self.a - 1.0).hypot(self.b)) * 500.0
    }
}

/// Streams grey frames in; gives, per frame, the map from that frame to the first.
///
/// Corners are followed from a key frame, not from frame to frame: a chain of per-frame
/// fits adds up its small errors (on a rendered set with 4 px of shake they had wandered 14
/// px by the end, enough to fake 5 cm of bar drift), while each fit against the key frame
/// errs on its own. The corners give the guess; a dense alignment of the masked background
/// (ECC) gives the fit, except while the corners find the camera still. A new key frame is
/// taken only when the dense fit fails (the camera panned away, or the lifter covers the
/// background).
pub struct CameraTracker {
    scale: f64,
    key: Mat,
    small: Mat,
    /// Corners of the key frame, and where each was last seen (the next search starts there).
    key_points: Vector<Point2f>,
    last_seen: Vector<Point2f>,
    key_to_first: Similarity,
    last_to_key: Option<Similarity>,
    /// The key frame, its background mask, the current frame and its mask at `ECC_WIDTH`.
    key_ecc: Mat,
    key_mask_ecc: Mat,
    current_ecc: Mat,
    mask_ecc: Mat,
    to_first: Vec<Similarity>,
    trusted: Vec<bool>,
    mask: Mat,
    exclude: Vec<Rect>,
    /// The key frame's mean background brightness, measured once per key.
    key_brightness: f64,
    /// The current frame with its brightness matched to the key's (reused buffer).
    matched: Mat,
}

impl Default for CameraTracker {
    fn default() -> Self {
        CameraTracker {
            scale: 1.0,
            key: Mat::default(),
            small: Mat::default(),
            key_points: Vector::new(),
            last_seen: Vector::new(),
            key_to_first: Similarity::IDENTITY,
            last_to_key: None,
            key_ecc: Mat::default(),
            key_mask_ecc: Mat::default(),
            current_ecc: Mat::default(),
            mask_ecc: Mat::default(),
            to_first: Vec::new(),
            trusted: Vec::new(),
            mask: Mat::default(),
            exclude: Vec::new(),
            key_brightness: 0.0,
            matched: Mat::default(),
        }
    }
}

impl CameraTracker {
    /// Adds the next frame. `exclude` lists regions that move on their own (the lifter, the
    /// plate) in full-resolution pixels: no corner is taken from them.
    pub fn push(&mut self, gray: &Mat, exclude: &[Rect]) -> Result<()> {
        // The scale first: the regions are shrunk by it, also on the first frame.
        self.scale = (WORK_WIDTH / gray.cols() as f64).min(1.0);
        self.exclude = exclude.iter().map(|r| self.shrink(*r)).collect();
        let size = Size::new(
            (gray.cols() as f64 * self.scale).round() as i32,
            (gray.rows() as f64 * self.scale).round() as i32,
        );
        imgproc::resize(gray, &mut self.small, size, 0.0, 0.0, imgproc::INTER_AREA)
            .map_err(Error::opencv("shrinking a frame for camera motion"))?;
        let Some(previous) = self.to_first.last().copied() else {
            self.to_first.push(Similarity::IDENTITY);
            self.trusted.push(true);
            return self.take_key(Similarity::IDENTITY);
        };
        self.match_key_brightness()?;
        let corners = self.fit_to_key()?;
        // A camera the corners find still (a tripod) needs no dense fit: it is the costly
        // part, and the corners' fit against the key frame does not drift.
        let still = corners.filter(|c| self.full_resolution(c).shift() < STILL_PX);
        let guess = corners.or(self.last_to_key);
        let refined = match (still, guess) {
            (Some(c), _) => Some(c),
            (None, Some(g)) => self.refine(&g)?,
            (None, None) => None,
        };
        // The dense fit pins the motion finer than the corners, but on a plain wall (a
        // painted one, faint bricks) it can slide along the wall a little each frame, and the
        // next search starts where it slid. Where the corners disagree with it, they win.
        let refined = match (refined, corners) {
            // Alone, the dense fit is trusted only for a step a hand makes in a frame.
            (Some(r), None) if guess.is_some_and(|g| self.disagreement(&r, &g) > MAX_DENSE_STEP) => guess,
            (Some(r), Some(c)) if self.disagreement(&r, &c) > MAX_DENSE_DISAGREEMENT => Some(c),
            (r, _) => r,
        };
        // The dense fit where it converged, else the corners' fit.
        let to_key = refined.or(corners);
        self.last_to_key = to_key;
        let (to_first, trusted) = match to_key {
            Some(k) => (self.key_to_first.after(&self.full_resolution(&k)), true),
            // Lost: hold the last known motion and start again from this frame.
            None => (previous, false),
        };
        self.to_first.push(to_first);
        self.trusted.push(trusted);
        // Every new key adds one fit's error to all later frames, so the key is kept while
        // the dense fit holds, even when the lifter hides most of its corners.
        match (refined, to_key) {
            (Some(_), Some(k)) => {
                self.predict_last_seen(&k);
                Ok(())
            }
            _ => self.take_key(to_first),
        }
    }

    /// Makes the current frame the key frame, `to_first` being its map to the first frame.
    fn take_key(&mut self, to_first: Similarity) -> Result<()> {
        std::mem::swap(&mut self.key, &mut self.small);
        self.key_to_first = to_first;
        // This frame is the key: the next frame's search starts from no motion.
        self.last_to_key = Some(Similarity::IDENTITY);
        self.find_corners()?;
        self.key_brightness =
            opencv::core::mean(&self.key, &self.mask).map_err(Error::opencv("measuring the key's brightness"))?[0];
        self.last_seen = self.key_points.clone();
        let width = ECC_WIDTH.min(self.key.cols() as f64);
        let f = width / self.key.cols().max(1) as f64;
        let size = Size::new(width.round() as i32, (self.key.rows() as f64 * f).round() as i32);
        imgproc::resize(&self.key, &mut self.key_ecc, size, 0.0, 0.0, imgproc::INTER_AREA)
            .map_err(Error::opencv("shrinking the key frame for alignment"))?;
        imgproc::resize(&self.mask, &mut self.key_mask_ecc, size, 0.0, 0.0, imgproc::INTER_NEAREST)
            .map_err(Error::opencv("shrinking the background mask"))?;
        Ok(())
    }

    /// Scales the current frame's brightness to the key frame's over the background. Optical
    /// flow assumes a point keeps its brightness: under a light that drifts by a tenth, most
    /// corners fail to follow (6 of 132 agreed on a rendered set), the fit falls back on the
    /// dense alignment alone, and on a plain wall that slides where nothing holds it.
    fn match_key_brightness(&mut self) -> Result<()> {
        let now =
            opencv::core::mean(&self.small, &self.mask).map_err(Error::opencv("measuring a frame's brightness"))?[0];
        let gain = if now > 1.0 { (self.key_brightness / now).clamp(0.5, 2.0) } else { 1.0 };
        if (gain - 1.0).abs() > 0.005 {
            self.small
                .convert_to(&mut self.matched, -1, gain, 0.0)
                .map_err(Error::opencv("matching the key's brightness"))?;
            std::mem::swap(&mut self.small, &mut self.matched);
        }
        Ok(())
    }

    /// The current frame's map to the key frame (small-image pixels), from the key's corners
    /// followed into it; `None` when too few corners agree.
    fn fit_to_key(&mut self) -> Result<Option<Similarity>> {
        if self.key_points.len() < MIN_INLIERS as usize {
            return Ok(None);
        }
        // Every path after this fit sets `last_seen` again (predicted, or a new key's corners).
        let mut next = std::mem::take(&mut self.last_seen);
        let mut status = Vector::<u8>::new();
        let mut err = Vector::<f32>::new();
        let criteria = TermCriteria::new(opencv::core::TermCriteria_COUNT | opencv::core::TermCriteria_EPS, 20, 0.03)
            .map_err(Error::opencv("setting flow criteria"))?;
        video::calc_optical_flow_pyr_lk(
            &self.key,
            &self.small,
            &self.key_points,
            &mut next,
            &mut status,
            &mut err,
            Size::new(21, 21),
            3,
            criteria,
            video::OPTFLOW_USE_INITIAL_FLOW,
            1e-4,
        )
        .map_err(Error::opencv("following background corners"))?;
        let (mut from, mut to) = (Vector::<Point2f>::new(), Vector::<Point2f>::new());
        for i in 0..self.key_points.len() {
            let p = next.get(i).unwrap_or_default();
            let excluded = self.exclude.iter().any(|r| r.contains(opencv::core::Point::new(p.x as i32, p.y as i32)));
            if status.get(i).unwrap_or(0) == 1 && !excluded {
                from.push(p);
                to.push(self.key_points.get(i).unwrap_or_default());
            }
        }
        if from.len() < MIN_INLIERS as usize {
            return Ok(None);
        }
        let mut inliers = Mat::default();
        let m = calib3d::estimate_affine_partial_2d(&from, &to, &mut inliers, calib3d::RANSAC, 1.0, 2000, 0.99, 10)
            .map_err(Error::opencv("fitting the camera motion"))?;
        let count = opencv::core::count_non_zero(&inliers).unwrap_or(0);
        if m.empty() || count < MIN_INLIERS {
            return Ok(None);
        }
        let at = |r: i32, c: i32| m.at_2d::<f64>(r, c).copied().unwrap_or(0.0);
        Ok(Some(Similarity { a: at(0, 0), b: at(1, 0), tx: at(0, 2), ty: at(1, 2) }))
    }

    /// Where the key's corners should be in the current frame under the fitted motion: the
    /// start of the next search, also for corners the lifter hides for a while.
    fn predict_last_seen(&mut self, to_key: &Similarity) {
        let from_key = to_key.inverse();
        self.last_seen = self
            .key_points
            .iter()
            .map(|p| {
                let (x, y) = from_key.apply(p.x as f64, p.y as f64);
                Point2f::new(x as f32, y as f32)
            })
            .collect();
    }

    /// Refines `to_key` by aligning the whole static background (ECC, rotation and
    /// translation) at `ECC_WIDTH`: a blurred, noisy wall gives few good corners, but its
    /// brightness pattern pins the motion to a fraction of a pixel. `None` when the alignment
    /// does not converge or the background no longer matches.
    fn refine(&mut self, to_key: &Similarity) -> Result<Option<Similarity>> {
        let f = self.key_ecc.cols() as f64 / self.key.cols().max(1) as f64;
        let g = to_key.inverse();
        let mut warp = Mat::from_slice_2d(&[
            [g.a as f32, -g.b as f32, (g.tx * f) as f32],
            [g.b as f32, g.a as f32, (g.ty * f) as f32],
        ])
        .map_err(Error::opencv("making the alignment guess"))?;
        let size = self.key_ecc.size().map_err(Error::opencv("sizing the alignment images"))?;
        imgproc::resize(&self.small, &mut self.current_ecc, size, 0.0, 0.0, imgproc::INTER_AREA)
            .map_err(Error::opencv("shrinking a frame for alignment"))?;
        self.key_mask_ecc.copy_to(&mut self.mask_ecc).map_err(Error::opencv("copying the background mask"))?;
        for r in &self.exclude {
            let r = scale_rect(*r, f);
            imgproc::rectangle(&mut self.mask_ecc, r, Scalar::all(0.0), -1, imgproc::LINE_8, 0)
                .map_err(Error::opencv("masking moving regions"))?;
        }
        // The guess is within a pixel or two: a few steps to a hundredth of a pixel suffice
        // (more changed nothing on the shaken renders and cost a millisecond a step).
        let criteria = TermCriteria::new(opencv::core::TermCriteria_COUNT | opencv::core::TermCriteria_EPS, 5, 0.01)
            .map_err(Error::opencv("setting alignment criteria"))?;
        let aligned = video::find_transform_ecc(
            &self.key_ecc,
            &self.current_ecc,
            &mut warp,
            video::MOTION_EUCLIDEAN,
            criteria,
            &self.mask_ecc,
            5,
        );
        // OpenCV reports non-convergence as an error: that is "no refinement", not a failure.
        match aligned {
            Ok(cc) if cc >= MIN_ECC_CORRELATION => {
                let at = |r: i32, c: i32| warp.at_2d::<f32>(r, c).copied().unwrap_or(0.0) as f64;
                let key_to_current = Similarity { a: at(0, 0), b: at(1, 0), tx: at(0, 2) / f, ty: at(1, 2) / f };
                Ok(Some(key_to_current.inverse()))
            }
            _ => Ok(None),
        }
    }

    /// How far apart two maps put the work image's corners, at most (work-image pixels).
    fn disagreement(&self, a: &Similarity, b: &Similarity) -> f64 {
        let (w, h) = (self.small.cols() as f64, self.small.rows() as f64);
        [(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)]
            .iter()
            .map(|&(x, y)| {
                let (p, q) = (a.apply(x, y), b.apply(x, y));
                (p.0 - q.0).hypot(p.1 - q.1)
            })
            .fold(0.0, f64::max)
    }

    /// A small-image similarity in full-resolution pixels.
    fn full_resolution(&self, s: &Similarity) -> Similarity {
        let k = 1.0 / self.scale;
        Similarity { tx: s.tx * k, ty: s.ty * k, ..*s }
    }

    fn shrink(&self, r: Rect) -> Rect {
        scale_rect(r, self.scale)
    }

    fn find_corners(&mut self) -> Result<()> {
        self.mask = Mat::new_rows_cols_with_default(self.key.rows(), self.key.cols(), CV_8UC1, Scalar::all(255.0))
            .map_err(Error::opencv("making the corner mask"))?;
        for r in &self.exclude {
            imgproc::rectangle(&mut self.mask, *r, Scalar::all(0.0), -1, imgproc::LINE_8, 0)
                .map_err(Error::opencv("masking moving regions"))?;
        }
        let mut corners = Vector::<Point2f>::new();
        imgproc::good_features_to_track(&self.key, &mut corners, MAX_CORNERS, 0.01, 8.0, &self.mask, 3, false, 0.04)
            .map_err(Error::opencv("finding background corners"))?;
        self.key_points = corners;
        Ok(())
    }

    pub fn finish(self) -> CameraMotion {
        CameraMotion { to_first: self.to_first, trusted: self.trusted }
    }
}

fn scale_rect(r: Rect, k: f64) -> Rect {
    Rect::new(
        (r.x as f64 * k) as i32,
        (r.y as f64 * k) as i32,
        (r.width as f64 * k).ceil() as i32,
        (r.height as f64 * k).ceil() as i32,
    )
}

/// Per frame, the map into the first frame's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraMotion {
    pub to_first: Vec<Similarity>,
    pub trusted: Vec<bool>,
}

/// Camera motion smaller than this (px) is not worth a note: a tripod's residual flicker, and
/// the dense fit's own noise (it reads up to about 1 px on rendered tripod videos).
pub const NEGLIGIBLE_PX: f64 = 1.5;

impl CameraMotion {
    /// No motion for `n` frames (a tripod, or body tracking off).
    pub fn still(n: usize) -> Self {
        CameraMotion { to_first: vec![Similarity::IDENTITY; n], trusted: vec![true; n] }
    }

    /// Whether the camera moved enough to matter.
    pub fn moved(&self) -> bool {
        self.to_first.iter().any(|s| s.shift() > NEGLIGIBLE_PX)
    }

    /// A point of frame `i` in the first frame's coordinates.
    pub fn steady(&self, i: usize, x: f64, y: f64) -> (f64, f64) {
        self.to_first.get(i).unwrap_or(&Similarity::IDENTITY).apply(x, y)
    }

    /// A point of the first frame's coordinates where frame `i` shows it.
    pub fn unsteady(&self, i: usize, x: f64, y: f64) -> (f64, f64) {
        self.to_first.get(i).unwrap_or(&Similarity::IDENTITY).inverse().apply(x, y)
    }

    /// Largest motion against the first frame, px.
    pub fn largest_shift(&self) -> f64 {
        self.to_first.iter().map(Similarity::shift).fold(0.0, f64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opencv::core::{Scalar, CV_8UC1};

    /// A textured frame (random blocks) shifted by (dx, dy).
    fn textured(dx: i32, dy: i32) -> Mat {
        textured_sized(640, 360, dx, dy)
    }

    fn textured_sized(w: i32, h: i32, dx: i32, dy: i32) -> Mat {
        let mut m = Mat::new_rows_cols_with_default(h, w, CV_8UC1, Scalar::all(0.0)).unwrap();
        let mut seed = 3u64;
        for by in -2..(h / 16 + 2) {
            for bx in -2..(w / 16 + 2) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let v = (seed >> 56) as f64;
                let rect = opencv::core::Rect::new(bx * 16 + dx, by * 16 + dy, 16, 16);
                let _ = imgproc::rectangle(&mut m, rect, Scalar::all(v), -1, imgproc::LINE_8, 0);
            }
        }
        m
    }

    #[test]
    fn finds_a_shift_and_maps_points_back() {
        let mut cam = CameraTracker::default();
        for (dx, dy) in [(0, 0), (3, -2), (5, 1), (-2, 4)] {
            cam.push(&textured(dx, dy), &[]).unwrap();
        }
        let motion = cam.finish();
        assert!(motion.trusted.iter().all(|t| *t));
        // A point drawn at (100 + dx, 100 + dy) in frame 3 is at (100, 100) in frame 0.
        let (x, y) = motion.steady(3, 98.0, 104.0);
        assert!((x - 100.0).abs() < 0.3 && (y - 100.0).abs() < 0.3, "{x},{y}");
        assert!(motion.moved());
    }

    /// A soft, low-contrast wall (blurred blocks) seen through a shaking camera: frame `i`
    /// is the wall moved by `shake(i)` plus fresh sensor noise.
    fn shaken_wall(shakes: &[Similarity]) -> Vec<Mat> {
        let mut wall = textured(0, 0);
        let mut soft = Mat::default();
        imgproc::gaussian_blur(&wall, &mut soft, Size::new(9, 9), 3.0, 3.0, opencv::core::BORDER_REFLECT).unwrap();
        soft.convert_to(&mut wall, -1, 0.25, 96.0).unwrap();
        shakes
            .iter()
            .map(|s| {
                let m = Mat::from_slice_2d(&[[s.a, -s.b, s.tx], [s.b, s.a, s.ty]]).unwrap();
                let mut moved = Mat::default();
                imgproc::warp_affine(
                    &wall,
                    &mut moved,
                    &m,
                    wall.size().unwrap(),
                    imgproc::INTER_LINEAR,
                    opencv::core::BORDER_REFLECT,
                    Scalar::default(),
                )
                .unwrap();
                let mut noise = Mat::new_rows_cols_with_default(
                    moved.rows(),
                    moved.cols(),
                    opencv::core::CV_16SC1,
                    Scalar::all(0.0),
                )
                .unwrap();
                opencv::core::randn(&mut noise, &Scalar::all(0.0), &Scalar::all(3.0)).unwrap();
                let mut wide = Mat::default();
                moved.convert_to(&mut wide, opencv::core::CV_16SC1, 1.0, 0.0).unwrap();
                let mut sum = Mat::default();
                opencv::core::add(&wide, &noise, &mut sum, &opencv::core::no_array(), -1).unwrap();
                sum.convert_to(&mut moved, CV_8UC1, 1.0, 0.0).unwrap();
                moved
            })
            .collect()
    }

    #[test]
    fn a_long_shaken_sequence_does_not_drift() {
        // 300 frames of smooth shake: up to 6 px and 0.5 degrees, back and forth.
        let shakes: Vec<Similarity> = (0..300)
            .map(|i| {
                let t = i as f64 * 0.07;
                let r = (0.5f64).to_radians() * (1.3 * t).sin();
                Similarity { a: r.cos(), b: r.sin(), tx: 6.0 * t.sin(), ty: 4.0 * (0.8 * t).cos() - 4.0 }
            })
            .collect();
        let mut cam = CameraTracker::default();
        for f in shaken_wall(&shakes) {
            cam.push(&f, &[]).unwrap();
        }
        let motion = cam.finish();
        // A wall point p is drawn at shake(i)(p) in frame i; steadied it must land where frame
        // 0 drew it.
        let mut worst: f64 = 0.0;
        for (i, s) in shakes.iter().enumerate() {
            for p in [(40.0, 40.0), (600.0, 40.0), (320.0, 180.0), (40.0, 320.0), (600.0, 320.0)] {
                let (x, y) = s.apply(p.0, p.1);
                let (sx, sy) = motion.steady(i, x, y);
                let (tx, ty) = shakes[0].apply(p.0, p.1);
                worst = worst.max((sx - tx).hypot(sy - ty));
            }
        }
        assert!(worst < 0.5, "steadied points wander {worst:.2} px from frame 0");
    }

    /// A still camera on a wide frame (shrunk for the work) with a figure moving in the region
    /// given as moving, from the first frame on: the figure is not background, so the camera
    /// must stay still. (The first frame's region was once shrunk before the scale was known,
    /// so the first key frame kept the figure and the fit followed it.) The wall is faint (a
    /// painted wall, a render's bricks): its corners are weak next to the figure's, so the
    /// dense fit carries the motion and sees whatever is not masked.
    #[test]
    fn a_moving_figure_in_the_excluded_region_does_not_move_the_camera() {
        let mut blurred = Mat::default();
        imgproc::gaussian_blur(
            &textured_sized(1280, 720, 0, 0),
            &mut blurred,
            Size::new(37, 37),
            6.0,
            6.0,
            opencv::core::BORDER_REFLECT,
        )
        .unwrap();
        let mut wall = Mat::default();
        blurred.convert_to(&mut wall, -1, 0.1, 115.0).unwrap();
        let figure = textured_sized(200, 300, 0, 0);
        let moving = [Rect::new(300, 150, 560, 460)];
        let mut cam = CameraTracker::default();
        for i in 0..30 {
            let mut frame = wall.clone();
            let mut place = Mat::roi_mut(&mut frame, Rect::new(350 + 12 * i, 200, 200, 300)).unwrap();
            figure.copy_to(&mut place).unwrap();
            cam.push(&frame, &moving).unwrap();
        }
        let shift = cam.finish().largest_shift();
        assert!(shift < NEGLIGIBLE_PX, "a still camera read as moving {shift:.1} px");
    }

    #[test]
    fn similarity_algebra() {
        let s = Similarity { a: 0.99, b: 0.02, tx: 3.0, ty: -1.0 };
        let back = s.inverse().after(&s);
        let (x, y) = back.apply(10.0, 20.0);
        assert!((x - 10.0).abs() < 1e-9 && (y - 20.0).abs() < 1e-9);
    }
}
