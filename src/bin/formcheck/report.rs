//! `formcheck report`: pictures from a result; and the picture outputs `analyze` shares
//! (`--video`, `--report`, `--csv`).

use anyhow::{Context, Result};
use clap::Args;
use formcheck::report::{self, html::VideoRef};
use formcheck::schema::Analysis;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ReportArgs {
    /// The JSON result written by `formcheck analyze --json`.
    #[arg(required_unless_present = "from_truth")]
    result: Option<PathBuf>,
    /// Folder for the report (default: RESULT-report next to the result).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also draw the annotated video (H.264 .mp4) and show it in the report.
    #[arg(long, value_name = "OUT.mp4")]
    video: Option<PathBuf>,
    /// The original video, when it is no longer where the result says it was.
    #[arg(long, value_name = "VIDEO")]
    source: Option<PathBuf>,
    /// Also write the per-frame CSV of bar and body tracks here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Build the result from a rendered video's truth file instead (test data and sample
    /// pictures; the video is NAME.mp4 beside it).
    #[arg(long, value_name = "TRUTH.json", hide = true, conflicts_with = "result")]
    from_truth: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
}

/// The picture outputs of one analysis.
pub struct Outputs<'a> {
    /// The video the result was made from.
    pub source: &'a Path,
    /// Annotated video to write.
    pub video: Option<&'a Path>,
    /// Report folder to write.
    pub report: Option<&'a Path>,
    /// Per-frame CSV to write.
    pub csv: Option<&'a Path>,
    pub quiet: bool,
}

/// Writes the CSV, the annotated video and the report folder that were asked for. Status
/// lines go to standard error, so `--json -` output on standard output stays clean.
pub fn write_outputs(a: &Analysis, o: &Outputs<'_>) -> Result<()> {
    if let Some(csv) = o.csv {
        report::csv::write(a, csv).with_context(|| format!("writing {}", csv.display()))?;
        if !o.quiet {
            eprintln!("Per-frame tracks: {}", csv.display());
        }
    }
    let mut written = None;
    if let Some(out) = o.video {
        let bar = progress_bar(o.quiet, "annotating");
        let mut progress = |done: usize, total: usize| {
            if bar.length() != Some(total as u64) {
                bar.set_length(total.max(done) as u64);
            }
            bar.set_position(done as u64);
        };
        let w = report::video::write_annotated(a, o.source, out, &mut progress)
            .with_context(|| format!("writing the annotated video {}", out.display()))?;
        bar.finish_and_clear();
        if !o.quiet {
            eprintln!(
                "Annotated video: {} ({} frames, {}x{}, {:.2} fps, H.264)",
                w.path.display(),
                w.frames,
                w.width,
                w.height,
                w.fps
            );
        }
        written = Some(w);
    }
    if let Some(dir) = o.report {
        let video = written.as_ref().map(|w| VideoRef { path: &w.path, poster_jpg: w.poster_jpg.as_deref() });
        let files = report::html::write_report(a, dir, video)
            .with_context(|| format!("writing the report into {}", dir.display()))?;
        if !o.quiet {
            eprintln!("Report: {}", files.html.display());
        }
    }
    Ok(())
}

/// A progress bar on standard error, hidden when it is not a terminal or with --quiet.
pub fn progress_bar(quiet: bool, message: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::hidden();
    if !quiet && std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} frames ({per_sec}, {eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(message);
    }
    bar
}

pub fn run(args: ReportArgs) -> Result<()> {
    let (analysis, origin, default_source) = match (&args.from_truth, &args.result) {
        (Some(truth_path), _) => {
            let text =
                std::fs::read_to_string(truth_path).with_context(|| format!("reading {}", truth_path.display()))?;
            let truth: formcheck::schema::Truth = serde_json::from_str(&text)
                .with_context(|| format!("{}: not a formcheck truth file", truth_path.display()))?;
            let video = sibling_video(truth_path);
            let a = report::fixture::analysis_from_truth(&truth, &video.display().to_string());
            (a, truth_path.clone(), video)
        }
        (None, Some(result)) => {
            let a = report::json::read(result)?;
            let video = PathBuf::from(&a.video.path);
            (a, result.clone(), video)
        }
        (None, None) => unreachable!("clap requires one of them"),
    };
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = origin.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let stem = stem.strip_suffix(".truth.json").or_else(|| stem.strip_suffix(".json")).unwrap_or(&stem).to_string();
        origin.with_file_name(format!("{stem}-report"))
    });
    let source = match &args.source {
        Some(s) => s.clone(),
        None if args.video.is_some() => find_source(&default_source, &origin)?,
        None => default_source,
    };
    write_outputs(
        &analysis,
        &Outputs {
            source: &source,
            video: args.video.as_deref(),
            report: Some(&out),
            csv: args.csv.as_deref(),
            quiet: args.quiet,
        },
    )
}

/// NAME.mp4 beside NAME.truth.json.
fn sibling_video(truth: &Path) -> PathBuf {
    let name = truth.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.strip_suffix(".truth.json").unwrap_or(&name);
    truth.with_file_name(format!("{stem}.mp4"))
}

/// The result's video as written, else relative to the result's folder.
fn find_source(video: &Path, result: &Path) -> Result<PathBuf> {
    if video.is_file() {
        return Ok(video.to_path_buf());
    }
    if video.is_relative() {
        if let Some(dir) = result.parent() {
            let beside = dir.join(video);
            if beside.is_file() {
                return Ok(beside);
            }
        }
    }
    if let Some(name) = video.file_name() {
        let beside = result.with_file_name(name);
        if beside.is_file() {
            return Ok(beside);
        }
    }
    Err(formcheck::Error::SourceVideoMissing { result: result.to_path_buf(), video: video.to_path_buf() }.into())
}
