//! The database file: checking it before any write, the schema and its migrations, and the
//! per-rep rows.

use crate::error::{Error, Result};
use crate::schema::{Analysis, DriftAt, Severity};
use rusqlite::{params, Connection, OpenFlags, TransactionBehavior};
use std::io::Read;
use std::path::{Path, PathBuf};

/// `PRAGMA application_id` of a formcheck history ("FmCk"): marks the file as ours in its
/// header (offset 68), readable without SQLite.
pub const APPLICATION_ID: i32 = i32::from_be_bytes(*b"FmCk");

/// The schema version this build writes (`PRAGMA user_version` and `formcheck_meta`).
pub const SCHEMA_VERSION: i64 = 1;

/// Versioned migrations: `(version, SQL)`; applying all with a version above the file's
/// `user_version`, in order and in one transaction, brings any older file up to date.
/// Never edit a released entry: add a new one.
pub const MIGRATIONS: &[(i64, &str)] = &[(1, V1)];

const V1: &str = "
CREATE TABLE formcheck_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE lifters (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    id            INTEGER PRIMARY KEY,
    lifter_id     INTEGER NOT NULL REFERENCES lifters(id) ON DELETE CASCADE,
    date          TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    date_source   TEXT NOT NULL CHECK (date_source IN ('given', 'video', 'today')),
    load_kg       REAL CHECK (load_kg IS NULL OR load_kg > 0),
    note          TEXT,
    tool_version  TEXT NOT NULL,
    video_sha256  TEXT NOT NULL,
    video_path    TEXT NOT NULL,
    result_schema TEXT NOT NULL,
    result_json   TEXT NOT NULL,
    rep_count     INTEGER NOT NULL,
    saved_at      TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (lifter_id, video_sha256)
);
CREATE INDEX sessions_by_lifter_date ON sessions (lifter_id, date);

CREATE TABLE reps (
    session_id                  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    rep                         INTEGER NOT NULL,
    liftoff_s                   REAL,
    lockout_s                   REAL,
    rom_cm                      REAL,
    mean_velocity_m_s           REAL,
    peak_velocity_m_s           REAL,
    time_to_lockout_s           REAL,
    velocity_loss_pct           REAL,
    bar_start_offset_cm         REAL,
    bar_drift_max_cm            REAL,
    bar_drift_max_at            TEXT,
    bar_drift_from_start_cm     REAL,
    hip_rise_before_bar_ms      REAL,
    hip_rise_before_bar_cm      REAL,
    hip_to_shoulder_rise_ratio  REAL,
    setup_hip_height_ratio      REAL,
    setup_knee_angle_deg        REAL,
    setup_trunk_angle_deg       REAL,
    trunk_chord_change_pct      REAL,
    lockout_trunk_lean_back_deg REAL,
    liftoff_accel_ratio         REAL,
    hold_before_liftoff_ms      REAL,
    floor_rebound               INTEGER,
    PRIMARY KEY (session_id, rep)
) WITHOUT ROWID;

CREATE TABLE faults (
    session_id INTEGER NOT NULL,
    rep        INTEGER NOT NULL,
    fault      INTEGER NOT NULL,
    fault_id   TEXT NOT NULL,
    severity   TEXT NOT NULL CHECK (severity IN ('likely', 'watch')),
    confidence REAL,
    at_s       REAL,
    value      REAL,
    threshold  REAL,
    FOREIGN KEY (session_id, rep) REFERENCES reps (session_id, rep) ON DELETE CASCADE
);
CREATE INDEX faults_by_session ON faults (session_id);
";

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileState {
    Missing,
    /// A 0-byte file, or an SQLite database with nothing in it: becomes a new history.
    Empty,
    /// A formcheck history this build can open (maybe after migrating).
    Ours,
}

pub(crate) fn sql_error<'a>(path: &'a Path, context: &'static str) -> impl Fn(rusqlite::Error) -> Error + 'a {
    move |e| classify(path, context, e)
}

