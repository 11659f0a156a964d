//! The history commands: `analyze --save`, `history`, `compare`, `export`, `import`,
//! `forget`. The work is in `formcheck::history`; this file parses flags and prints.

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use clap::Args;
use formcheck::history::{
    self, text, Baseline, CompareRequest, DateSource, Export, History, SaveKind, SessionInput, Window,
};
use formcheck::schema::Analysis;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The history database to use.
#[derive(Args, Debug, Clone, Default)]
pub struct DbArg {
    /// History database (default: history.sqlite in the user's data folder, e.g.
    /// ~/.local/share/formcheck/).
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
}

/// `analyze` flags that record the session in the history.
#[derive(Args, Debug, Clone, Default)]
pub struct SaveArgs {
    /// Save this session in the history (needs --lifter).
    #[arg(long, requires = "lifter", help_heading = "History")]
    save: bool,
    /// Whose set this is.
    #[arg(long, value_name = "NAME", requires = "save", help_heading = "History")]
    lifter: Option<String>,
    /// Day of the session (default: the video's creation time, else today).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, requires = "save", help_heading = "History")]
    date: Option<NaiveDate>,
    /// Total weight on the bar in kg.
    #[arg(long = "load-kg", value_name = "KG", value_parser = parse_load, requires = "save", help_heading = "History")]
    load_kg: Option<f64>,
    /// A note kept with the session (e.g. "after cueing the lats").
    #[arg(long, value_name = "TEXT", requires = "save", help_heading = "History")]
    note: Option<String>,
    /// History database (default: history.sqlite in the user's data folder).
    #[arg(long, value_name = "PATH", requires = "save", help_heading = "History")]
    db: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct HistoryArgs {
    /// Only this lifter's sessions.
    #[arg(long, value_name = "NAME")]
    lifter: Option<String>,
    /// Write the list as JSON here (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Whose sessions to compare.
    #[arg(long, value_name = "NAME")]
    lifter: String,
    /// The session to compare with: a date (YYYY-MM-DD), first, or best (fewest fault labels).
    #[arg(long, value_name = "DATE|first|best", default_value = "first")]
    baseline: Baseline,
    /// Show only the last N sessions (the baseline is always shown).
    #[arg(long, value_name = "N", conflicts_with = "since", value_parser = clap::value_parser!(u32).range(1..))]
    last: Option<u32>,
    /// Show only sessions on or after this date (the baseline is always shown).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    since: Option<NaiveDate>,
    /// Write the comparison as JSON here (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Draw the trend plot here (.png or .svg).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Whose history to export (default: every lifter's).
    #[arg(long, value_name = "NAME")]
    lifter: Option<String>,
    /// Write the export here (default `-`: standard output).
    #[arg(long, value_name = "FILE", default_value = "-")]
    out: PathBuf,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A file written by `formcheck export`.
    file: PathBuf,
    /// Import a single lifter's export under this name.
    #[arg(long = "as", value_name = "NAME")]
    rename: Option<String>,
    #[command(flatten)]
    db: DbArg,
}

#[derive(Args, Debug)]
pub struct ForgetArgs {
    /// Whose data to delete.
    #[arg(long, value_name = "NAME")]
    lifter: String,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    #[command(flatten)]
    db: DbArg,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("'{s}' is not a date; write YYYY-MM-DD, e.g. 2025-03-01"))
}

fn parse_load(s: &str) -> Result<f64, String> {
    let v: f64 = s.trim().parse().map_err(|_| format!("'{s}' is not a number of kg"))?;
    if v.is_finite() && v > 0.0 && v < 2000.0 {
        Ok(v)
    } else {
        Err(format!("{v} kg is not a bar weight (give the total in kg, e.g. 140)"))
    }
}

/// The database path; the default folder is created for commands that write.
fn db_path(db: Option<&Path>, writing: bool) -> Result<PathBuf> {
    match db {
        Some(p) => Ok(p.to_path_buf()),
        None => {
            let p = History::default_path()?;
            if writing {
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
                }
            }
            Ok(p)
        }
    }
}

/// The session date: `--date`, else the video's creation time (local day), else today.
fn session_date(given: Option<NaiveDate>, video: &Path) -> (NaiveDate, DateSource) {
    if let Some(d) = given {
        return (d, DateSource::Given);
    }
    match history::mp4::creation_time(video) {
        Some(t) => (t.with_timezone(&chrono::Local).date_naive(), DateSource::Video),
        None => (chrono::Local::now().date_naive(), DateSource::Today),
    }
}

/// Called by `analyze` after the analysis: records the session when `--save` was given.
pub fn save_analysis(
    args: &SaveArgs,
    video: &Path,
    analysis: &Analysis,
    quiet: bool,
    json_to_stdout: bool,
) -> Result<()> {
    if !args.save {
        return Ok(());
    }
    let lifter = args.lifter.as_deref().context("--save needs --lifter NAME")?;
    let (date, date_source) = session_date(args.date, video);
    let path = db_path(args.db.as_deref(), true)?;
    let mut h = History::open(&path)?;
    let out = h.save_session(&SessionInput {
        lifter,
        date,
        date_source,
        load_kg: args.load_kg,
        note: args.note.as_deref(),
        analysis,
    })?;
    if quiet {
        return Ok(());
    }
    let what = match out.kind {
        SaveKind::Inserted => "Saved",
        SaveKind::Updated => "Updated (this video was saved before)",
    };
    let from = match (out.kind, date_source) {
        (SaveKind::Updated, DateSource::Video | DateSource::Today) => "date kept from the first save",
        (_, DateSource::Given) => "date given",
        (_, DateSource::Video) => "date from the video's creation time",
        (_, DateSource::Today) => "today: the video has no creation time; give --date to change it",
    };
    let msg = format!(
        "{what}: {} on {} ({from}), {} rep{}, in {}\n",
        lifter.trim(),
        out.date,
        analysis.reps.len(),
        if analysis.reps.len() == 1 { "" } else { "s" },
        path.display()
    );
    if json_to_stdout {
        eprint!("\n{msg}");
    } else {
        print!("\n{msg}");
    }
    Ok(())
}

