//! Following things through the frames: the bar (plate) and the body.

pub mod bar;
pub mod body;
pub mod camera;
pub mod image;

use opencv::core::Mat;

/// One decoded frame in the forms the trackers use: BGR colour for rim edges (colour
/// contrast survives where grey contrast does not) and grey for correlation and circles.
pub struct FrameImages<'a> {
    pub colour: &'a Mat,
    pub gray: &'a Mat,
}
