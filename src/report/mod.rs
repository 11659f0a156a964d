//! What the user gets: the JSON result, a plain-language summary, plots, the annotated
//! video, the per-frame CSV and the HTML report.

pub mod coach;
pub mod csv;
pub mod fixture;
pub mod html;
pub mod json;
pub mod plot;
pub mod series;
pub mod summary;
pub mod video;

use crate::error::{Error, Result};
use std::path::Path;

/// Writes a file so it either appears whole or not at all: a crash or a full disk half-way
/// must not leave a truncated result that looks like a real one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}
