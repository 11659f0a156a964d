//! The report's plots: sizes, real content (not blank), rep paths and the mid-foot line in
//! the SVG, and graceful pictures when body, mid-foot or reps are missing.

mod common;
mod report_support;

use formcheck::report::html::render_plots;
use formcheck::report::plot::{
    self, faults::FaultStripFigure, rep_colour, timeline::TimelineFigure, velocity::VelocityFigure, BarPathFigure,
    Figure, HIP_COLOUR, LIKELY_COLOUR, MIDFOOT_COLOUR, SHOULDER_COLOUR, WATCH_COLOUR,
};
use report_support::*;

fn assert_not_blank(name: &str, png: &[u8], expected: (u32, u32)) {
    let s = png_stats(png);
    assert_eq!((s.width, s.height), expected, "{name}: PNG size");
    assert!(s.ink_share > 0.03, "{name}: only {:.1}% of the pixels are not white", 100.0 * s.ink_share);
    assert!(s.colours > 40, "{name}: only {} colours (blank or nearly so)", s.colours);
}

#[test]
fn every_plot_has_its_size_and_content() {
    let a = fixture();
    let plots = render_plots(&a, "small.mp4").unwrap();
    let keys: Vec<&str> = plots.iter().map(|p| p.key).collect();
    assert_eq!(keys, ["bar_path", "timeline", "velocity", "faults"]);
    for p in &plots {
        assert_not_blank(p.key, &p.png, p.size);
        assert!(p.svg.starts_with("<svg"), "{}: not an SVG", p.key);
        assert!(p.svg.contains(&format!("width=\"{}\"", p.size.0)), "{}: SVG width", p.key);
    }
    // Sizes follow the content: 3 reps fit one row of timeline panels.
    let timeline = plots.iter().find(|p| p.key == "timeline").unwrap();
    assert_eq!(timeline.size.0, 1280);
    assert!(timeline.size.1 > 700, "timeline has the per-rep panels");
}

#[test]
fn bar_path_png_shows_every_rep_in_its_colour_and_the_drift_mark() {
    let a = fixture();
    let path = plot::bar_path(&a).expect("a bar path");
    let fig = BarPathFigure::new(&path, "Bar path");
    let png = plot::png_bytes(&fig).unwrap();
    let s = png_stats(&png);
    for k in 0..a.reps.len() {
        let c = rep_colour(k);
        let n = count_colour(&s.image, (c.0, c.1, c.2));
        assert!(n > 200, "rep {} colour has only {n} pixels", k + 1);
    }
    assert!(count_colour(&s.image, (LIKELY_COLOUR.0, LIKELY_COLOUR.1, LIKELY_COLOUR.2)) > 50, "max drift mark");
    // The bar drifts forward ~7 cm in reps 2-3: the most forward point is one of those.
    let d = path.max_drift.expect("max drift");
    assert!(d.rep >= 1, "max drift in rep {}", d.rep + 1);
    assert!((d.point.0 - 7.0).abs() < 1.0, "max drift {:.2} cm, rendered 7", d.point.0);
}

#[test]
fn bar_path_svg_contains_rep_paths_and_the_midfoot_line() {
    let a = fixture();
    let path = plot::bar_path(&a).unwrap();
    assert!(path.midfoot, "the fixture knows mid-foot");
    let svg = plot::svg_string(&BarPathFigure::new(&path, "Bar path")).unwrap();
    for (k, r) in a.reps.iter().enumerate() {
        let lines = svg_polylines(&svg, &hex(rep_colour(k)));
        let pull = r.lockout_frame - r.liftoff_frame + 1;
        assert!(
            lines.iter().any(|l| l.len() >= pull && l.len() <= pull + 2),
            "rep {}: no polyline with the pull's {pull} points (found lengths {:?})",
            r.index,
            lines.iter().map(Vec::len).collect::<Vec<_>>()
        );
        // The path rises: its first point is lower on the image than its top.
        let longest = lines.iter().max_by_key(|l| l.len()).unwrap();
        let top = longest.iter().map(|p| p.1).fold(f64::MAX, f64::min);
        assert!(longest[0].1 - top > 200.0, "rep {} path spans {:.0} px", r.index, longest[0].1 - top);
    }
    let midfoot = svg_polylines(&svg, &hex(MIDFOOT_COLOUR));
    let vertical = midfoot
        .iter()
        .find(|l| l.len() == 2 && (l[0].0 - l[1].0).abs() < 0.5 && (l[0].1 - l[1].1).abs() > 500.0)
        .expect("a full-height vertical mid-foot line");
    // Mid-foot is x = 0: the rep paths start within a few cm of it (10 px ~ 1 cm here).
    let first = &svg_polylines(&svg, &hex(rep_colour(0)))[0];
    assert!((first[0].0 - vertical[0].0).abs() < 30.0, "rep 1 starts far from mid-foot");
    assert!(svg_has_text(&svg, "mid-foot"), "mid-foot label");
    assert!(svg_has_text(&svg, "rep 3"), "legend lists the reps");
    assert!(svg.contains("lift-off") && svg.contains("knee pass") && svg.contains("lockout"), "marks in legend");
    let label = svg_texts(&svg).into_iter().find(|t| t.starts_with("max ")).expect("max drift label");
    let value: f64 = label.trim_start_matches("max ").trim_end_matches(" cm").parse().unwrap();
    assert!((value - 7.0).abs() < 1.0, "max drift label {label}");
}

