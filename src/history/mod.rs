//! The history of a lifter's sessions: an embedded SQLite database, and the comparison of
//! sessions against a baseline that shows progress or regression.
//!
//! * [`History::open`] checks a file before it writes anything: a file that is not SQLite,
//!   another program's database, a damaged one or one from a newer formcheck is refused and
//!   left byte-for-byte untouched. A new or older database is created/migrated in one
//!   transaction (schema versions in [`store::MIGRATIONS`]).
//! * Every write is one `BEGIN IMMEDIATE` transaction in WAL mode with a busy timeout, so
//!   concurrent savers queue instead of failing and a killed process leaves the earlier
//!   sessions intact.
//! * [`metrics::METRICS`] is the one table of compared metrics and regression margins.
//!
//! `docs/history.md` describes the tables, the metrics and the export format.

pub mod compare;
pub mod metrics;
pub mod mp4;
pub mod plot;
mod store;
pub mod text;
pub mod transfer;

pub use compare::{Baseline, CompareRequest, Comparison, Window};
pub use store::{APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION};
pub use transfer::{Export, ImportOutcome, EXPORT_SCHEMA};

use crate::error::{Error, Result};
use crate::schema::Analysis;
use crate::track::body::engine::LandmarkModel;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a writer waits for another formcheck that holds the database.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Test hook: sleep this many milliseconds inside the save transaction, before commit, so a
/// test can kill the process mid-save or make two savers overlap. Not for users.
pub const TEST_PAUSE_ENV: &str = "FORMCHECK_TEST_PAUSE_IN_SAVE_MS";
/// Test hook: create this file once the save transaction has written its rows (and is
/// about to pause), so a test knows when to kill.
pub const TEST_IN_SAVE_FILE_ENV: &str = "FORMCHECK_TEST_IN_SAVE_FILE";

/// Where the session date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// `--date` on the command line.
    Given,
    /// The video's own creation time (MP4/MOV `mvhd`).
    Video,
    /// Neither was available: the day of saving.
    Today,
}

impl DateSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Given => "given",
            DateSource::Video => "video",
            DateSource::Today => "today",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "given" => Some(DateSource::Given),
            "video" => Some(DateSource::Video),
            "today" => Some(DateSource::Today),
            _ => None,
        }
    }
}

/// One session to record.
#[derive(Debug, Clone)]
pub struct SessionInput<'a> {
    pub lifter: &'a str,
    pub date: NaiveDate,
    pub date_source: DateSource,
    pub load_kg: Option<f64>,
    pub note: Option<&'a str>,
    pub analysis: &'a Analysis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SaveKind {
    Inserted,
    /// The same video (by SHA-256) was already saved for this lifter; its record was
    /// replaced by the new result.
    Updated,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SaveOutcome {
    pub kind: SaveKind,
    pub id: i64,
    /// The date stored (on an update without `--date`, the date saved first is kept).
    pub date: NaiveDate,
}

/// Reps of one session carrying a fault label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTally {
    pub fault_id: String,
    /// Reps labelled `likely`.
    pub likely_reps: usize,
    /// Reps labelled `watch` (and not `likely`).
    pub watch_reps: usize,
}

/// One stored session, without its full result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionInfo {
    pub id: i64,
    pub lifter: String,
    pub date: NaiveDate,
    pub date_source: DateSource,
    pub load_kg: Option<f64>,
    pub note: Option<String>,
    pub tool_version: String,
    /// The landmark model of the stored result (`None` for results saved before it was
    /// recorded, or without body points).
    pub body_model: Option<LandmarkModel>,
    pub video_sha256: String,
    pub video_path: String,
    pub rep_count: usize,
    pub faults: Vec<FaultTally>,
    pub saved_at: String,
    pub updated_at: String,
}

/// An open history database.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History").field("path", &self.path).finish()
    }
}

