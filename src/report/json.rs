//! The JSON result (`formcheck.analysis/1`).

use crate::error::{Error, Result};
use crate::schema::Analysis;
use std::path::Path;

pub fn to_string(analysis: &Analysis) -> String {
    serde_json::to_string_pretty(analysis).expect("an analysis always serialises")
}

pub fn write(analysis: &Analysis, path: &Path) -> Result<()> {
    super::write_atomically(path, to_string(analysis).as_bytes())
}

pub fn read(path: &Path) -> Result<Analysis> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| Error::BadResultFile { path: path.to_path_buf(), why: e.to_string() })
}
