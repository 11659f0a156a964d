//! `formcheck analyze`: one video in, measurements and pictures out.

use anyhow::{Context, Result};
use clap::Args;
use formcheck::analyze::{self, AnalyzeOptions};
use formcheck::faults::Thresholds;
use formcheck::report;
use formcheck::track::body::engine::LandmarkModel;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct AnalyzeArgs {
    /// The video of the set, filmed from the side.
    video: PathBuf,
    /// Write the JSON result here (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write the bar-path plot here (.png or .svg).
    #[arg(long, value_name = "FILE")]
    plot: Option<PathBuf>,
    /// Write every output (JSON, plots) into this folder, named after the video.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Centre of the near plate in the first frame, in pixels, when it is not found by itself.
    #[arg(long, value_name = "X,Y", value_parser = parse_point)]
    bar_at: Option<(f64, f64)>,
    /// Diameter of the plates in cm (standard bumper and competition plates are 45).
    #[arg(long, value_name = "CM", value_parser = parse_plate_cm)]
    plate_cm: Option<f64>,
    /// Landmark model for body tracking: full (accurate) or lite (about twice as fast).
    #[arg(long, value_enum, default_value_t = LandmarkModel::Full)]
    model: LandmarkModel,
    /// Follow the bar only: no body points, no view check, no fault labels.
    #[arg(long)]
    bar_only: bool,
    /// Draw the annotated video here (.mp4, H.264): skeleton, bar path, mid-foot line, speed, fault banners.
    #[arg(long = "video", value_name = "OUT.mp4")]
    annotate: Option<PathBuf>,
    /// Write the HTML report (ranked faults, rep table, plots, cues; the video with --video) into this folder.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Write the per-frame bar and body tracks here as CSV.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Fault thresholds to use instead of the defaults (TOML; `formcheck thresholds` prints the defaults).
    #[arg(long, value_name = "FILE")]
    thresholds: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    save: crate::history::SaveArgs,
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
    };
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
    let analysis = analyze::analyze(&args.video, &options, &mut progress)?;
    bar.finish_and_clear();

    let stem = args.out.as_ref().map(|d| analyze::output_stem(d, &args.video));
    let json_path = args.json.clone().or_else(|| stem.as_ref().map(|s| s.with_extension("json")));
    let plot_path = args.plot.clone().or_else(|| stem.as_ref().map(|s| with_suffix(s, ".bar_path.png")));
    let json_to_stdout = json_path.as_deref() == Some(Path::new("-"));

    if let Some(p) = &plot_path {
        if let Some(path) = report::plot::bar_path(&analysis) {
            let title = format!("Bar path: {}", file_name(&args.video));
            report::plot::draw_bar_path(&path, &title, p).with_context(|| format!("writing {}", p.display()))?;
            if args.out.is_some() {
                report::plot::draw_bar_path(&path, &title, &p.with_extension("svg"))?;
            }
        }
    }
    match &json_path {
        Some(_) if json_to_stdout => println!("{}", report::json::to_string(&analysis)),
        Some(p) => report::json::write(&analysis, p)?,
        None => {}
    }
    let (annotate, report_dir, csv) = (args.annotate.as_deref(), args.report.as_deref(), args.csv.as_deref());
    let outputs =
        crate::report::Outputs { source: &args.video, video: annotate, report: report_dir, csv, quiet: args.quiet };
    crate::report::write_outputs(&analysis, &outputs)?;
    if !args.quiet {
        let summary = report::summary::render(&analysis);
        if json_to_stdout {
            eprint!("{summary}");
        } else {
            print!("{summary}");
        }
    }
    crate::history::save_analysis(&args.save, &args.video, &analysis, args.quiet, json_to_stdout)?;
    Ok(())
}

fn with_suffix(stem: &Path, suffix: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