impl History {
    /// The default database: `history.sqlite` in the platform's data directory
    /// (`~/.local/share/formcheck` on Linux).
    pub fn default_path() -> Result<PathBuf> {
        let dirs = directories::ProjectDirs::from("", "", "formcheck").ok_or_else(|| Error::InvalidSetting {
            what: "history database",
            value: "(default)".into(),
            why: "no home directory found for the default location; give --db PATH".into(),
        })?;
        Ok(dirs.data_dir().join("history.sqlite"))
    }

    /// Opens the database at `path`, creating it (and migrating an older one) when needed.
    /// Anything that is not a formcheck history of this or an older version is refused
    /// before a single byte is written.
    pub fn open(path: &Path) -> Result<History> {
        Self::open_with(path, true)
    }

    /// Like [`History::open`] but refuses to create a new database: for commands that only
    /// read.
    pub fn open_existing(path: &Path) -> Result<History> {
        Self::open_with(path, false)
    }

    fn open_with(path: &Path, create: bool) -> Result<History> {
        let state = store::inspect(path)?;
        if state == store::FileState::Missing {
            if !create {
                return Err(Error::HistoryMissing { path: path.to_path_buf() });
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                if !dir.is_dir() {
                    return Err(Error::HistoryFolderMissing { path: path.to_path_buf(), folder: dir.to_path_buf() });
                }
            }
        }
        let conn = store::open_rw(path)?;
        let mut h = History { conn, path: path.to_path_buf() };
        store::migrate(&mut h.conn, path)?;
        store::enable_wal(&h.conn, path)?;
        Ok(h)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn sql(&self, context: &'static str) -> impl Fn(rusqlite::Error) -> Error + '_ {
        store::sql_error(&self.path, context)
    }

    /// Records a session. The same video (same SHA-256) saved again for the same lifter
    /// replaces the earlier record instead of adding a second one.
    pub fn save_session(&mut self, input: &SessionInput<'_>) -> Result<SaveOutcome> {
        let path = self.path.clone();
        let sql = store::sql_error(&path, "saving the session");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&sql)?;
        let now = now_utc();
        let record = SessionRecord::from_input(input, &now)?;
        let outcome = write_session(&tx, &record, &path)?;
        test_pause_in_save();
        tx.commit().map_err(&sql)?;
        Ok(outcome)
    }

    /// All sessions, or one lifter's, by date.
    pub fn sessions(&self, lifter: Option<&str>) -> Result<Vec<SessionInfo>> {
        let sql = self.sql("listing sessions");
        let lifter_id = match lifter {
            Some(name) => Some(self.lifter_id(name)?),
            None => None,
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.id, l.name, s.date, s.date_source, s.load_kg, s.note, s.tool_version,
                        s.video_sha256, s.video_path, s.rep_count, s.saved_at, s.updated_at,
                        json_extract(s.result_json, '$.body_model')
                   FROM sessions s JOIN lifters l ON l.id = s.lifter_id
                  WHERE ?1 IS NULL OR s.lifter_id = ?1
                  ORDER BY l.name COLLATE NOCASE, s.date, s.saved_at, s.video_sha256",
            )
            .map_err(&sql)?;
        let rows = stmt
            .query_map(params![lifter_id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<f64>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, String>(8)?,
                    r.get::<_, i64>(9)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, String>(11)?,
                    r.get::<_, Option<String>>(12)?,
                ))
            })
            .map_err(&sql)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, date, source, load_kg, note, tool, sha, vpath, reps, saved, updated, model) =
                row.map_err(&sql)?;
            out.push(SessionInfo {
                id,
                lifter: name,
                date: parse_stored_date(&date, &self.path)?,
                date_source: DateSource::parse(&source).ok_or_else(|| Error::HistoryCorrupt {
                    path: self.path.clone(),
                    why: format!("session {id} has an unknown date source {source:?}"),
                })?,
                load_kg,
                note,
                tool_version: tool,
                body_model: model.and_then(|m| serde_json::from_value(serde_json::Value::String(m)).ok()),
                video_sha256: sha,
                video_path: vpath,
                rep_count: reps.max(0) as usize,
                faults: self.fault_tally(id)?,
                saved_at: saved,
                updated_at: updated,
            });
        }
        Ok(out)
    }

    /// The full stored result of a session.
    pub fn result(&self, session_id: i64) -> Result<Analysis> {
        let json: String = self
            .conn
            .query_row("SELECT result_json FROM sessions WHERE id = ?1", [session_id], |r| r.get(0))
            .optional()
            .map_err(self.sql("reading a session"))?
            .ok_or_else(|| Error::InvalidSetting {
                what: "session id",
                value: session_id.to_string(),
                why: "no such session in this history; `formcheck history` lists them".into(),
            })?;
        serde_json::from_str(&json).map_err(|e| Error::HistoryCorrupt {
            path: self.path.clone(),
            why: format!("session {session_id}: stored result does not parse: {e}"),
        })
    }

    /// Lifter names, as first written.
    pub fn lifters(&self) -> Result<Vec<String>> {
        let sql = self.sql("listing lifters");
        let mut stmt = self.conn.prepare("SELECT name FROM lifters ORDER BY name COLLATE NOCASE").map_err(&sql)?;
        let names =
            stmt.query_map([], |r| r.get(0)).map_err(&sql)?.collect::<rusqlite::Result<Vec<String>>>().map_err(&sql)?;
        Ok(names)
    }

    /// Deletes everything stored about a lifter; returns how many sessions went. Deleted
    /// content is overwritten (`secure_delete`) and the write-ahead log is truncated, so the
    /// data does not linger in the file.
    pub fn forget_lifter(&mut self, lifter: &str) -> Result<usize> {
        let id = self.lifter_id(lifter)?;
        let path = self.path.clone();
        let sql = store::sql_error(&path, "deleting the lifter's data");
        self.conn.pragma_update(None, "secure_delete", "ON").map_err(&sql)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&sql)?;
        let sessions = tx
            .execute("DELETE FROM faults WHERE session_id IN (SELECT id FROM sessions WHERE lifter_id = ?1)", [id])
            .and_then(|_| {
                tx.execute("DELETE FROM reps WHERE session_id IN (SELECT id FROM sessions WHERE lifter_id = ?1)", [id])
            })
            .and_then(|_| tx.execute("DELETE FROM sessions WHERE lifter_id = ?1", [id]))
            .map_err(&sql)?;
        tx.execute("DELETE FROM lifters WHERE id = ?1", [id]).map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        // Best effort: another process reading the database can keep the log alive.
        let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        Ok(sessions)
    }

    /// The database id of a lifter (names match case-insensitively).
    pub(crate) fn lifter_id(&self, name: &str) -> Result<i64> {
        let name = name.trim();
        self.conn
            .query_row("SELECT id FROM lifters WHERE name = ?1 COLLATE NOCASE", [name], |r| r.get(0))
            .optional()
            .map_err(self.sql("finding the lifter"))?
            .ok_or_else(|| {
                let known = self.lifters().unwrap_or_default();
                Error::UnknownLifter {
                    lifter: name.to_string(),
                    known: if known.is_empty() { "none yet".into() } else { known.join(", ") },
                }
            })
    }

    fn fault_tally(&self, session_id: i64) -> Result<Vec<FaultTally>> {
        let sql = self.sql("counting faults");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT fault_id,
                        COUNT(DISTINCT CASE WHEN severity = 'likely' THEN rep END),
                        COUNT(DISTINCT rep)
                   FROM faults WHERE session_id = ?1
                  GROUP BY fault_id",
            )
            .map_err(&sql)?;
        let mut v = stmt
            .query_map([session_id], |r| {
                let likely: i64 = r.get(1)?;
                let any: i64 = r.get(2)?;
                Ok(FaultTally {
                    fault_id: r.get(0)?,
                    likely_reps: likely as usize,
                    watch_reps: (any - likely).max(0) as usize,
                })
            })
            .map_err(&sql)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(&sql)?;
        v.sort_by_key(|t| fault_order(&t.fault_id));
        Ok(v)
    }
}

