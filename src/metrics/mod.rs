//! Per-rep measurements, in centimetres, seconds and degrees through the plate calibration.

pub mod bar;
pub mod body;
pub mod kinematics;
pub mod midfoot;
