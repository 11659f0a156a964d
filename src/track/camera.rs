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
/// Fewer surviving corners than this and new ones are found.
const MIN_CORNERS: usize = 80;
/// A frame's motion is trusted when at least this many corners agree on it.
const MIN_INLIERS: i32 = 25;

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
pub struct CameraTracker {
    scale: f64,
    prev: Mat,
    small: Mat,
    points: Vector<Point2f>,
    to_first: Vec<Similarity>,
    trusted: Vec<bool>,
    mask: Mat,
    exclude: Vec<Rect>,
}

impl Default for CameraTracker {
    fn default() -> Self {
        CameraTracker {
            scale: 1.0,
            prev: Mat::default(),
            small: Mat::default(),
            points: Vector::new(),
            to_first: Vec::new(),
            trusted: Vec::new(),
            mask: Mat::default(),
            exclude: Vec::new(),
        }
    }
}

impl CameraTracker {
    /// Adds the next frame. `exclude` lists regions that move on their own (the lifter, the
    /// plate) in full-resolution pixels: no corner is taken from them.
    pub fn push(&mut self, gray: &Mat, exclude: &[Rect]) -> Result<()> {
        self.exclude = exclude.iter().map(|r| self.shrink(*r)).collect();
        self.scale = (WORK_WIDTH / gray.cols() as f64).min(1.0);
        let size = Size::new(
            (gray.cols() as f64 * self.scale).round() as i32,
            (gray.rows() as f64 * self.scale).round() as i32,
        );
        imgproc::resize(gray, &mut self.small, size, 0.0, 0.0, imgproc::INTER_AREA)
            .map_err(Error::opencv("shrinking a frame for camera motion"))?;
        let (step, trusted) = if self.to_first.is_empty() { (Similarity::IDENTITY, true) } else { self.step()? };
        // `step` maps this frame to the previous one.
        let to_first = match self.to_first.last() {
            Some(prev) => prev.after(&step),
            None => Similarity::IDENTITY,
        };
        self.to_first.push(to_first);
        self.trusted.push(trusted);
        if self.points.len() < MIN_CORNERS {
            self.find_corners()?;
        }
        std::mem::swap(&mut self.prev, &mut self.small);
        Ok(())
    }

    /// Motion from the current frame back to the previous one, in full-resolution pixels.
    fn step(&mut self) -> Result<(Similarity, bool)> {
        if self.points.len() < MIN_INLIERS as usize {
            return Ok((Similarity::IDENTITY, false));
        }
        let mut next = Vector::<Point2f>::new();
        let mut status = Vector::<u8>::new();
        let mut err = Vector::<f32>::new();
        let criteria = TermCriteria::new(opencv::core::TermCriteria_COUNT | opencv::core::TermCriteria_EPS, 20, 0.03)
            .map_err(Error::opencv("setting flow criteria"))?;
        video::calc_optical_flow_pyr_lk(
            &self.prev,
            &self.small,
            &self.points,
            &mut next,
            &mut status,
            &mut err,
            Size::new(21, 21),
            3,
            criteria,
            0,
            1e-4,
        )
        .map_err(Error::opencv("following background corners"))?;
        let (mut from, mut to) = (Vector::<Point2f>::new(), Vector::<Point2f>::new());
        for i in 0..self.points.len() {
            let p = next.get(i).unwrap_or_default();
            let excluded = self.exclude.iter().any(|r| r.contains(opencv::core::Point::new(p.x as i32, p.y as i32)));
            if status.get(i).unwrap_or(0) == 1 && !excluded {
                from.push(next.get(i).unwrap_or_default());
                to.push(self.points.get(i).unwrap_or_default());
            }
        }
        self.points = from.clone();
        if from.len() < MIN_INLIERS as usize {
            return Ok((Similarity::IDENTITY, false));
        }
        let mut inliers = Mat::default();
        let m = calib3d::estimate_affine_partial_2d(&from, &to, &mut inliers, calib3d::RANSAC, 1.0, 2000, 0.99, 10)
            .map_err(Error::opencv("fitting the camera motion"))?;
        let count = opencv::core::count_non_zero(&inliers).unwrap_or(0);
        if m.empty() || count < MIN_INLIERS {
            return Ok((Similarity::IDENTITY, false));
        }
        let at = |r: i32, c: i32| m.at_2d::<f64>(r, c).copied().unwrap_or(0.0);
        let k = 1.0 / self.scale;
        Ok((Similarity { a: at(0, 0), b: at(1, 0), tx: at(0, 2) * k, ty: at(1, 2) * k }, true))
    }

    fn shrink(&self, r: Rect) -> Rect {
        let k = self.scale;
        Rect::new(
            (r.x as f64 * k) as i32,
            (r.y as f64 * k) as i32,
            (r.width as f64 * k).ceil() as i32,
            (r.height as f64 * k).ceil() as i32,
        )
    }

    fn find_corners(&mut self) -> Result<()> {
        self.mask = Mat::new_rows_cols_with_default(self.small.rows(), self.small.cols(), CV_8UC1, Scalar::all(255.0))
            .map_err(Error::opencv("making the corner mask"))?;
        for r in &self.exclude {
            imgproc::rectangle(&mut self.mask, *r, Scalar::all(0.0), -1, imgproc::LINE_8, 0)
                .map_err(Error::opencv("masking moving regions"))?;
        }
        let mut corners = Vector::<Point2f>::new();
        imgproc::good_features_to_track(&self.small, &mut corners, MAX_CORNERS, 0.01, 8.0, &self.mask, 3, false, 0.04)
            .map_err(Error::opencv("finding background corners"))?;
        self.points = corners;
        Ok(())
    }

    pub fn finish(self) -> CameraMotion {
        CameraMotion { to_first: self.to_first, trusted: self.trusted }
    }
}

/// Per frame, the map into the first frame's coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraMotion {
    pub to_first: Vec<Similarity>,
    pub trusted: Vec<bool>,
}

/// Camera motion smaller than this (px) is left alone: a tripod's residual flicker.
pub const NEGLIGIBLE_PX: f64 = 0.75;

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
        let (w, h) = (640, 360);
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

    #[test]
    fn similarity_algebra() {
        let s = Similarity { a: 0.99, b: 0.02, tx: 3.0, ty: -1.0 };
        let back = s.inverse().after(&s);
        let (x, y) = back.apply(10.0, 20.0);
        assert!((x - 10.0).abs() < 1e-9 && (y - 20.0).abs() < 1e-9);
    }
}
