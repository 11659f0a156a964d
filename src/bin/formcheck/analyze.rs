//! `formcheck analyze`: one video in, measurements and pictures out.

use anyhow::{Context, Result};
use clap::Args;
use formcheck::analyze::{self, AnalyzeOptions};
use formcheck::faults::Thresholds;
use formcheck::report;
use formcheck::schema::Analysis;
use formcheck::track::body::engine::LandmarkModel;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct AnalyzeArgs {
    /// The video of the set, filmed from the side. Several videos or folders analyse them all
    /// (needs --out; a summary.csv with one row per rep is written there).
    #[arg(required = true, value_name = "VIDEO_OR_DIR")]
    pub(crate) videos: Vec<PathBuf>,
    /// Write the JSON result here (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    pub(crate) json: Option<PathBuf>,
    /// Write the bar-path plot here (.png or .svg).
    #[arg(long, value_name = "FILE")]
    pub(crate) plot: Option<PathBuf>,
    /// Write every output (JSON, plots) into this folder, named after the video.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Videos analysed at the same time when given several (default: one per two cores,
    /// since each analysis already keeps two threads busy).
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) jobs: Option<u16>,
    /// Centre of the near plate in the first frame, in pixels, when it is not found by itself.
    #[arg(long, value_name = "X,Y", value_parser = parse_point)]
    pub(crate) bar_at: Option<(f64, f64)>,
    /// Diameter of the plates in cm (standard bumper and competition plates are 45).
    #[arg(long, value_name = "CM", value_parser = parse_plate_cm)]
    plate_cm: Option<f64>,
    /// Landmark model for body tracking: full; heavy (the most accurate, analysis at about 0.75x real time instead of 1.8x; docs/accuracy.md); or lite (fastest, no back outline).
    #[arg(long, value_enum, default_value_t = LandmarkModel::Full)]
    model: LandmarkModel,
    /// Follow the bar only: no body points, no view check, no fault labels.
    #[arg(long)]
    bar_only: bool,
    /// Draw the annotated video here (.mp4, H.264): skeleton, bar path, mid-foot line, speed, fault banners.
    #[arg(long = "video", value_name = "OUT.mp4")]
    pub(crate) annotate: Option<PathBuf>,
    /// Write the HTML report (ranked faults, rep table, plots, cues; the video with --video) into this folder.
    #[arg(long, value_name = "DIR")]
    pub(crate) report: Option<PathBuf>,
    /// Write the per-frame bar and body tracks here as CSV.
    #[arg(long, value_name = "FILE")]
    pub(crate) csv: Option<PathBuf>,
    /// Fault thresholds to use instead of the defaults (TOML; `formcheck thresholds` prints the defaults).
    #[arg(long, value_name = "FILE")]
    thresholds: Option<PathBuf>,
    /// Print where the time went, stage by stage (decode, body, bar, ...), on standard error.
    #[arg(long)]
    pub(crate) timings: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    #[command(flatten)]
    pub(crate) save: crate::history::SaveArgs,
}

fn parse_point(s: &str) -> Result<(f64, f64), String> {
    let (x, y) = s.split_once(',').ok_or("expected X,Y in pixels, e.g. 640,520")?;
    let parse = |v: &str| v.trim().parse::<f64>().map_err(|_| format!("'{v}' is not a number"));
    Ok((parse(x)?, parse(y)?))
}

fn parse_plate_cm(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("'{s}' is not a number"))?;
    if (10.0..=60.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} cm is not a plate diameter (10 to 60 cm; standard plates are 45)"))
    }
}

pub fn run(args: AnalyzeArgs) -> Result<()> {
    let thresholds = match &args.thresholds {
        Some(p) => Thresholds::load(p)?,
        None => Thresholds::default(),
    };
    let options = AnalyzeOptions {
        bar_hint: args.bar_at,
        plate_cm: args.plate_cm.unwrap_or(analyze::STANDARD_PLATE_CM),
        plate_cm_given: args.plate_cm.is_some(),
        body: (!args.bar_only).then_some(args.model),
        thresholds,
        ..AnalyzeOptions::default()
    };
    match args.videos.as_slice() {
        [video] if !video.is_dir() => run_one(&args, video, &options),
        _ => crate::batch::run(&args, &options),
    }
}