pub fn run_history(args: HistoryArgs) -> Result<()> {
    let path = db_path(args.db.db.as_deref(), false)?;
    let h = History::open_existing(&path)?;
    let list = h.sessions(args.lifter.as_deref())?;
    let to_stdout = args.json.as_deref() == Some(Path::new("-"));
    if let Some(p) = &args.json {
        let json = serde_json::to_string_pretty(&serde_json::json!({
            "schema": "formcheck.sessions/1",
            "sessions": list,
        }))?;
        write_out(p, &json)?;
    }
    let body = text::sessions(&list);
    if to_stdout {
        eprint!("{body}");
    } else {
        print!("{body}");
    }
    Ok(())
}

pub fn run_compare(args: CompareArgs) -> Result<()> {
    if let Some(p) = &args.plot {
        let ext = p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if !matches!(ext.as_deref(), Some("png") | Some("svg")) {
            bail!("--plot {}: give a file name ending in .png or .svg", p.display());
        }
    }
    let path = db_path(args.db.db.as_deref(), false)?;
    let h = History::open_existing(&path)?;
    let window = match (args.last, args.since) {
        (Some(n), _) => Window::Last(n as usize),
        (None, Some(d)) => Window::Since(d),
        (None, None) => Window::All,
    };
    let c = h.compare(&CompareRequest { lifter: args.lifter.clone(), baseline: args.baseline, window })?;
    let to_stdout = args.json.as_deref() == Some(Path::new("-"));
    if let Some(p) = &args.json {
        write_out(p, &serde_json::to_string_pretty(&c)?)?;
    }
    if let Some(p) = &args.plot {
        history::plot::draw_trend(&c, p).with_context(|| format!("writing {}", p.display()))?;
    }
    if !args.quiet {
        let mut body = text::comparison(&c);
        if let Some(p) = &args.plot {
            body.push_str(&format!("\nTrend plot: {}\n", p.display()));
        }
        if to_stdout {
            eprint!("{body}");
        } else {
            print!("{body}");
        }
    }
    Ok(())
}

pub fn run_export(args: ExportArgs) -> Result<()> {
    let path = db_path(args.db.db.as_deref(), false)?;
    let h = History::open_existing(&path)?;
    let export = h.export(args.lifter.as_deref())?;
    write_out(&args.out, &export.to_json())?;
    let sessions: usize = export.lifters.iter().map(|l| l.sessions.len()).sum();
    let who = export.lifters.iter().map(|l| l.name.as_str()).collect::<Vec<_>>().join(", ");
    let to = if args.out == Path::new("-") { "standard output".to_string() } else { args.out.display().to_string() };
    eprintln!("Exported {sessions} session{} ({who}) to {to}.", if sessions == 1 { "" } else { "s" });
    Ok(())
}

pub fn run_import(args: ImportArgs) -> Result<()> {
    let export = Export::read(&args.file)?;
    let path = db_path(args.db.db.as_deref(), true)?;
    let mut h = History::open(&path)?;
    let out = h.import(&export, args.rename.as_deref())?;
    for l in &out.lifters {
        println!(
            "Imported {}: {} new session{}, {} updated, into {}",
            l.name,
            l.inserted,
            if l.inserted == 1 { "" } else { "s" },
            l.updated,
            path.display()
        );
    }
    Ok(())
}

pub fn run_forget(args: ForgetArgs) -> Result<()> {
    let path = db_path(args.db.db.as_deref(), false)?;
    let mut h = History::open_existing(&path)?;
    let sessions = h.sessions(Some(&args.lifter))?;
    let name = sessions.first().map(|s| s.lifter.clone()).unwrap_or_else(|| args.lifter.trim().to_string());
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!(
                "this deletes {} session{} of {name} for good; add --yes to confirm",
                sessions.len(),
                if sessions.len() == 1 { "" } else { "s" }
            );
        }
        eprint!(
            "Delete all {} session{} of {name} from {}? This cannot be undone.\nType the name to confirm: ",
            sessions.len(),
            if sessions.len() == 1 { "" } else { "s" },
            path.display()
        );
        std::io::stderr().flush().ok();
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !answer.trim().eq_ignore_ascii_case(&name) {
            bail!("not confirmed; nothing was deleted");
        }
    }
    let n = h.forget_lifter(&name)?;
    println!("Deleted {name}: {n} session{} and their results.", if n == 1 { "" } else { "s" });
    Ok(())
}

/// Writes text to a file (atomically) or to standard output for `-`.
fn write_out(p: &Path, text: &str) -> Result<()> {
    if p == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")?;
        out.flush()?;
        Ok(())
    } else {
        let mut bytes = text.as_bytes().to_vec();
        bytes.push(b'\n');
        formcheck::report::write_atomically(p, &bytes).with_context(|| format!("writing {}", p.display()))
    }
}