fn classify(path: &Path, context: &'static str, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseBusy | C::DatabaseLocked) => {
            Error::HistoryBusy { path: path.to_path_buf(), waited_s: super::BUSY_TIMEOUT.as_secs() }
        }
        Some(C::DatabaseCorrupt) => Error::HistoryCorrupt { path: path.to_path_buf(), why: e.to_string() },
        Some(C::NotADatabase) => {
            Error::HistoryNotADatabase { path: path.to_path_buf(), why: "SQLite says it is not a database".into() }
        }
        _ => Error::HistorySql { path: path.to_path_buf(), context, source: e },
    }
}

/// What the read-only check learns: application id, user_version, tables, the
/// `formcheck_meta` format, and the quick_check verdict.
type FileFacts = (i32, i64, Vec<String>, Option<String>, String);

/// Looks at a file without writing to it: not there, empty, ours, or an error saying what
/// it is instead. Reads the 100-byte header directly, then (for SQLite files) opens a
/// read-only connection to check the application id, schema version and tables, and runs
/// `PRAGMA quick_check`.
pub(crate) fn inspect(path: &Path) -> Result<FileState> {
    inspect_attempt(path, TORN_READ_RETRIES)
}

/// How often `inspect` looks again when its unlocked read may have been torn.
const TORN_READ_RETRIES: usize = 3;

/// The database file's length and modification time, and whether a write-ahead log is next to
/// it: what tells an unlocked read that another process wrote meanwhile.
fn file_stamp(path: &Path) -> (Option<(u64, std::time::SystemTime)>, bool) {
    let meta = std::fs::metadata(path).ok().and_then(|m| Some((m.len(), m.modified().ok()?)));
    (meta, wal_path(path).exists())
}

fn wal_path(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

fn inspect_attempt(path: &Path, retries: usize) -> Result<FileState> {
    let p = || path.to_path_buf();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::Missing),
        Err(e) => return Err(Error::io(path, e)),
    };
    if meta.is_dir() {
        return Err(Error::HistoryNotADatabase { path: p(), why: "it is a folder".into() });
    }
    if meta.len() == 0 {
        return Ok(FileState::Empty);
    }
    let mut header = [0u8; 100];
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let n = read_up_to(&mut file, &mut header).map_err(|e| Error::io(path, e))?;
    drop(file);
    if n < 100 || &header[..16] != SQLITE_MAGIC {
        return Err(Error::HistoryNotADatabase { path: p(), why: describe_non_sqlite(&header[..n]) });
    }
    let header_app_id = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if header_app_id != 0 && header_app_id != APPLICATION_ID {
        return Err(Error::HistoryForeign {
            path: p(),
            what: format!("an SQLite database of another program (application id {:#010x})", header_app_id as u32),
        });
    }

    let before = file_stamp(path);
    let (ro, immutable) = match open_ro(path) {
        Ok(c) => c,
        Err(e) => return Err(classify(path, "opening the database to check it", e)),
    };
    let check = || -> rusqlite::Result<FileFacts> {
        let app: i32 = ro.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let ver: i64 = ro.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let mut stmt = ro.prepare(
            "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )?;
        let tables = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        let format = if tables.iter().any(|t| t == "formcheck_meta") {
            ro.query_row("SELECT value FROM formcheck_meta WHERE key = 'format'", [], |r| r.get(0)).ok()
        } else {
            None
        };
        let quick: String = ro.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
        Ok((app, ver, tables, format, quick))
    };
    let facts = check();
    drop(ro);
    // An `immutable` read takes no lock. When another formcheck opened the file after the look
    // for a write-ahead log and checkpointed into it during the read, the read is torn and the
    // check fails on a sound file (seen once with four savers at once: "wrong # of entries in
    // index"). The file's stamp then differs, or a log has appeared: look again (with a log,
    // through SQLite's locks) before calling the file damaged.
    let failed = !matches!(&facts, Ok(f) if f.4 == "ok");
    if immutable && failed && retries > 0 && file_stamp(path) != before {
        return inspect_attempt(path, retries - 1);
    }
    let (app, ver, tables, format, quick) = match facts {
        Ok(v) => v,
        Err(e) if header_app_id == APPLICATION_ID && is_read_only_error(&e) => {
            // Our own database with a journal only a writer may recover: let the
            // read-write open recover it, then check again inside the migration.
            return Ok(FileState::Ours);
        }
        Err(e) => {
            return Err(match classify(path, "checking the database", e) {
                Error::HistorySql { source, .. } => Error::HistoryCorrupt { path: p(), why: source.to_string() },
                other => other,
            })
        }
    };
    let ours = app == APPLICATION_ID || format.as_deref() == Some(FORMAT);
    if !ours {
        if app == 0 && ver == 0 && tables.is_empty() {
            return Ok(FileState::Empty);
        }
        return Err(Error::HistoryForeign {
            path: p(),
            what: if app != 0 {
                format!("an SQLite database of another program (application id {:#010x})", app as u32)
            } else if tables.is_empty() {
                format!("an SQLite database with user_version {ver} but no tables")
            } else {
                format!("an SQLite database of another program (tables: {})", tables.join(", "))
            },
        });
    }
    if quick != "ok" {
        return Err(Error::HistoryCorrupt {
            path: p(),
            why: format!(
                "integrity check: {}",
                quick.replace("*** in database main ***", "").split_whitespace().collect::<Vec<_>>().join(" ")
            ),
        });
    }
    if ver > SCHEMA_VERSION {
        return Err(Error::HistoryTooNew { path: p(), found: ver, supported: SCHEMA_VERSION });
    }
    Ok(FileState::Ours)
}

