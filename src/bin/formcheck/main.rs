//! The `formcheck` command line: a thin layer over the library.
//!
//! Each subcommand's flags and its run function live in their own file; this file only
//! dispatches and turns errors into one clear line and a non-zero exit.

mod analyze;
mod batch;
mod history;
mod report;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "formcheck",
    version,
    about = "Measure a side-view deadlift video: bar path, reps, body points and likely faults."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a side-view video of a deadlift set.
    Analyze(analyze::AnalyzeArgs),
    /// The batch summary CSV (one row per rep) from result JSON files analysed separately.
    Summary(batch::SummaryArgs),
    /// Draw a synthetic deadlift set with exact truth (test data).
    Render(formcheck::render::RenderArgs),
    /// Make the HTML report, plots, CSV and (with --video) the annotated video from a result.
    Report(report::ReportArgs),
    /// List the sessions saved in the history.
    History(history::HistoryArgs),
    /// Compare a lifter's sessions with a baseline: progress or regression, per metric and fault.
    Compare(history::CompareArgs),
    /// Write a lifter's history to a JSON file (to move it to another machine).
    Export(history::ExportArgs),
    /// Add the sessions of a `formcheck export` file to the history.
    Import(history::ImportArgs),
    /// Delete everything saved about a lifter.
    Forget(history::ForgetArgs),
    /// Print the default fault thresholds as a TOML file to edit and pass to --thresholds.
    Thresholds,
}

/// FFmpeg prints its own diagnostics (e.g. "moov atom not found") straight to stderr, which
/// would bury formcheck's one-line error. Quiet them unless the user asked for them.
fn quiet_ffmpeg_logs() {
    if std::env::var_os("OPENCV_FFMPEG_LOGLEVEL").is_none() {
        // Runs before any thread exists, so changing the environment is safe.
        std::env::set_var("OPENCV_FFMPEG_LOGLEVEL", "-8");
    }
    if std::env::var_os("OPENCV_LOG_LEVEL").is_none() {
        std::env::set_var("OPENCV_LOG_LEVEL", "ERROR");
    }
}

fn main() {
    quiet_ffmpeg_logs();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Summary(args) => batch::run_summary(args),
        Command::Render(args) => formcheck::render::run_cli(&args).map_err(anyhow::Error::from),
        Command::Report(args) => report::run(args),
        Command::History(args) => history::run_history(args),
        Command::Compare(args) => history::run_compare(args),
        Command::Export(args) => history::run_export(args),
        Command::Import(args) => history::run_import(args),
        Command::Forget(args) => history::run_forget(args),
        Command::Thresholds => {
            print!("{}", formcheck::faults::Thresholds::default_toml());
            Ok(())
        }
    };
    if let Err(e) = outcome {
        eprintln!("formcheck: {e:#}");
        std::process::exit(1);
    }
}