/// Position of a fault id in `schema::FAULT_IDS` (unknown ids last, alphabetically).
pub(crate) fn fault_order(id: &str) -> (usize, String) {
    let pos = crate::schema::FAULT_IDS.iter().position(|f| *f == id).unwrap_or(usize::MAX);
    (pos, id.to_string())
}

pub(crate) fn now_utc() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub(crate) fn parse_stored_date(s: &str, path: &Path) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| Error::HistoryCorrupt {
        path: path.to_path_buf(),
        why: format!("a session has the date {s:?}, not YYYY-MM-DD"),
    })
}

/// Checks and tidies a lifter name: trimmed, 1 to 100 characters, no control characters.
pub fn check_lifter_name(name: &str) -> Result<String> {
    let n = name.trim();
    let why = if n.is_empty() {
        Some("the name is empty")
    } else if n.chars().count() > 100 {
        Some("the name is longer than 100 characters")
    } else if n.chars().any(char::is_control) {
        Some("the name holds control characters")
    } else {
        None
    };
    match why {
        Some(why) => Err(Error::InvalidSetting {
            what: "--lifter",
            value: format!("{name:?}"),
            why: format!("{why}; give the lifter's name, e.g. --lifter Anna"),
        }),
        None => Ok(n.to_string()),
    }
}

