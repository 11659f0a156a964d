//! The square, rotated region of the frame the landmark network looks at, and the
//! conversions between frame pixels and network inputs.
//!
//! The crop is taken at model resolution straight from the full frame by one affine warp:
//! no intermediate full-size copy is made.

use super::engine::{DETECTOR_SIZE, LANDMARK_SIZE};
use crate::error::{Error, Result};
use opencv::core::{Mat, Scalar, Size, CV_64F};
use opencv::imgproc;
use opencv::prelude::*;

/// A rotated square region of the frame: centre and side in pixels, rotation in radians
/// (0 = person upright; positive turns the crop's "up" towards image-right).
///
/// Coordinates here are continuous (pixel i covers [i, i+1)), as in MediaPipe; results leave
/// the body tracker in OpenCV's convention (pixel centres at integers), like the bar track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Roi {
    pub cx: f64,
    pub cy: f64,
    pub side: f64,
    pub rotation: f64,
}

/// MediaPipe's crop rule: centre on the first point, side twice the distance to the second
/// point scaled by 1.25, rotated so the first→second vector points up.
pub const ROI_SCALE: f64 = 1.25;

impl Roi {
    pub fn from_alignment(centre: (f64, f64), scale_point: (f64, f64)) -> Roi {
        let (dx, dy) = (scale_point.0 - centre.0, scale_point.1 - centre.1);
        let rotation = normalize_radians(std::f64::consts::FRAC_PI_2 - (-dy).atan2(dx));
        let side = 2.0 * dx.hypot(dy) * ROI_SCALE;
        Roi { cx: centre.0, cy: centre.1, side, rotation }
    }

    /// Frame position of a point given in crop pixels (0..256).
    pub fn to_frame(&self, x: f64, y: f64) -> (f64, f64) {
        let u = (x / LANDMARK_SIZE as f64 - 0.5) * self.side;
        let v = (y / LANDMARK_SIZE as f64 - 0.5) * self.side;
        let (s, c) = self.rotation.sin_cos();
        (self.cx + c * u - s * v, self.cy + s * u + c * v)
    }

    /// The 2x3 affine map from crop pixel indices to OpenCV frame coordinates (for
    /// `WARP_INVERSE_MAP`). Crop pixel u covers [u, u+1) in crop coordinates, and OpenCV puts
    /// pixel centres at integers, hence the half-pixel terms.
    fn crop_to_frame(&self) -> [[f64; 3]; 2] {
        let k = self.side / LANDMARK_SIZE as f64;
        let (s, c) = self.rotation.sin_cos();
        let (tx, ty) = self.to_frame(0.0, 0.0);
        [[c * k, -s * k, tx + 0.5 * (c * k - s * k) - 0.5], [s * k, c * k, ty + 0.5 * (s * k + c * k) - 0.5]]
    }
}

pub fn normalize_radians(a: f64) -> f64 {
    let tau = std::f64::consts::TAU;
    a - tau * ((a + std::f64::consts::PI) / tau).floor()
}

/// Reusable buffers for the network inputs, so the per-frame path does not allocate.
#[derive(Default)]
pub struct InputBuffers {
    warped: Mat,
    pub landmark: Vec<f32>,
    pub detector: Vec<f32>,
}

/// Where the letterboxed detector input sits in the frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Letterbox {
    /// Frame pixels per detector-input pixel.
    pub scale: f64,
    pub pad_x: f64,
    pub pad_y: f64,
}

impl Letterbox {
    pub fn for_frame(width: u32, height: u32) -> Self {
        let n = DETECTOR_SIZE as f64;
        let scale = width.max(height) as f64 / n;
        Letterbox { scale, pad_x: (n - width as f64 / scale) / 2.0, pad_y: (n - height as f64 / scale) / 2.0 }
    }

    /// Frame pixels of a point in normalized detector-input coordinates (0..1).
    pub fn to_frame(&self, x: f64, y: f64) -> (f64, f64) {
        let n = DETECTOR_SIZE as f64;
        ((x * n - self.pad_x) * self.scale, (y * n - self.pad_y) * self.scale)
    }
}

fn affine_mat(m: [[f64; 3]; 2]) -> Result<Mat> {
    let mut mat = Mat::new_rows_cols_with_default(2, 3, CV_64F, Scalar::all(0.0))
        .map_err(Error::opencv("making an affine map"))?;
    for (r, row) in m.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            *mat.at_2d_mut::<f64>(r as i32, c as i32).map_err(Error::opencv("filling an affine map"))? = *v;
        }
    }
    Ok(mat)
}

impl InputBuffers {
    /// Fills `self.landmark` with the crop `roi` of the BGR frame as RGB in [0, 1].
    pub fn fill_landmark_input(&mut self, frame: &Mat, roi: &Roi) -> Result<()> {
        let m = affine_mat(roi.crop_to_frame())?;
        let n = LANDMARK_SIZE as i32;
        imgproc::warp_affine(
            frame,
            &mut self.warped,
            &m,
            Size::new(n, n),
            imgproc::INTER_LINEAR | imgproc::WARP_INVERSE_MAP,
            opencv::core::BORDER_REPLICATE,
            Scalar::default(),
        )
        .map_err(Error::opencv("cutting the body crop"))?;
        bgr_to_rgb_f32(&self.warped, &mut self.landmark, 1.0 / 255.0, 0.0)
    }