fn run_one(args: &AnalyzeArgs, video: &Path, options: &AnalyzeOptions) -> Result<()> {
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let bar = indicatif::ProgressBar::hidden();
    if show_progress {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} frames ({per_sec}, {eta})")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_message("analysing");
    }
    let mut progress = |done: usize, total: usize| {
        if bar.length() != Some(total as u64) {
            bar.set_length(total.max(done) as u64);
        }
        bar.set_position(done as u64);
    };
    let (analysis, times) = analyze::analyze_timed(video, options, &mut progress)?;
    bar.finish_and_clear();
    let outputs_started = std::time::Instant::now();

    let stem = args.out.as_ref().map(|d| analyze::output_stem(d, video));
    let json_path = args.json.clone().or_else(|| stem.as_ref().map(|s| s.with_extension("json")));
    let plot_path = args.plot.clone().or_else(|| stem.as_ref().map(|s| with_suffix(s, ".bar_path.png")));
    let json_to_stdout = json_path.as_deref() == Some(Path::new("-"));

    if let Some(p) = &plot_path {
        write_bar_path_plot(&analysis, video, p, args.out.is_some())?;
    }
    match &json_path {
        Some(_) if json_to_stdout => println!("{}", report::json::to_string(&analysis)),
        Some(p) => report::json::write(&analysis, p)?,
        None => {}
    }
    let (annotate, report_dir, csv) = (args.annotate.as_deref(), args.report.as_deref(), args.csv.as_deref());
    let outputs = crate::report::Outputs { source: video, video: annotate, report: report_dir, csv, quiet: args.quiet };
    crate::report::write_outputs(&analysis, &outputs)?;
    if !args.quiet {
        let summary = report::summary::render(&analysis);
        if json_to_stdout {
            eprint!("{summary}");
        } else {
            print!("{summary}");
        }
    }
    let outputs_time = outputs_started.elapsed();
    crate::history::save_analysis(&args.save, video, &analysis, args.quiet, json_to_stdout)?;
    if args.timings {
        eprint!("{}", timings_table(&times, outputs_time, analysis.video.frame_count));
    }
    Ok(())
}

/// The `--timings` table: each stage's seconds, its share of the wall clock and its cost
/// per frame. Decode, body and bar + camera run on three threads at once, so their rows
/// overlap and the shares add up to more than 100%.
fn timings_table(t: &analyze::StageTimes, outputs: std::time::Duration, frames: usize) -> String {
    let total = t.total + outputs;
    let rows = [
        ("decode (own thread)", t.decode),
        ("waiting for frames", t.waiting),
        ("body points", t.body),
        ("bar (own thread)", t.bar),
        ("grey + camera (bar thread)", t.camera),
        ("track clean-up", t.finish),
        ("sha256", t.hash),
        ("reps, metrics, faults", t.measure),
        ("outputs (plots, JSON, ...)", outputs),
    ];
    let mut s = format!("{:<28}{:>9}{:>8}{:>11}\n", "stage", "s", "%", "ms/frame");
    for (name, d) in rows {
        let secs = d.as_secs_f64();
        let share = 100.0 * secs / total.as_secs_f64().max(1e-9);
        let per_frame = 1000.0 * secs / frames.max(1) as f64;
        s += &format!("{name:<28}{secs:>9.2}{share:>7.0}%{per_frame:>11.2}\n");
    }
    let fps = frames as f64 / total.as_secs_f64().max(1e-9);
    s += &format!(
        "{:<28}{:>9.2}{:>8}{:>11.2}   ({frames} frames, {fps:.1} frames/s)\n",
        "total (wall clock)",
        total.as_secs_f64(),
        "",
        1000.0 / fps.max(1e-9)
    );
    s
}

/// The bar-path plot at `png` (and beside it as SVG when `svg`); nothing when no bar was
/// tracked.
pub(crate) fn write_bar_path_plot(analysis: &Analysis, video: &Path, png: &Path, svg: bool) -> Result<()> {
    let Some(path) = report::plot::bar_path(analysis) else { return Ok(()) };
    let title = format!("Bar path: {}", file_name(video));
    report::plot::draw_bar_path(&path, &title, png).with_context(|| format!("writing {}", png.display()))?;
    if svg {
        let svg = png.with_extension("svg");
        report::plot::draw_bar_path(&path, &title, &svg).with_context(|| format!("writing {}", svg.display()))?;
    }
    Ok(())
}

pub(crate) fn with_suffix(stem: &Path, suffix: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
