//! The `formcheck` command line: a thin layer over the library.

//! Each subcommand's flags and its run function live in their own file; this file only
//! dispatches and turns errors into one clear line and a non-zero exit.

mod analyze;

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
    /// Draw a synthetic deadlift set with exact truth (test data).
    Render(formcheck::render::RenderArgs),
}

fn main() {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Render(args) => formcheck::render::run_cli(&args).map_err(anyhow::Error::from),
    };
    if let Err(e) = outcome {
        eprintln!("formcheck: {e:#}");
        std::process::exit(1);
    }
}