#[test]
fn timeline_draws_hip_and_shoulder_when_the_body_is_known() {
    let a = fixture();
    let svg = plot::svg_string(&TimelineFigure::new(&a, "Heights")).unwrap();
    assert!(svg_polylines(&svg, &hex(HIP_COLOUR)).iter().any(|l| l.len() > 100), "hip line");
    assert!(svg_polylines(&svg, &hex(SHOULDER_COLOUR)).iter().any(|l| l.len() > 100), "shoulder line");
    assert!(!svg.contains("not tracked"));
    // Rep 3's hips rise before the bar: its panel says so.
    assert!(svg.contains("Rep 3: hips +"), "rep 3 caption names the early hip rise");
}

#[test]
fn bar_only_results_still_get_every_picture_with_a_note() {
    let a = bar_only(fixture());
    let plots = render_plots(&a, "bar-only.mp4").unwrap();
    assert_eq!(plots.len(), 4);
    for p in &plots {
        assert_not_blank(p.key, &p.png, p.size);
    }
    let timeline = &plots[1].svg;
    assert!(timeline.contains("Body points not tracked"), "note on the timeline");
    assert!(svg_polylines(timeline, &hex(HIP_COLOUR)).iter().all(|l| l.len() < 3), "no hip line without a body");
    assert!(svg_polylines(timeline, &hex(plot::BAR_COLOUR)).iter().any(|l| l.len() > 100), "the bar line is there");
    let bar = &plots[0].svg;
    assert!(bar.contains("bar at first setup"), "x = 0 is the bar's start when mid-foot is unknown");
    assert!(bar.contains("mid-foot unknown"));
    let faults = &plots[3].svg;
    assert!(faults.contains("not judged"), "the fault strip says faults were not judged");
    assert!(svg_has_text(faults, "n/a"));
}

#[test]
fn no_rep_no_bar_path_but_the_other_plots_draw() {
    let mut a = bar_only(fixture());
    a.reps.clear();
    a.summary.rep_count = 0;
    a.summary.faults_by_rep.clear();
    assert!(plot::bar_path(&a).is_none());
    let plots = render_plots(&a, "empty.mp4").unwrap();
    let keys: Vec<&str> = plots.iter().map(|p| p.key).collect();
    assert_eq!(keys, ["timeline", "velocity", "faults"]);
    assert!(plots[2].svg.contains("No complete rep"));
}

#[test]
fn fault_strip_colours_each_labelled_rep() {
    let a = fixture();
    let fig = FaultStripFigure::new(&a, "Faults");
    let svg = plot::svg_string(&fig).unwrap();
    let likely = svg.matches(&format!("fill=\"{}\"", hex(LIKELY_COLOUR))).count();
    let watch = svg.matches(&format!("fill=\"{}\"", hex(WATCH_COLOUR))).count();
    let labels: usize = a.reps.iter().map(|r| r.faults.len()).sum();
    assert_eq!(labels, 3, "fixture: drift in reps 2-3, early hips in rep 3");
    // One cell per label, plus one legend swatch of each colour.
    assert_eq!(likely + watch, labels + 2, "likely {likely} + watch {watch} cells");
    assert!(svg_has_text(&svg, "rep 1") && svg_has_text(&svg, "rep 3"));
    assert!(svg.contains("Bar drifting forward"));
}

#[test]
fn velocity_plot_labels_the_loss() {
    let a = fixture();
    let worst = a.reps.iter().map(|r| r.velocity_loss_pct).fold(0.0f64, f64::max);
    assert!(worst > 2.0, "the fixture slows down over the set ({worst:.1}%)");
    let svg = plot::svg_string(&VelocityFigure::new(&a, "Velocity")).unwrap();
    assert!(svg.contains(&format!("-{worst:.0}%")), "loss label -{worst:.0}%");
    assert!(svg_has_text(&svg, "best"));
    assert!(svg.contains("concentric velocity (m/s)"), "axis with unit");
    for k in 0..a.reps.len() {
        assert!(!svg_polylines(&svg, &hex(rep_colour(k))).is_empty(), "velocity curve of rep {}", k + 1);
    }
}

#[test]
fn figures_write_png_and_svg_files_by_extension() {
    let a = fixture();
    let dir = out_dir("report_plots_files");
    let path = plot::bar_path(&a).unwrap();
    plot::draw_bar_path(&path, "Bar path", &dir.join("nested/bar.png")).unwrap();
    plot::draw_bar_path(&path, "Bar path", &dir.join("bar.svg")).unwrap();
    let png = std::fs::read(dir.join("nested/bar.png")).unwrap();
    assert_not_blank("bar.png", &png, BarPathFigure::new(&path, "Bar path").size());
    let svg = std::fs::read_to_string(dir.join("bar.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
}

/// The committed shake_blur sample is filmed by a shaking camera. Its result carries the
/// camera's motion per frame, and the bar path is drawn in the first frame's coordinates where
/// the drift was measured: the plot's most forward point is the measured drift, not the drift
/// plus the shake (1.4-2.2 cm read 0.3-0.8 before the plots steadied the points).
#[test]
fn the_bar_path_of_a_shaken_video_shows_the_drift_that_was_measured() {
    let dir = common::TempDir::new("shaken-bar-path");
    common::ok(&common::formcheck(&[
        "analyze",
        common::sample("shake_blur.mp4").to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
        "-q",
    ]));
    let text = std::fs::read_to_string(dir.path().join("shake_blur.json")).unwrap();
    let a: formcheck::schema::Analysis = serde_json::from_str(&text).unwrap();
    assert!(a.frames.iter().any(|f| f.to_first_frame.is_some()), "the camera's motion is in the result");
    let measured = a.reps.iter().filter_map(|r| r.bar_drift_max_cm).fold(f64::MIN, f64::max);
    let drawn = plot::bar_path(&a).unwrap().max_drift.unwrap().point.0;
    assert!((drawn - measured).abs() < 0.05, "drawn {drawn:.2} cm, measured {measured:.2} cm");
}