/// Everything one sessions row holds, from a new analysis or an imported export.
#[derive(Debug, Clone)]
pub(crate) struct SessionRecord {
    pub lifter: String,
    pub date: NaiveDate,
    pub date_source: DateSource,
    pub load_kg: Option<f64>,
    pub note: Option<String>,
    /// The result as stored: parsed back from `result_json`, so the rep rows hold exactly
    /// the numbers the stored text gives (see [`canonical_result`]).
    pub analysis: Analysis,
    pub result_json: String,
    pub saved_at: String,
    pub updated_at: String,
    /// Imports replace date/load/note as exported; a re-save keeps the stored ones unless
    /// given again.
    pub replace_all: bool,
}

impl SessionRecord {
    fn from_input(input: &SessionInput<'_>, now: &str) -> Result<SessionRecord> {
        let load_kg = match input.load_kg {
            Some(kg) if !(kg.is_finite() && kg > 0.0 && kg < 2000.0) => {
                return Err(Error::InvalidSetting {
                    what: "--load-kg",
                    value: kg.to_string(),
                    why: "give the bar's total weight in kg, e.g. --load-kg 140".into(),
                })
            }
            other => other,
        };
        check_analysis(input.analysis)?;
        let (result_json, analysis) = canonical_result(input.analysis);
        Ok(SessionRecord {
            lifter: check_lifter_name(input.lifter)?,
            date: input.date,
            date_source: input.date_source,
            load_kg,
            note: input.note.map(str::trim).filter(|n| !n.is_empty()).map(String::from),
            analysis,
            result_json,
            saved_at: now.to_string(),
            updated_at: now.to_string(),
            replace_all: false,
        })
    }
}

/// The result's JSON text and the result parsed back from it, at a fixed point of
/// serialise∘parse. serde_json's default float parsing is not always exact (about one value
/// in fifteen comes back one ulp off), but one more round trip settles it; from the fixed
/// point on, the numbers survive any number of exports and imports bit for bit, so an
/// imported history compares exactly like the original.
pub fn canonical_result(a: &Analysis) -> (String, Analysis) {
    let mut text = serde_json::to_string(a).expect("an analysis always serialises");
    let mut value = a.clone();
    for _ in 0..8 {
        let Ok(parsed) = serde_json::from_str::<Analysis>(&text) else {
            break; // not expected: keep the last text that parsed
        };
        let again = serde_json::to_string(&parsed).expect("an analysis always serialises");
        value = parsed;
        if again == text {
            break;
        }
        text = again;
    }
    (text, value)
}

pub(crate) fn check_analysis(a: &Analysis) -> Result<()> {
    let sha_ok = a.video.sha256.len() == 64 && a.video.sha256.bytes().all(|b| b.is_ascii_hexdigit());
    if !sha_ok {
        return Err(Error::InvalidSetting {
            what: "result video.sha256",
            value: a.video.sha256.clone(),
            why: "a result must carry the video's SHA-256 (64 hex digits) to be saved; analyse the video again".into(),
        });
    }
    Ok(())
}

