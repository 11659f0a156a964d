//! formcheck: side-view deadlift video analysis.
//!
//! The pipeline reads top to bottom in the module tree:
//! `video` (decode) → `track` (bar, body) → `signal` → `reps` → `metrics` → `faults`
//! → `report` / `history`. Each stage takes and returns plain data, so it can be tested
//! alone; `analyze` runs them in order. `render` draws synthetic lifters with exact truth
//! and shares nothing with the analysis stages except the plain types in `schema`.

pub mod analyze;
pub mod error;
pub mod metrics;
pub mod render;
pub mod report;
pub mod reps;
pub mod schema;
pub mod signal;
pub mod track;
pub mod video;

pub use error::{Error, Result};

/// The version written into every result and history record.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
