//! `formcheck analyze DIR_OR_FILES... --out DIR [--jobs N]`: a folder of sets at once, and
//! `formcheck summary RESULTS...`: the same summary CSV from results made elsewhere.
//!
//! Each video is analysed on its own, so one bad file costs one line, not the batch. The
//! summary CSV is written when all are done; each video's JSON and plot as soon as it is.

use crate::analyze::{with_suffix, write_bar_path_plot, AnalyzeArgs};
use anyhow::{bail, Context, Result};
use clap::Args;
use formcheck::analyze::{self, AnalyzeOptions};
use formcheck::batch::{self, Outcome};
use formcheck::report;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Name of the summary written into `--out`.
pub const SUMMARY_NAME: &str = "summary.csv";

pub fn run(args: &AnalyzeArgs, options: &AnalyzeOptions) -> Result<()> {
    refuse_single_video_flags(args)?;
    let out = args.out.as_deref().context(
        "several videos need --out DIR: each video's JSON and bar-path plot, and summary.csv, are written there",
    )?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let videos = batch::collect_videos(&args.videos)?;
    let stems = batch::output_stems(out, &videos);
    let jobs = args.jobs.map(usize::from).unwrap_or_else(default_jobs).min(videos.len());

    let progress = Progress::new(videos.len(), args.quiet);
    let outcomes = analyse_all(args, options, &videos, &stems, jobs, &progress);
    progress.finish();

    let rows: Vec<(PathBuf, Outcome)> = videos.into_iter().zip(outcomes).collect();
    let summary = out.join(SUMMARY_NAME);
    report::write_atomically(&summary, batch::summary_csv(&rows)?.as_bytes())?;
    finish_line(&rows, &summary, args.quiet)
}

/// Flags that name one output file or one video's pixel cannot apply to many videos.
fn refuse_single_video_flags(args: &AnalyzeArgs) -> Result<()> {
    let named = [
        ("--json", args.json.is_some()),
        ("--plot", args.plot.is_some()),
        ("--video", args.annotate.is_some()),
        ("--report", args.report.is_some()),
        ("--csv", args.csv.is_some()),
        ("--bar-at", args.bar_at.is_some()),
    ];
    let given: Vec<&str> = named.iter().filter(|(_, on)| *on).map(|(flag, _)| *flag).collect();
    if !given.is_empty() {
        bail!(
            "{} names one video's output or pixel; with several videos every output goes into --out DIR. \
             Make one video's report afterwards with `formcheck report DIR/NAME.json`.",
            given.join(", ")
        );
    }
    Ok(())
}

/// Each analysis keeps two threads busy (decode and inference), so one job per two cores.
fn default_jobs() -> usize {
    std::thread::available_parallelism().map(|n| n.get() / 2).unwrap_or(1).max(1)
}

fn analyse_all(
    args: &AnalyzeArgs,
    options: &AnalyzeOptions,
    videos: &[PathBuf],
    stems: &[PathBuf],
    jobs: usize,
    progress: &Progress,
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; videos.len()]);
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(video) = videos.get(i) else { break };
                let bar = progress.start(video);
                let outcome = analyse_one(args, options, video, &stems[i], &bar);
                progress.done(video, &bar, &outcome);
                results.lock().expect("no worker panics while holding the lock")[i] = Some(outcome);
            });
        }
    });
    let results = results.into_inner().expect("workers have finished");
    results.into_iter().map(|o| o.expect("every video was taken by a worker")).collect()
}