/// Inserts or replaces one session with its reps and faults, inside the caller's
/// transaction.
pub(crate) fn write_session(tx: &rusqlite::Transaction<'_>, rec: &SessionRecord, path: &Path) -> Result<SaveOutcome> {
    let sql = store::sql_error(path, "saving the session");
    let a = &rec.analysis;
    let sha = a.video.sha256.to_ascii_lowercase();
    tx.execute(
        "INSERT INTO lifters (name, created_at) VALUES (?1, ?2) ON CONFLICT(name) DO NOTHING",
        params![rec.lifter, rec.saved_at],
    )
    .map_err(&sql)?;
    let lifter_id: i64 = tx
        .query_row("SELECT id FROM lifters WHERE name = ?1 COLLATE NOCASE", [&rec.lifter], |r| r.get(0))
        .map_err(&sql)?;
    let existing: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, date FROM sessions WHERE lifter_id = ?1 AND video_sha256 = ?2",
            params![lifter_id, sha],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(&sql)?;
    let date = rec.date.format("%Y-%m-%d").to_string();
    let (kind, id, stored_date) = match existing {
        None => {
            tx.execute(
                "INSERT INTO sessions (lifter_id, date, date_source, load_kg, note, tool_version,
                     video_sha256, video_path, result_schema, result_json, rep_count, saved_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    lifter_id,
                    date,
                    rec.date_source.as_str(),
                    rec.load_kg,
                    rec.note,
                    a.tool_version,
                    sha,
                    a.video.path,
                    a.schema,
                    rec.result_json,
                    store::judged_reps(a) as i64,
                    rec.saved_at,
                    rec.updated_at,
                ],
            )
            .map_err(&sql)?;
            (SaveKind::Inserted, tx.last_insert_rowid(), rec.date)
        }
        Some((id, old_date)) => {
            let replace_date = rec.replace_all || rec.date_source == DateSource::Given;
            tx.execute(
                "UPDATE sessions SET
                     date = CASE WHEN ?2 THEN ?3 ELSE date END,
                     date_source = CASE WHEN ?2 THEN ?4 ELSE date_source END,
                     load_kg = CASE WHEN ?5 OR ?6 IS NOT NULL THEN ?6 ELSE load_kg END,
                     note = CASE WHEN ?5 OR ?7 IS NOT NULL THEN ?7 ELSE note END,
                     tool_version = ?8, video_path = ?9, result_schema = ?10, result_json = ?11,
                     rep_count = ?12, updated_at = ?13,
                     saved_at = CASE WHEN ?5 THEN ?14 ELSE saved_at END
                 WHERE id = ?1",
                params![
                    id,
                    replace_date,
                    date,
                    rec.date_source.as_str(),
                    rec.replace_all,
                    rec.load_kg,
                    rec.note,
                    a.tool_version,
                    a.video.path,
                    a.schema,
                    rec.result_json,
                    store::judged_reps(a) as i64,
                    rec.updated_at,
                    rec.saved_at,
                ],
            )
            .map_err(&sql)?;
            tx.execute("DELETE FROM faults WHERE session_id = ?1", [id]).map_err(&sql)?;
            tx.execute("DELETE FROM reps WHERE session_id = ?1", [id]).map_err(&sql)?;
            let stored = if replace_date { rec.date } else { parse_stored_date(&old_date, path)? };
            (SaveKind::Updated, id, stored)
        }
    };
    store::insert_reps(tx, id, a, path)?;
    Ok(SaveOutcome { kind, id, date: stored_date })
}

/// The test hook behind [`TEST_PAUSE_ENV`].
pub(crate) fn test_pause_in_save() {
    let Some(ms) = std::env::var(TEST_PAUSE_ENV).ok().and_then(|v| v.parse::<u64>().ok()) else {
        return;
    };
    if let Ok(flag) = std::env::var(TEST_IN_SAVE_FILE_ENV) {
        let _ = std::fs::write(flag, std::process::id().to_string());
    }
    std::thread::sleep(Duration::from_millis(ms));
}