/// A read-only connection for checking a file, and whether it is `immutable`. Without a write-ahead log next to it, the
/// file alone is the whole database, so it is opened `immutable`: SQLite then creates no
/// -wal/-shm files and takes no locks, and nothing at all changes on disk. With a log (a
/// formcheck history in use, or left by a crash) the log must be read too.
fn open_ro(path: &Path) -> rusqlite::Result<(Connection, bool)> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if !wal_path(path).exists() {
        if let Some(uri) = immutable_uri(path) {
            return Ok((Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI)?, true));
        }
    }
    Ok((Connection::open_with_flags(path, flags)?, false))
}

fn immutable_uri(path: &Path) -> Option<String> {
    let abs = std::path::absolute(path).ok()?;
    let s = abs.to_str()?;
    let mut uri = String::from("file:");
    for c in s.chars() {
        match c {
            '%' | '?' | '#' => uri.push_str(&format!("%{:02X}", c as u32)),
            c => uri.push(c),
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    Some(uri)
}

fn is_read_only_error(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen))
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn describe_non_sqlite(head: &[u8]) -> String {
    let text = !head.is_empty()
        && head.iter().all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b) || b >= 0x80);
    let first = head.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if head.len() >= 8 && &head[4..8] == b"ftyp" {
        "it is a video file, not a database".into()
    } else if text && matches!(first, Some(b'{') | Some(b'[')) {
        "it is a JSON text file, not a database (to load an export use `formcheck import FILE`)".into()
    } else if text {
        "it is a text file, not a database".into()
    } else if head.len() < 100 && head.starts_with(&SQLITE_MAGIC[..head.len().min(16)]) {
        format!("it is cut off: {} bytes, shorter than an SQLite header", head.len())
    } else {
        "it is not an SQLite database".into()
    }
}

/// The value of `formcheck_meta.format`.
pub(crate) const FORMAT: &str = "formcheck.history";

pub(crate) fn open_rw(path: &Path) -> Result<Connection> {
    let sql = sql_error(path, "opening the database");
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(&sql)?;
    conn.busy_timeout(super::BUSY_TIMEOUT).map_err(&sql)?;
    conn.pragma_update(None, "foreign_keys", "ON").map_err(&sql)?;
    Ok(conn)
}

