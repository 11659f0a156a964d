//! Per-rep measurements, in centimetres, seconds and degrees through the plate calibration.

pub mod bar;
