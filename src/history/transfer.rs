//! Moving history between machines: `formcheck export` writes a lifter's sessions (with the
//! full results) as one JSON file; `formcheck import` reads it back. The per-rep tables are
//! rebuilt from the results, so an imported history compares exactly like the original.

use super::{store, DateSource, History, SaveKind, SessionRecord};
use crate::error::{Error, Result};
use crate::schema::Analysis;
use chrono::NaiveDate;
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Schema of export files; bump the number on a breaking change.
pub const EXPORT_SCHEMA: &str = "formcheck.history-export/1";
const EXPORT_PREFIX: &str = "formcheck.history-export/";
const EXPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub schema: String,
    pub exported_by: String,
    pub exported_at: String,
    pub lifters: Vec<ExportLifter>,
    /// The file it was read from, for messages.
    #[serde(skip)]
    pub source: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportLifter {
    pub name: String,
    pub sessions: Vec<ExportSession>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportSession {
    pub date: NaiveDate,
    pub date_source: DateSource,
    pub load_kg: Option<f64>,
    pub note: Option<String>,
    pub tool_version: String,
    pub video_sha256: String,
    pub video_path: String,
    pub saved_at: String,
    pub updated_at: String,
    /// The full `formcheck.analysis` result as saved.
    pub result: serde_json::Value,
}

/// What an import did, per lifter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    pub lifters: Vec<ImportedLifter>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedLifter {
    pub name: String,
    /// Sessions new to this history.
    pub inserted: usize,
    /// Sessions of the same video already here, replaced by the imported record.
    pub updated: usize,
}

impl Export {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an export always serialises")
    }

    /// Reads an export file, checking its schema before anything else.
    pub fn read(path: &Path) -> Result<Export> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Export> {
        let bad = |why: String| Error::BadExportFile { path: path.to_path_buf(), why };
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let schema = value.get("schema").and_then(|s| s.as_str()).ok_or_else(|| bad("no \"schema\" field".into()))?;
        let Some(version) = schema.strip_prefix(EXPORT_PREFIX) else {
            return Err(bad(format!("its schema is {schema:?}")));
        };
        // Plain digits without a leading zero: "formcheck.history-export/1". A number too
        // big for u32 is still a (much) newer version.
        let digits = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) && !version.starts_with('0');
        if !digits {
            return Err(bad(format!("unknown schema {schema:?}; this formcheck reads {EXPORT_SCHEMA:?}")));
        }
        if version.parse::<u32>().map_or(true, |v| v > EXPORT_VERSION) {
            return Err(Error::ExportTooNew {
                path: path.to_path_buf(),
                found: schema.to_string(),
                supported: EXPORT_SCHEMA,
            });
        }
        let mut export: Export = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        export.source = Some(path.to_path_buf());
        Ok(export)
    }
}

/// What `--save` itself would refuse, checked before anything is written: a load that is
/// not a bar weight, a date the history cannot store.
fn check_session(s: &ExportSession, name: &str) -> std::result::Result<(), String> {
    if let Some(kg) = s.load_kg {
        if !(kg.is_finite() && kg > 0.0 && kg < 2000.0) {
            return Err(format!(
                "{name}'s session of {}: load_kg is {kg}, not a bar weight in kg (more than 0, less than 2000); \
                 correct it or set it to null",
                s.date
            ));
        }
    }
    use chrono::Datelike;
    if !(0..=9999).contains(&s.date.year()) {
        return Err(format!(
            "{name}'s session dated {}: a session date must be YYYY-MM-DD with a four-digit year",
            s.date
        ));
    }
    Ok(())
}