/// Creates or upgrades the schema in one immediate transaction; checks again, under the
/// write lock, that the file is ours and not newer (another process may have changed it
/// since [`inspect`]).
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let sql = sql_error(path, "preparing the database");
    // Up to date (the usual case): nothing to write, so take no write lock; a reader then
    // never waits for a saver.
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(&sql)?;
    let ver: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(&sql)?;
    if app == APPLICATION_ID && ver == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(&sql)?;
    let app: i32 = tx.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(&sql)?;
    let ver: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(&sql)?;
    if ver > SCHEMA_VERSION {
        return Err(Error::HistoryTooNew { path: path.to_path_buf(), found: ver, supported: SCHEMA_VERSION });
    }
    if app != APPLICATION_ID {
        let objects: i64 = tx.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0)).map_err(&sql)?;
        if app != 0 || objects > 0 || ver != 0 {
            return Err(Error::HistoryForeign {
                path: path.to_path_buf(),
                what: "an SQLite database that another program filled while formcheck opened it".into(),
            });
        }
    }
    if ver == SCHEMA_VERSION && app == APPLICATION_ID {
        return Ok(()); // dropping the transaction rolls back: nothing was written
    }
    for (version, script) in MIGRATIONS {
        if *version > ver {
            tx.execute_batch(script).map_err(&sql)?;
        }
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID).map_err(&sql)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION).map_err(&sql)?;
    let now = super::now_utc();
    let version = SCHEMA_VERSION.to_string();
    for (k, v) in [
        ("format", FORMAT),
        ("schema_version", version.as_str()),
        ("last_migrated_by", crate::VERSION),
        ("last_migrated_at", now.as_str()),
    ] {
        tx.execute(
            "INSERT INTO formcheck_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![k, v],
        )
        .map_err(&sql)?;
    }
    tx.execute(
        "INSERT INTO formcheck_meta (key, value) VALUES ('created_by', ?1), ('created_at', ?2)
         ON CONFLICT(key) DO NOTHING",
        params![crate::VERSION, now],
    )
    .map_err(&sql)?;
    tx.commit().map_err(&sql)
}

