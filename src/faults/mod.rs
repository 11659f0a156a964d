//! Fault labels: rules per rep (`rules`), set-level reading (`set`), thresholds in one place
//! (`thresholds`).

pub mod rules;
pub mod set;
pub mod thresholds;

pub use thresholds::Thresholds;
