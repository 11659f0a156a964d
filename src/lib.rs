//! formcheck: side-view deadlift video analysis.
//!
//! The pipeline reads top to bottom in the module tree:
//! `video` (decode) → `track` (bar, body) → `signal` → `reps` → `metrics` → `faults`
//! → `report` / `history`. Each stage takes and returns plain data, so it can be tested
//! alone; `analyze` runs them in order. `render` draws synthetic lifters with exact truth
//! and shares nothing with the analysis stages except the plain types in `schema`.

// NaN-safe checks are written `!(x > limit)` on purpose: a NaN must fail them. Numeric
// kernels (elimination, resampling) index several arrays in lockstep, clearer with indices.
#![allow(clippy::neg_cmp_op_on_partial_ord, clippy::needless_range_loop)]

pub mod analyze;
pub mod batch;
pub mod error;
pub mod faults;
pub mod history;
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

/// Environment variable that moves formcheck's data folder (history, runtime library).
pub const HOME_ENV: &str = "FORMCHECK_HOME";

/// formcheck's data folder: `$FORMCHECK_HOME`, else the platform's data directory
/// (`~/.local/share/formcheck` on Linux). The set-up script installs the ONNX Runtime
/// library under `lib/` here and the history lives here by default.
pub fn data_dir() -> Option<std::path::PathBuf> {
    if let Some(home) = std::env::var_os(HOME_ENV) {
        return Some(home.into());
    }
    directories::ProjectDirs::from("", "", "formcheck").map(|d| d.data_dir().to_path_buf())
}
