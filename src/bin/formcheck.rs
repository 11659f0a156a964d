//! The `formcheck` command line: a thin layer over the library.

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "formcheck", version, about = "Measure a side-view deadlift video: bar path, reps, body points and likely faults.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Draw a synthetic deadlift set with exact truth (test data).
    Render(formcheck::render::RenderArgs),
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Render(args) => formcheck::render::run_cli(&args)?,
    }
    Ok(())
}