/// One video, start to finish. A panic (a formcheck bug) is caught here and becomes that
/// video's failure line, so the rest of the batch still runs.
fn analyse_one(args: &AnalyzeArgs, options: &AnalyzeOptions, video: &Path, stem: &Path, bar: &ProgressBar) -> Outcome {
    let work = || -> Result<Outcome> {
        let mut on_frame = |done: usize, total: usize| {
            bar.set_length(total.max(done) as u64);
            bar.set_position(done as u64);
        };
        let analysis = analyze::analyze(video, options, &mut on_frame)?;
        let json = stem.with_extension("json");
        report::json::write(&analysis, &json)?;
        write_bar_path_plot(&analysis, video, &with_suffix(stem, ".bar_path.png"), true)?;
        crate::history::save_analysis(&args.save, video, &analysis, true, false)?;
        Ok(Outcome::Done { analysis: Box::new(analysis), json })
    };
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(e)) => Outcome::Failed { error: format!("{e:#}") },
        Err(panic) => Outcome::Failed { error: format!("formcheck bug (please report it): {}", panic_text(&panic)) },
    }
}

fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn finish_line(rows: &[(PathBuf, Outcome)], summary: &Path, quiet: bool) -> Result<()> {
    let failed = rows.iter().filter(|(_, o)| o.failed()).count();
    let not_judged =
        rows.iter().filter(|(_, o)| matches!(o, Outcome::Done { analysis, .. } if !analysis.view.usable)).count();
    if !quiet {
        println!(
            "{} of {} videos analysed ({failed} failed, {not_judged} not judged from their view). Summary: {}",
            rows.len() - failed,
            rows.len(),
            summary.display()
        );
    }
    if failed > 0 {
        bail!(
            "{failed} of {} videos failed (their FAILED lines above say why); the others are in {}",
            rows.len(),
            summary.display()
        );
    }
    Ok(())
}

/// Overall and per-video progress bars on a terminal; one line per finished video always
/// (standard output; a failure on standard error, and even with --quiet).
struct Progress {
    multi: MultiProgress,
    overall: ProgressBar,
    total: usize,
    finished: AtomicUsize,
    drawn: bool,
    quiet: bool,
}

impl Progress {
    fn new(total: usize, quiet: bool) -> Self {
        let drawn = !quiet && std::io::stderr().is_terminal();
        let target = if drawn { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let multi = MultiProgress::with_draw_target(target);
        let overall = multi.add(ProgressBar::new(total as u64));
        overall.set_style(
            ProgressStyle::with_template("videos [{bar:30}] {pos}/{len} ({elapsed}, {eta} left)")
                .expect("valid template")
                .progress_chars("=> "),
        );
        Progress { multi, overall, total, finished: AtomicUsize::new(0), drawn, quiet }
    }

    fn start(&self, video: &Path) -> ProgressBar {
        let bar = self.multi.insert_before(&self.overall, ProgressBar::new(0));
        bar.set_style(
            ProgressStyle::with_template("  {msg:30!} [{bar:25}] {pos}/{len} frames ({per_sec})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message(short_name(video));
        bar
    }

    fn done(&self, video: &Path, bar: &ProgressBar, outcome: &Outcome) {
        bar.finish_and_clear();
        self.multi.remove(bar);
        let n = self.finished.fetch_add(1, Ordering::Relaxed) + 1;
        self.overall.inc(1);
        if self.quiet && !outcome.failed() {
            return;
        }
        let line = format!("[{n}/{}] {}: {}", self.total, video.display(), outcome.line());
        let print = || if outcome.failed() { eprintln!("{line}") } else { println!("{line}") };
        if self.drawn {
            self.multi.suspend(print);
        } else {
            print();
        }
    }

    fn finish(&self) {
        self.overall.finish_and_clear();
    }
}

fn short_name(video: &Path) -> String {
    video.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

#[derive(Args)]
pub struct SummaryArgs {
    /// Result JSON files written by `formcheck analyze` (e.g. one per scheduler task).
    #[arg(required = true, value_name = "RESULT.json")]
    results: Vec<PathBuf>,
    /// Write the CSV here instead of standard output.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
}

/// The batch summary CSV from results analysed separately.
pub fn run_summary(args: SummaryArgs) -> Result<()> {
    let rows = batch::outcomes_from_results(&args.results)?;
    let text = batch::summary_csv(&rows)?;
    match &args.csv {
        Some(p) => report::write_atomically(p, text.as_bytes())?,
        None => print!("{text}"),
    }
    Ok(())
}
