//! Per-frame CSV export of the bar and body tracks, for spreadsheets and notebooks.
//!
//! One row per frame. The raw columns hold exactly the JSON result's tracks (pixels of the
//! upright frame, full precision, empty cells where the JSON has `null`), so the CSV reads
//! back to the same tracks; derived columns in cm and m/s follow for convenience.

use super::series::{rep_frames, Series};
use crate::error::{Error, Result};
use crate::schema::*;
use std::fmt::Write;
use std::path::Path;

/// Columns after the raw tracks, derived from them.
pub const DERIVED_COLUMNS: [&str; 7] =
    ["bar_height_cm", "bar_x_cm", "bar_velocity_m_s", "hip_height_cm", "shoulder_height_cm", "rep", "phase"];

/// The header row's names, in order.
pub fn header() -> Vec<String> {
    let mut h: Vec<String> =
        ["frame", "t_s", "bar_x_px", "bar_y_px", "bar_conf"].iter().map(|s| s.to_string()).collect();
    for p in BODY_POINTS {
        for c in ["x_px", "y_px", "conf"] {
            h.push(format!("{p}_{c}"));
        }
    }
    h.extend(DERIVED_COLUMNS.iter().map(|s| s.to_string()));
    h
}

fn body_points(b: &Body) -> [[f64; 3]; 8] {
    [b.shoulder, b.hip, b.knee, b.ankle, b.heel, b.toe, b.ear, b.wrist]
}

/// The CSV text of a result's tracks.
pub fn to_string(a: &Analysis) -> String {
    let s = Series::new(a);
    let mut rep_of = vec![None; a.frames.len()];
    for r in &a.reps {
        let (start, end) = rep_frames(a, r);
        for (i, slot) in rep_of.iter_mut().enumerate().take(end + 1).skip(start) {
            let phase = if i < r.liftoff_frame {
                "setup"
            } else if i <= r.lockout_frame {
                "pull"
            } else {
                "lower"
            };
            *slot = Some((r.index, phase));
        }
    }
    let mut out = header().join(",");
    out.push('\n');
    let opt = |v: Option<f64>| v.map_or_else(String::new, |v| format!("{v}"));
    for (k, f) in a.frames.iter().enumerate() {
        let _ = write!(out, "{},{}", f.i, f.t_s);
        match f.bar {
            Some(b) => {
                let _ = write!(out, ",{},{},{}", b.x_px, b.y_px, b.conf);
            }
            None => out.push_str(",,,"),
        }
        match &f.body {
            Some(b) => {
                for p in body_points(b) {
                    let _ = write!(out, ",{},{},{}", p[0], p[1], p[2]);
                }
            }
            None => out.push_str(&",".repeat(3 * BODY_POINTS.len())),
        }
        let derived = [
            s.bar_height_cm.get(k).copied().flatten(),
            s.bar_x_cm.get(k).copied().flatten(),
            s.bar_velocity_m_s.get(k).copied().flatten(),
            s.hip_height_cm.get(k).copied().flatten(),
            s.shoulder_height_cm.get(k).copied().flatten(),
        ];
        for d in derived {
            let _ = write!(out, ",{}", opt(d.map(|v| (v * 1e4).round() / 1e4)));
        }
        match rep_of[k] {
            Some((r, phase)) => {
                let _ = write!(out, ",{r},{phase}");
            }
            None => out.push_str(",,"),
        }
        out.push('\n');
    }
    out
}

pub fn write(a: &Analysis, path: &Path) -> Result<()> {
    super::write_atomically(path, to_string(a).as_bytes())
}

/// Reads the tracks back from CSV text written by [`to_string`].
pub fn parse_frames(text: &str) -> std::result::Result<Vec<Frame>, String> {
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().ok_or("empty file")?.split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).ok_or_else(|| format!("no column {name}"));
    let frame_c = col("frame")?;
    let t_c = col("t_s")?;
    let bar_c = [col("bar_x_px")?, col("bar_y_px")?, col("bar_conf")?];
    let mut body_c = Vec::new();
    for p in BODY_POINTS {
        body_c.push([col(&format!("{p}_x_px"))?, col(&format!("{p}_y_px"))?, col(&format!("{p}_conf"))?]);
    }
    let mut frames = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').collect();
        let num = |c: usize| -> std::result::Result<Option<f64>, String> {
            let s = cells.get(c).copied().unwrap_or("");
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse::<f64>().map(Some).map_err(|_| format!("row {}: '{s}' is not a number", n + 2))
            }
        };
        let i = num(frame_c)?.ok_or(format!("row {}: no frame number", n + 2))? as usize;
        let t_s = num(t_c)?.ok_or(format!("row {}: no time", n + 2))?;
        let bar = match (num(bar_c[0])?, num(bar_c[1])?, num(bar_c[2])?) {
            (Some(x_px), Some(y_px), Some(conf)) => Some(BarPoint { x_px, y_px, conf }),
            _ => None,
        };
        let mut pts = Vec::new();
        for c in &body_c {
            match (num(c[0])?, num(c[1])?, num(c[2])?) {
                (Some(x), Some(y), Some(conf)) => pts.push([x, y, conf]),
                _ => break,
            }
        }
        let body = (pts.len() == BODY_POINTS.len()).then(|| Body {
            shoulder: pts[0],
            hip: pts[1],
            knee: pts[2],
            ankle: pts[3],
            heel: pts[4],
            toe: pts[5],
            ear: pts[6],
            wrist: pts[7],
        });
        frames.push(Frame { i, t_s, bar, body, to_first_frame: None });
    }
    Ok(frames)
}

/// Reads the tracks back from a CSV file.
pub fn read_frames(path: &Path) -> Result<Vec<Frame>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_frames(&text).map_err(|why| Error::BadCsv { path: path.to_path_buf(), why })
}