    /// Fills `self.detector` with the whole frame letterboxed into 224x224, RGB in [-1, 1].
    pub fn fill_detector_input(&mut self, frame: &Mat) -> Result<Letterbox> {
        let lb = Letterbox::for_frame(frame.cols() as u32, frame.rows() as u32);
        // Detector pixel (u, v) samples frame point ((u - pad_x) * scale, (v - pad_y) * scale).
        let k = lb.scale;
        let m = affine_mat([[k, 0.0, (0.5 - lb.pad_x) * k - 0.5], [0.0, k, (0.5 - lb.pad_y) * k - 0.5]])?;
        let n = DETECTOR_SIZE as i32;
        let interpolation = if k > 1.0 { imgproc::INTER_AREA } else { imgproc::INTER_LINEAR };
        imgproc::warp_affine(
            frame,
            &mut self.warped,
            &m,
            Size::new(n, n),
            interpolation | imgproc::WARP_INVERSE_MAP,
            opencv::core::BORDER_CONSTANT,
            Scalar::all(0.0),
        )
        .map_err(Error::opencv("shrinking the frame for the person detector"))?;
        bgr_to_rgb_f32(&self.warped, &mut self.detector, 2.0 / 255.0, -1.0)?;
        // Letterbox padding must be exactly 0 after scaling to [-1, 1] (MediaPipe pads with 0).
        zero_padding(&mut self.detector, &lb);
        Ok(lb)
    }
}

fn zero_padding(data: &mut [f32], lb: &Letterbox) {
    let n = DETECTOR_SIZE;
    let x0 = lb.pad_x.floor().max(0.0) as usize;
    let x1 = (n as f64 - lb.pad_x).ceil().min(n as f64) as usize;
    let y0 = lb.pad_y.floor().max(0.0) as usize;
    let y1 = (n as f64 - lb.pad_y).ceil().min(n as f64) as usize;
    for y in 0..n {
        for x in 0..n {
            if x < x0 || x >= x1 || y < y0 || y >= y1 {
                let i = 3 * (y * n + x);
                data[i..i + 3].fill(0.0);
            }
        }
    }
}

/// Interleaved BGR u8 → interleaved RGB f32 `v * scale + offset`.
fn bgr_to_rgb_f32(bgr: &Mat, out: &mut Vec<f32>, scale: f32, offset: f32) -> Result<()> {
    let bytes = bgr.data_bytes().map_err(Error::opencv("reading the crop"))?;
    out.clear();
    out.reserve(bytes.len());
    for px in bytes.chunks_exact(3) {
        out.push(px[2] as f32 * scale + offset);
        out.push(px[1] as f32 * scale + offset);
        out.push(px[0] as f32 * scale + offset);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upright_person_has_no_rotation_and_maps_centre_to_centre() {
        let roi = Roi::from_alignment((300.0, 400.0), (300.0, 300.0));
        assert!(roi.rotation.abs() < 1e-12);
        assert!((roi.side - 250.0).abs() < 1e-9);
        let (x, y) = roi.to_frame(128.0, 128.0);
        assert!((x - 300.0).abs() < 1e-9 && (y - 400.0).abs() < 1e-9);
        // The top of the crop is towards the head.
        let (_, top) = roi.to_frame(128.0, 0.0);
        assert!(top < 400.0);
    }

    #[test]
    fn person_lying_head_right_is_turned_upright() {
        let roi = Roi::from_alignment((300.0, 400.0), (400.0, 400.0));
        assert!((roi.rotation - std::f64::consts::FRAC_PI_2).abs() < 1e-12);
        // Crop "up" (decreasing v) points to image-right, towards the head.
        let (x, _) = roi.to_frame(128.0, 0.0);
        assert!(x > 300.0);
    }

    #[test]
    fn letterbox_round_trip() {
        let lb = Letterbox::for_frame(1280, 720);
        let (x, y) = lb.to_frame(0.5, 0.5);
        assert!((x - 640.0).abs() < 1e-9 && (y - 360.0).abs() < 1e-9);
        let (_, top) = lb.to_frame(0.0, lb.pad_y / 224.0);
        assert!(top.abs() < 1e-9);
    }

    #[test]
    fn warped_crop_samples_where_the_roi_says() {
        // A frame with one bright pixel; the crop must put it where `to_frame` predicts.
        let mut frame = Mat::new_rows_cols_with_default(600, 800, opencv::core::CV_8UC3, Scalar::all(0.0)).unwrap();
        let roi = Roi { cx: 400.0, cy: 300.0, side: 256.0, rotation: 0.3 };
        let (fx, fy) = roi.to_frame(100.5, 60.5);
        *frame.at_2d_mut::<opencv::core::Vec3b>(fy.floor() as i32, fx.floor() as i32).unwrap() = [255, 255, 255].into();
        let mut buffers = InputBuffers::default();
        buffers.fill_landmark_input(&frame, &roi).unwrap();
        let (mut best, mut at) = (0.0f32, 0usize);
        for (i, v) in buffers.landmark.chunks_exact(3).enumerate() {
            if v[0] > best {
                best = v[0];
                at = i;
            }
        }
        let (u, v) = ((at % 256) as f64, (at / 256) as f64);
        assert!((u - 100.0).abs() <= 0.5 && (v - 60.0).abs() <= 0.5, "{u},{v}");
    }
}