/// What `--save` needs of a result: the video's SHA-256 (64 hex digits) and each rep
/// numbered once, from 1.
fn check_result(a: &Analysis) -> std::result::Result<(), String> {
    if super::check_analysis(a).is_err() {
        return Err(format!(
            "its result's video.sha256 {:?} is not a SHA-256 (64 hex digits); export the session again",
            a.video.sha256
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for r in &a.reps {
        if r.index < 1 || i64::try_from(r.index).is_err() {
            return Err(format!("its result has a rep numbered {}; reps are numbered from 1", r.index));
        }
        if !seen.insert(r.index) {
            return Err(format!("its result has rep number {} twice", r.index));
        }
    }
    Ok(())
}

impl History {
    /// One lifter's sessions (or everyone's, with `None`) as an export.
    pub fn export(&self, lifter: Option<&str>) -> Result<Export> {
        let sql = self.sql("exporting");
        // One read transaction: a saver running meanwhile is either all in or all out.
        let tx = self.conn().unchecked_transaction().map_err(&sql)?;
        let list = self.sessions(lifter)?;
        let mut lifters: Vec<ExportLifter> = Vec::new();
        for s in list {
            let json: String =
                tx.query_row("SELECT result_json FROM sessions WHERE id = ?1", [s.id], |r| r.get(0)).map_err(&sql)?;
            let result = serde_json::from_str(&json).map_err(|e| Error::HistoryCorrupt {
                path: self.path().to_path_buf(),
                why: format!("session {} of {}: stored result does not parse: {e}", s.date, s.lifter),
            })?;
            let session = ExportSession {
                date: s.date,
                date_source: s.date_source,
                load_kg: s.load_kg,
                note: s.note,
                tool_version: s.tool_version,
                video_sha256: s.video_sha256,
                video_path: s.video_path,
                saved_at: s.saved_at,
                updated_at: s.updated_at,
                result,
            };
            match lifters.last_mut() {
                Some(l) if l.name == s.lifter => l.sessions.push(session),
                _ => lifters.push(ExportLifter { name: s.lifter, sessions: vec![session] }),
            }
        }
        tx.finish().map_err(&sql)?;
        Ok(Export {
            schema: EXPORT_SCHEMA.to_string(),
            exported_by: crate::VERSION.to_string(),
            exported_at: super::now_utc(),
            lifters,
            source: None,
        })
    }

    /// Adds an export's sessions, all in one transaction: either every session lands or
    /// none does. A session whose video is already saved for that lifter is replaced by the
    /// imported record. `rename` imports a single-lifter export under another name.
    pub fn import(&mut self, export: &Export, rename: Option<&str>) -> Result<ImportOutcome> {
        if rename.is_some() && export.lifters.len() != 1 {
            return Err(Error::InvalidSetting {
                what: "--as",
                value: rename.unwrap_or_default().to_string(),
                why: format!("the file holds {} lifters; --as renames a single lifter's export", export.lifters.len()),
            });
        }
        let source = export.source.clone().unwrap_or_else(|| "(export)".into());
        // Parse and check everything before the transaction starts.
        let mut prepared = Vec::new();
        for l in &export.lifters {
            let name = super::check_lifter_name(rename.unwrap_or(&l.name)).map_err(|e| {
                let why = match &e {
                    Error::InvalidSetting { why, .. } => why.split(';').next().unwrap_or(why).to_string(),
                    other => other.to_string(),
                };
                match rename {
                    Some(r) => Error::InvalidSetting {
                        what: "--as",
                        value: format!("{r:?}"),
                        why: format!("{why}; give the name to import under, e.g. --as Anna"),
                    },
                    None => Error::BadExportFile {
                        path: source.clone(),
                        why: format!(
                            "the lifter name {:?}: {why}; correct it in the file, or import with --as NAME",
                            l.name
                        ),
                    },
                }
            })?;
            let mut sessions = Vec::new();
            for s in &l.sessions {
                check_session(s, &name).map_err(|why| Error::BadExportFile { path: source.clone(), why })?;
                let analysis: Analysis =
                    serde_json::from_value(s.result.clone()).map_err(|e| Error::BadExportFile {
                        path: source.clone(),
                        why: format!("{name}'s session of {}: result does not parse: {e}", s.date),
                    })?;
                check_result(&analysis).map_err(|why| Error::BadExportFile {
                    path: source.clone(),
                    why: format!("{name}'s session of {}: {why}", s.date),
                })?;
                if !analysis.video.sha256.eq_ignore_ascii_case(&s.video_sha256) {
                    return Err(Error::BadExportFile {
                        path: source.clone(),
                        why: format!(
                            "{name}'s session of {}: video_sha256 {} does not match its result's {}",
                            s.date, s.video_sha256, analysis.video.sha256
                        ),
                    });
                }
                sessions.push((s, analysis));
            }
            prepared.push((name, sessions));
        }

        let path = self.path().to_path_buf();
        let sql = store::sql_error(&path, "importing");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&sql)?;
        let mut outcome = ImportOutcome { lifters: Vec::new() };
        for (name, sessions) in &prepared {
            let mut done = ImportedLifter { name: name.clone(), inserted: 0, updated: 0 };
            for (s, analysis) in sessions {
                let (result_json, analysis) = super::canonical_result(analysis);
                let rec = SessionRecord {
                    lifter: name.clone(),
                    date: s.date,
                    date_source: s.date_source,
                    load_kg: s.load_kg,
                    note: s.note.clone(),
                    analysis,
                    result_json,
                    saved_at: s.saved_at.clone(),
                    updated_at: s.updated_at.clone(),
                    replace_all: true,
                };
                match super::write_session(&tx, &rec, &path)?.kind {
                    SaveKind::Inserted => done.inserted += 1,
                    SaveKind::Updated => done.updated += 1,
                }
            }
            outcome.lifters.push(done);
        }
        super::test_pause_in_save();
        tx.commit().map_err(&sql)?;
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(sha: &str) -> Analysis {
        let truth = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_videos/clean_3rep.truth.json");
        let truth: crate::schema::Truth = serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
        let mut a = crate::report::fixture::analysis_from_truth(&truth, "clean_3rep.mp4");
        a.video.sha256 = sha.to_string();
        a
    }

    fn export(name: &str, date: NaiveDate, load_kg: Option<f64>, a: &Analysis) -> Export {
        let session = ExportSession {
            date,
            date_source: DateSource::Given,
            load_kg,
            note: None,
            tool_version: a.tool_version.clone(),
            video_sha256: a.video.sha256.clone(),
            video_path: a.video.path.clone(),
            saved_at: "2025-01-01T00:00:00Z".into(),
            updated_at: "2025-01-01T00:00:00Z".into(),
            result: serde_json::to_value(a).unwrap(),
        };
        Export {
            schema: EXPORT_SCHEMA.into(),
            exported_by: crate::VERSION.into(),
            exported_at: "2025-01-01T00:00:00Z".into(),
            lifters: vec![ExportLifter { name: name.into(), sessions: vec![session] }],
            source: Some("anna.json".into()),
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()
    }

    /// Imports `e` into a new history; the error's text, after checking nothing was written.
    fn refused(e: &Export, rename: Option<&str>) -> Error {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::open(&dir.path().join("h.sqlite")).unwrap();
        let err = h.import(e, rename).unwrap_err();
        assert!(h.sessions(None).unwrap().is_empty(), "{err}");
        err
    }

    #[test]
    fn the_sample_imports() {
        let dir = tempfile::tempdir().unwrap();
        let mut h = History::open(&dir.path().join("h.sqlite")).unwrap();
        let out = h.import(&export("Anna", day(), Some(100.0), &sample(&"ab".repeat(32))), None).unwrap();
        assert_eq!(out.lifters[0].inserted, 1);
    }

    // Found reading the parser for the fuzz properties: a schema version 0, "01" or "+1"
    // was read as version 1.
    #[test]
    fn only_plain_schema_numbers_are_read() {
        let p = Path::new("x.json");
        let body = r#""exported_by": "t", "exported_at": "t", "lifters": []"#;
        for v in ["0", "01", "+1", "", "1 ", "1.0"] {
            let text = format!(r#"{{"schema": "formcheck.history-export/{v}", {body}}}"#);
            let e = Export::parse(&text, p).unwrap_err();
            assert!(matches!(e, Error::BadExportFile { .. }) && e.to_string().contains("unknown schema"), "{v}: {e}");
        }
        for v in ["2", "4294967296"] {
            let text = format!(r#"{{"schema": "formcheck.history-export/{v}", {body}}}"#);
            assert!(matches!(Export::parse(&text, p).unwrap_err(), Error::ExportTooNew { .. }), "{v}");
        }
        assert!(Export::parse(&format!(r#"{{"schema": "{EXPORT_SCHEMA}", {body}}}"#), p).is_ok());
    }

    // Fuzzing found: a load of 0 or below failed in SQLite ("CHECK constraint failed ...
    // check the disk"), and a load of 1e300 kg was stored although --load-kg refuses it.
    #[test]
    fn loads_that_save_refuses_are_refused_naming_the_file() {
        let a = sample(&"ab".repeat(32));
        for kg in [0.0, -5.0, 2000.0, 1e300] {
            let e = refused(&export("Anna", day(), Some(kg), &a), None);
            let msg = e.to_string();
            assert!(matches!(e, Error::BadExportFile { .. }), "{msg}");
            assert!(msg.contains("anna.json") && msg.contains("load_kg") && msg.contains("set it to null"), "{msg}");
        }
    }

    // Found writing the fuzz oracle: a year past 9999 failed in SQLite's CHECK, not in a check
    // of the file.
    #[test]
    fn dates_the_history_cannot_store_are_refused() {
        let a = sample(&"ab".repeat(32));
        let far = NaiveDate::from_ymd_opt(12345, 1, 1).unwrap();
        let msg = refused(&export("Anna", far, None, &a), None).to_string();
        assert!(msg.contains("anna.json") && msg.contains("four-digit year"), "{msg}");
    }

    // Fuzzing found: a bad lifter name in the file was blamed on `--lifter`, an option
    // import does not have.
    #[test]
    fn bad_names_are_blamed_on_the_file_or_on_as() {
        let a = sample(&"ab".repeat(32));
        let e = refused(&export("  ", day(), None, &a), None);
        let msg = e.to_string();
        assert!(matches!(e, Error::BadExportFile { .. }) && msg.contains("anna.json"), "{msg}");
        assert!(msg.contains("lifter name") && msg.contains("--as") && !msg.contains("--lifter"), "{msg}");
        let msg = refused(&export("Anna", day(), None, &a), Some("\u{7}")).to_string();
        assert!(msg.contains("--as") && !msg.contains("--lifter"), "{msg}");
    }

    // Found writing the fuzz oracle: a rep numbered 0 or above i64::MAX (stored wrapped to a
    // negative number) was stored; one numbered twice was refused only by the database,
    // blaming the video.
    #[test]
    fn rep_numbers_are_checked_before_anything_is_written() {
        let mut a = sample(&"ab".repeat(32));
        assert!(a.reps.len() >= 2);
        for (index, want) in [(0, "numbered 0"), (usize::MAX, "numbered"), (a.reps[0].index, "twice")] {
            a.reps[1].index = index;
            let e = refused(&export("Anna", day(), None, &a), None);
            let msg = e.to_string();
            assert!(matches!(e, Error::BadExportFile { .. }) && msg.contains(want), "{msg}");
        }
        let msg = refused(&export("Anna", day(), None, &sample("not a sha")), None).to_string();
        assert!(msg.contains("anna.json") && msg.contains("SHA-256"), "{msg}");
    }
}