/// WAL journal: readers never block the writer and a crash mid-write leaves the last
/// committed state. Switching needs a moment alone with the file, so retry while another
/// process holds it.
pub(crate) fn enable_wal(conn: &Connection, path: &Path) -> Result<()> {
    let sql = sql_error(path, "switching the database to WAL");
    let deadline = std::time::Instant::now() + super::BUSY_TIMEOUT;
    loop {
        let mode: rusqlite::Result<String> = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
        match mode {
            Ok(m) if m.eq_ignore_ascii_case("wal") => break,
            Ok(m) => {
                return Err(Error::HistorySql {
                    path: path.to_path_buf(),
                    context: "switching the database to WAL",
                    source: rusqlite::Error::InvalidParameterName(format!("journal mode stayed {m}")),
                })
            }
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(sql(e)),
        }
    }
    conn.pragma_update(None, "synchronous", "FULL").map_err(&sql)?;
    Ok(())
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn opt(v: Option<f64>) -> Option<f64> {
    v.and_then(finite)
}

/// The reps a session counts: those judged. A rep the result left unjudged (`Rep::not_judged`:
/// what was followed was not the bar the hands held) carries numbers that are not the
/// lifter's, so it stays out of the rows, the trends and the fault rates.
pub(crate) fn judged_reps(a: &Analysis) -> usize {
    a.reps.iter().filter(|r| r.judged()).count()
}

/// Writes the queryable per-rep rows of a result (the judged reps, [`judged_reps`]).
pub(crate) fn insert_reps(tx: &rusqlite::Transaction<'_>, session_id: i64, a: &Analysis, path: &Path) -> Result<()> {
    let sql = sql_error(path, "saving the reps");
    let mut rep_stmt = tx
        .prepare_cached(
            "INSERT INTO reps (session_id, rep, liftoff_s, lockout_s, rom_cm, mean_velocity_m_s,
                 peak_velocity_m_s, time_to_lockout_s, velocity_loss_pct, bar_start_offset_cm,
                 bar_drift_max_cm, bar_drift_max_at, bar_drift_from_start_cm, hip_rise_before_bar_ms,
                 hip_rise_before_bar_cm, hip_to_shoulder_rise_ratio, setup_hip_height_ratio,
                 setup_knee_angle_deg, setup_trunk_angle_deg, trunk_chord_change_pct,
                 lockout_trunk_lean_back_deg, liftoff_accel_ratio, hold_before_liftoff_ms, floor_rebound)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                     ?19, ?20, ?21, ?22, ?23, ?24)",
        )
        .map_err(&sql)?;
    let mut fault_stmt = tx
        .prepare_cached(
            "INSERT INTO faults (session_id, rep, fault, fault_id, severity, confidence, at_s, value, threshold)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(&sql)?;
    let mut seen = std::collections::HashSet::new();
    // Under a scale the result calls broken every centimetre is off by half or more: the rows
    // leave those out, so no trend or regression rests on them (the stored result keeps them,
    // with its note).
    let scaled = |v: Option<f64>| opt(v).filter(|_| a.calibration.cm_trusted());
    for r in &a.reps {
        let rep = r.index as i64;
        if !seen.insert(rep) {
            return Err(Error::BadResultFile {
                path: PathBuf::from(&a.video.path),
                why: format!("rep number {rep} appears twice"),
            });
        }
        if !r.judged() {
            continue;
        }
        let drift_at = r.bar_drift_max_at.map(|d| match d {
            DriftAt::BelowKnee => "below_knee",
            DriftAt::AboveKnee => "above_knee",
        });
        rep_stmt
            .execute(params![
                session_id,
                rep,
                finite(r.liftoff_s),
                finite(r.lockout_s),
                scaled(Some(r.rom_cm)),
                scaled(Some(r.mean_velocity_m_s)),
                scaled(Some(r.peak_velocity_m_s)),
                finite(r.time_to_lockout_s),
                finite(r.velocity_loss_pct),
                scaled(r.bar_start_offset_cm),
                scaled(r.bar_drift_max_cm),
                drift_at,
                scaled(r.bar_drift_from_start_cm),
                opt(r.hip_rise_before_bar_ms),
                scaled(r.hip_rise_before_bar_cm),
                opt(r.hip_to_shoulder_rise_ratio),
                opt(r.setup.hip_height_ratio),
                opt(r.setup.knee_angle_deg),
                opt(r.setup.trunk_angle_deg),
                opt(r.trunk_chord_change_pct),
                opt(r.lockout_trunk_lean_back_deg),
                opt(r.liftoff_accel_ratio),
                opt(r.hold_before_liftoff_ms),
                r.floor_rebound,
            ])
            .map_err(&sql)?;
        for f in &r.faults {
            let severity = match f.severity {
                Severity::Likely => "likely",
                Severity::Watch => "watch",
            };
            fault_stmt
                .execute(params![
                    session_id,
                    rep,
                    f.fault as i64,
                    f.id,
                    severity,
                    finite(f.confidence),
                    finite(f.at_s),
                    finite(f.value),
                    finite(f.threshold),
                ])
                .map_err(&sql)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signal `inspect` uses to tell a torn unlocked read from a damaged file: a write to
    /// the file, or a write-ahead log appearing next to it, changes the stamp; reading does not.
    #[test]
    fn a_write_or_a_new_log_changes_the_file_stamp_and_a_read_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.sqlite");
        std::fs::write(&db, b"first").unwrap();
        let before = file_stamp(&db);
        let _ = std::fs::read(&db).unwrap();
        assert_eq!(file_stamp(&db), before);
        std::fs::write(wal_path(&db), b"").unwrap();
        assert_ne!(file_stamp(&db), before, "a log appeared");
        std::fs::remove_file(wal_path(&db)).unwrap();
        std::fs::write(&db, b"second, longer").unwrap();
        assert_ne!(file_stamp(&db), before, "the file was written");
    }

    #[test]
    fn migrations_are_numbered_one_to_the_schema_version() {
        let versions: Vec<i64> = MIGRATIONS.iter().map(|m| m.0).collect();
        assert_eq!(versions, (1..=SCHEMA_VERSION).collect::<Vec<_>>());
    }

    #[test]
    fn each_migration_applies_to_the_previous_schema() {
        let conn = Connection::open_in_memory().unwrap();
        for (version, sql) in MIGRATIONS {
            conn.execute_batch(sql).unwrap_or_else(|e| panic!("migration {version}: {e}"));
        }
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", [], |r| r.get(0)).unwrap();
        assert!(tables >= 5);
    }

    #[test]
    fn the_application_id_reads_fmck() {
        assert_eq!(&APPLICATION_ID.to_be_bytes(), b"FmCk");
    }

    #[test]
    fn uris_escape_what_sqlite_would_read_as_syntax() {
        let u = immutable_uri(Path::new("/tmp/a%b?c#d.sqlite")).unwrap();
        assert_eq!(u, "file:/tmp/a%25b%3Fc%23d.sqlite?mode=ro&immutable=1");
    }
}
