//! A borrowed 8-bit image (grey or BGR) with bilinear sampling, for the few places (plate
//! rim rays) where per-sample access beats an OpenCV call. Colour matters there: a red plate
//! on a dark floor is a strong colour edge but a weak grey one.

use crate::error::{Error, Result};
use opencv::core::{Mat, CV_8UC1, CV_8UC3};
use opencv::prelude::*;

#[derive(Clone, Copy)]
pub struct ImageView<'a> {
    data: &'a [u8],
    pub width: usize,
    pub height: usize,
    stride: usize,
    channels: usize,
}

/// Up to three channel values of one sample (unused channels are 0).
pub type Pixel = [f64; 3];

impl<'a> ImageView<'a> {
    pub fn from_mat(mat: &'a Mat) -> Result<Self> {
        let channels = match mat.typ() {
            t if t == CV_8UC1 => 1,
            t if t == CV_8UC3 => 3,
            t => {
                return Err(Error::OpenCv {
                    context: "viewing an image".into(),
                    source: opencv::Error::new(
                        opencv::core::StsBadArg,
                        format!("expected 8-bit grey or BGR, got type {t}"),
                    ),
                })
            }
        };
        if !mat.is_continuous() && mat.rows() > 1 && mat.step1(0).unwrap_or(0) == 0 {
            return Err(Error::OpenCv {
                context: "viewing an image".into(),
                source: opencv::Error::new(opencv::core::StsBadArg, "image without a row stride".to_string()),
            });
        }
        let stride = mat.step1(0).map_err(Error::opencv("reading an image's stride"))?;
        let data = mat.data_bytes().map_err(Error::opencv("borrowing pixels"))?;
        Ok(ImageView { data, width: mat.cols() as usize, height: mat.rows() as usize, stride, channels })
    }

    /// A view over a plain buffer (tests and synthetic images).
    pub fn from_slice(data: &'a [u8], width: usize, height: usize, channels: usize) -> Self {
        assert_eq!(data.len(), width * height * channels);
        ImageView { data, width, height, stride: width * channels, channels }
    }

    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Bilinear value at a sub-pixel position; `None` outside the image.
    #[inline]
    pub fn sample(&self, x: f64, y: f64) -> Option<Pixel> {
        if !(x >= 0.0 && y >= 0.0) {
            return None;
        }
        let x0 = x.floor() as usize;
        let y0 = y.floor() as usize;
        if x0 + 1 >= self.width || y0 + 1 >= self.height {
            return None;
        }
        let fx = x - x0 as f64;
        let fy = y - y0 as f64;
        let c = self.channels;
        let i00 = y0 * self.stride + x0 * c;
        let i10 = i00 + self.stride;
        let mut out = [0.0; 3];
        for (k, slot) in out.iter_mut().enumerate().take(c) {
            let p00 = self.data[i00 + k] as f64;
            let p01 = self.data[i00 + c + k] as f64;
            let p10 = self.data[i10 + k] as f64;
            let p11 = self.data[i10 + c + k] as f64;
            let top = p00 + (p01 - p00) * fx;
            let bottom = p10 + (p11 - p10) * fx;
            *slot = top + (bottom - top) * fy;
        }
        Some(out)
    }

    /// Size of the step between two samples, in grey-level units whatever the channel count:
    /// the colour distance divided by sqrt(channels), so a grey edge of 50 measures 50.
    #[inline]
    pub fn step_between(&self, a: &Pixel, b: &Pixel) -> f64 {
        let sq: f64 = (0..self.channels).map(|k| (a[k] - b[k]).powi(2)).sum();
        (sq / self.channels as f64).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilinear_sampling_interpolates_and_refuses_outside() {
        let data = [0u8, 100, 50, 150];
        let view = ImageView::from_slice(&data, 2, 2, 1);
        assert_eq!(view.sample(0.0, 0.0).unwrap()[0], 0.0);
        assert!((view.sample(0.5, 0.5).unwrap()[0] - 75.0).abs() < 1e-9);
        assert!(view.sample(-0.1, 0.0).is_none());
        assert!(view.sample(1.0, 0.0).is_none());
    }

    #[test]
    fn colour_steps_count_where_grey_would_not() {
        // Red (BGR 40,40,200) next to dark grey (50,50,50): grey values 88 vs 50.
        let data = [40u8, 40, 200, 50, 50, 50];
        let view = ImageView::from_slice(&data, 2, 1, 3);
        let red = [40.0, 40.0, 200.0];
        let grey = [50.0, 50.0, 50.0];
        assert!(view.step_between(&red, &grey) > 80.0);
    }
}
