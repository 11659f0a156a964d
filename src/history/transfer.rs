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
        let version: u32 = version.parse().map_err(|_| bad(format!("unknown schema {schema:?}")))?;
        if version > EXPORT_VERSION {
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
            let name = super::check_lifter_name(rename.unwrap_or(&l.name))?;
            let mut sessions = Vec::new();
            for s in &l.sessions {
                let analysis: Analysis =
                    serde_json::from_value(s.result.clone()).map_err(|e| Error::BadExportFile {
                        path: source.clone(),
                        why: format!("{name}'s session of {}: result does not parse: {e}", s.date),
                    })?;
                super::check_analysis(&analysis)?;
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
