//! The report folder: one self-contained HTML page (plots inlined as PNG data, no network)
//! with the faults ranked by what to fix first, the rep table, the plots, the cues, the
//! confidence and view verdict and the annotated video when there is one; beside it the
//! plots as PNG and SVG, the per-frame CSV and the JSON result.
//!
//! The page reports whether its images and video loaded in `#load-status` (and its title),
//! so a headless browser can check it without a driver.

use super::coach::{self, Ranked};
use super::plot::{
    self, faults::FaultStripFigure, timeline::TimelineFigure, velocity::VelocityFigure, BarPathFigure, Figure,
};
use crate::error::{Error, Result};
use crate::schema::*;
use base64::Engine;
use std::fmt::Write;
use std::path::{Component, Path, PathBuf};

/// File names inside a report folder.
pub const HTML_NAME: &str = "report.html";
pub const CSV_NAME: &str = "frames.csv";
pub const JSON_NAME: &str = "result.json";
pub const POSTER_NAME: &str = "poster.jpg";

/// A rendered plot.
#[derive(Debug, Clone)]
pub struct Plot {
    /// File stem: bar_path, timeline, velocity, faults.
    pub key: &'static str,
    pub title: String,
    pub caption: String,
    pub png: Vec<u8>,
    pub svg: String,
    pub size: (u32, u32),
}

fn render<F: Figure>(key: &'static str, fig: &F, caption: &str, title: String) -> Result<Plot> {
    Ok(Plot {
        key,
        title,
        caption: caption.to_string(),
        png: plot::png_bytes(fig)?,
        svg: plot::svg_string(fig)?,
        size: fig.size(),
    })
}

/// Every plot of a result, in the order the report shows them. The bar path is left out when
/// there is no rep to draw.
pub fn render_plots(a: &Analysis, name: &str) -> Result<Vec<Plot>> {
    let mut out = Vec::new();
    if let Some(path) = plot::bar_path(a) {
        let title = format!("Bar path — {name}");
        let fig = BarPathFigure::new(&path, &title);
        out.push(render(
            "bar_path",
            &fig,
            "The bar's path seen from the camera, in cm, equal scales. Thick: the pull from lift-off to lockout. The ring marks the most forward point.",
            title,
        )?);
    }
    let title = format!("Heights over time — {name}");
    out.push(render(
        "timeline",
        &TimelineFigure::new(a, &title),
        "Bar, hip and shoulder height. In the lower panels every line starts at zero at setup: a hip line that rises before the dashed lift-off line means the hips moved before the bar.",
        title,
    )?);
    let title = format!("Bar velocity — {name}");
    out.push(render(
        "velocity",
        &VelocityFigure::new(a, &title),
        "Mean (bars) and peak (black tick) concentric velocity with the loss from the fastest rep; right, every pull's velocity from lift-off.",
        title,
    )?);
    let title = format!("Faults per rep — {name}");
    out.push(render(
        "faults",
        &FaultStripFigure::new(a, &title),
        "Each cell: what was seen in that rep and the measurement behind it.",
        title,
    )?);
    Ok(out)
}

/// What went into a report folder.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFiles {
    pub dir: PathBuf,
    pub html: PathBuf,
    pub csv: PathBuf,
    pub json: PathBuf,
    /// PNG and SVG of every plot.
    pub plots: Vec<PathBuf>,
    pub video: Option<PathBuf>,
}

/// An annotated video to show in the report.
#[derive(Debug, Clone, Copy)]
pub struct VideoRef<'a> {
    pub path: &'a Path,
    /// A still to show before the video plays (JPEG).
    pub poster_jpg: Option<&'a [u8]>,
}

/// Writes the report folder `dir` for `a`; `video` is the annotated video when one was made.
pub fn write_report(a: &Analysis, dir: &Path, video: Option<VideoRef<'_>>) -> Result<ReportFiles> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let name = video_name(a);
    let plots = render_plots(a, &name)?;
    let mut plot_files = Vec::new();
    for p in &plots {
        let png = dir.join(format!("{}.png", p.key));
        let svg = dir.join(format!("{}.svg", p.key));
        super::write_atomically(&png, &p.png)?;
        super::write_atomically(&svg, p.svg.as_bytes())?;
        plot_files.push(png);
        plot_files.push(svg);
    }
    let csv = dir.join(CSV_NAME);
    super::csv::write(a, &csv)?;
    let json = dir.join(JSON_NAME);
    super::json::write(a, &json)?;
    let mut video_src = None;
    let mut poster_src = None;
    if let Some(v) = video {
        video_src = Some(relative_url(v.path, dir));
        if let Some(jpg) = v.poster_jpg {
            super::write_atomically(&dir.join(POSTER_NAME), jpg)?;
            poster_src = Some(POSTER_NAME.to_string());
        }
    }
    let html = dir.join(HTML_NAME);
    let page = page(a, &plots, video_src.as_deref(), poster_src.as_deref());
    super::write_atomically(&html, page.as_bytes())?;
    Ok(ReportFiles {
        dir: dir.to_path_buf(),
        html,
        csv,
        json,
        plots: plot_files,
        video: video.map(|v| v.path.to_path_buf()),
    })
}

fn video_name(a: &Analysis) -> String {
    Path::new(&a.video.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "video".into())
}

/// A relative URL from `dir` to `target` (both made absolute first), percent-encoded.
pub fn relative_url(target: &Path, dir: &Path) -> String {
    let abs = |p: &Path| {
        std::fs::canonicalize(p)
            .unwrap_or_else(|_| std::env::current_dir().map(|c| c.join(p)).unwrap_or_else(|_| p.to_path_buf()))
    };
    let t = abs(target);
    let d = abs(dir);
    let tc: Vec<Component> = t.components().collect();
    let dc: Vec<Component> = d.components().collect();
    let common = tc.iter().zip(&dc).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = Vec::new();
    for _ in common..dc.len() {
        parts.push("..".into());
    }
    for c in &tc[common..] {
        parts.push(percent_encode(&c.as_os_str().to_string_lossy()));
    }
    parts.join("/")
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn severity_badge(s: Severity) -> &'static str {
    match s {
        Severity::Likely => r#"<span class="badge likely">likely</span>"#,
        Severity::Watch => r#"<span class="badge watch">watch</span>"#,
    }
}

/// The HTML page.
pub fn page(a: &Analysis, plots: &[Plot], video_src: Option<&str>, poster_src: Option<&str>) -> String {
    let name = video_name(a);
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="formcheck {ver}">
<title>Deadlift report: {name}</title>
<style>{css}</style>
</head>
<body>
<main>
<header class="top">
  <div>
    <h1>Deadlift report</h1>
    <p class="meta">{name} · {w}×{hgt} · {dur:.1} s at {fps:.0} fps · {reps} rep{s} · formcheck {ver}{model}</p>
  </div>
</header>
"#,
        ver = esc(&a.tool_version),
        model = super::summary::model_line(a).map_or_else(String::new, |m| format!(" · body points: {}", esc(&m))),
        name = esc(&name),
        css = CSS,
        w = a.video.width,
        hgt = a.video.height,
        dur = a.video.duration_s,
        fps = a.video.fps,
        reps = a.reps.len(),
        s = if a.reps.len() == 1 { "" } else { "s" },
    );
    cards(&mut h, a);
    fix_first(&mut h, a);
    if let Some(src) = video_src {
        let poster = poster_src.map_or_else(String::new, |p| format!(r#" poster="{}""#, esc(p)));
        let _ = write!(
            h,
            r#"<section id="video"><h2>Annotated video</h2>
<video id="annotated" controls preload="auto" playsinline muted src="{src}"{poster}></video>
<p class="caption">Near-side skeleton (shoulder blue, hip orange), the bar's path in the rep's colour, the mid-foot line, live bar speed, the rep counter and a banner when a fault is seen. <a href="{src}">Open the video file</a>.</p>
</section>
"#,
            src = esc(src)
        );
    }
    rep_table(&mut h, a);
    // The fault strip belongs to the rep table; the other plots follow under Pictures.
    let has_reps = !a.reps.is_empty();
    let (strip, pictures): (Vec<&Plot>, Vec<&Plot>) = plots.iter().partition(|p| has_reps && p.key == "faults");
    for p in strip {
        figure(&mut h, p);
    }
    if has_reps {
        h.push_str("</section>\n");
    }
    h.push_str("<section id=\"plots\"><h2>Pictures</h2>\n");
    for p in pictures {
        figure(&mut h, p);
    }
    h.push_str("</section>\n");
    notes(&mut h, a);
    let _ = write!(
        h,
        r#"<footer><p>Files: <a href="{CSV_NAME}">per-frame tracks (CSV)</a> · <a href="{JSON_NAME}">full result (JSON)</a>. Measurements come from a single side-view camera: treat them as a coach's second pair of eyes, not a diagnosis.</p></footer>
</main>
<div id="load-status" hidden data-state="pending"></div>
<script>{LOAD_SCRIPT}</script>
</body>
</html>
"#
    );
    h
}

fn figure(h: &mut String, p: &Plot) {
    let b64 = base64::engine::general_purpose::STANDARD;
    let _ = write!(
        h,
        r#"<figure id="plot-{key}"><img src="data:image/png;base64,{data}" width="{w}" height="{hh}" alt="{title}">
<figcaption>{caption} <a href="{key}.svg">SVG</a> · <a href="{key}.png">PNG</a></figcaption></figure>
"#,
        key = p.key,
        data = b64.encode(&p.png),
        w = p.size.0,
        hh = p.size.1,
        title = esc(&p.title),
        caption = esc(&p.caption),
    );
}

fn cards(h: &mut String, a: &Analysis) {
    let conf = coach::confidence(a);
    let view_class = if a.view.usable { "ok" } else { "warn" };
    let conf_class = match conf.level {
        3 => "ok",
        2 => "warn",
        _ => "bad",
    };
    let reasons = if conf.reasons.is_empty() {
        "Bar seen throughout, scale from the plate.".to_string()
    } else {
        let mut r = conf.reasons.join("; ");
        if let Some(first) = r.get(0..1) {
            r = first.to_uppercase() + &r[1..];
        }
        r + "."
    };
    let c = &a.calibration;
    let scale_src = match c.source {
        CalibrationSource::Plate => format!("from the {:.0} cm plate", c.plate_diameter_cm),
        CalibrationSource::User => format!("from the {:.1} cm plate you gave", c.plate_diameter_cm),
        CalibrationSource::Assumed => "assumed, not measured".into(),
    };
    let best = a.reps.iter().max_by(|x, y| x.mean_velocity_m_s.total_cmp(&y.mean_velocity_m_s));
    let worst_loss = a.reps.iter().map(|r| r.velocity_loss_pct).fold(0.0f64, f64::max);
    let set_line = match best {
        Some(b) => format!(
            "Fastest: rep {} at {:.2} m/s mean; velocity loss up to {:.0}%.",
            b.index, b.mean_velocity_m_s, worst_loss
        ),
        None => "No complete rep found.".into(),
    };
    let midfoot = match (a.midfoot_x_px, a.midfoot_source) {
        (Some(_), Some(MidfootSource::Feet)) => "Mid-foot from the feet.",
        (Some(_), Some(MidfootSource::BarAtSetup)) => "Mid-foot from the bar at setup (feet not seen).",
        (Some(_), None) => "Mid-foot known.",
        (None, _) => "Mid-foot unknown: bar drift is measured from where the bar started.",
    };
    let _ = write!(
        h,
        r#"<section class="cards">
<div class="card {view_class}" id="view-verdict"><h3>View</h3><p class="big">{view_kind}</p><p>{view}</p>{view_why}</div>
<div class="card {conf_class}" id="confidence"><h3>Confidence</h3><p class="big">{conf_word}</p><p>{reasons}</p></div>
<div class="card" id="set"><h3>Set</h3><p class="big">{reps} rep{s}</p><p>{set_line}</p></div>
<div class="card" id="scale"><h3>Scale</h3><p class="big">{cm:.3} cm/px</p><p>Scale {scale_src}. {midfoot}</p></div>
</section>
"#,
        view_kind = match a.view.kind {
            ViewKind::Side => "Side",
            ViewKind::Oblique => "Oblique",
            ViewKind::Front => "Front",
            ViewKind::Unknown => "Not checked",
        },
        view = esc(&coach::view_verdict(&a.view)),
        view_why = a
            .view
            .reason
            .as_deref()
            .map_or_else(String::new, |r| format!("<p class=\"why\">{}</p>", esc(&capitalise(r)))),
        conf_word = conf.word(),
        reasons = esc(&reasons),
        reps = a.reps.len(),
        s = if a.reps.len() == 1 { "" } else { "s" },
        set_line = esc(&set_line),
        cm = c.cm_per_px,
        scale_src = esc(&scale_src),
    );
}

fn fix_first(h: &mut String, a: &Analysis) {
    let ranked = coach::rank(a);
    h.push_str("<section id=\"fix-first\"><h2>What to fix first</h2>\n");
    if ranked.is_empty() {
        let why = coach::nothing_to_fix(a);
        let _ = writeln!(h, r#"<p class="empty">{}</p>"#, esc(why));
    } else {
        h.push_str("<ol class=\"ranked\">\n");
        for (k, r) in ranked.iter().enumerate() {
            ranked_item(h, k, r, &a.reps);
        }
        h.push_str("</ol>\n");
    }
    h.push_str("</section>\n");
}

fn ranked_item(h: &mut String, k: usize, r: &Ranked, reps: &[Rep]) {
    let seen = coach::seen_in(r, reps);
    let w = &r.worst;
    let worst = coach::worst_reading(r);
    let fatigue = coach::fatigue_advice(r)
        .map_or_else(String::new, |advice| format!(r#"<p class="fatigue">{}</p>"#, esc(&advice)));
    let _ = write!(
        h,
        r#"<li class="fault {sev}" data-fault="{id}"><div class="rank">{n}</div><div class="body">
<h3>{name} {badge}</h3>{headline}
<p class="seen">{seen}; {worst}.</p>
<p class="evidence">{evidence}</p>
<p class="cue"><strong>Cue:</strong> {cue}</p>{fatigue}
</div></li>
"#,
        sev = if r.likely > 0 { "likely" } else { "watch" },
        id = esc(&r.id),
        n = k + 1,
        name = esc(&r.name),
        headline =
            r.headline.as_deref().map_or_else(String::new, |t| format!("\n<p class=\"headline\">{}</p>", esc(t))),
        badge = severity_badge(w.severity),
        seen = esc(&seen),
        worst = esc(&worst),
        evidence = esc(&capitalise(&w.evidence)),
        cue = esc(&r.cue),
    );
}

fn rep_table(h: &mut String, a: &Analysis) {
    if a.reps.is_empty() {
        return;
    }
    // Cells are numbers and fixed words only, so they need no escaping.
    type Col = (&'static str, &'static str, fn(&Rep) -> Option<String>);
    let cols: Vec<Col> = vec![
        ("Pull", "s", |r| Some(format!("{:.2}–{:.2}", r.liftoff_s, r.lockout_s))),
        ("ROM", "cm", |r| Some(format!("{:.1}", r.rom_cm))),
        ("Mean", "m/s", |r| Some(format!("{:.2}", r.mean_velocity_m_s))),
        ("Peak", "m/s", |r| Some(format!("{:.2}", r.peak_velocity_m_s))),
        ("Loss", "%", |r| Some(format!("{:.0}", r.velocity_loss_pct))),
        ("Start", "cm vs mid-foot", |r| r.bar_start_offset_cm.map(|v| format!("{v:+.1}"))),
        ("Max drift", "cm vs mid-foot", |r| {
            r.bar_drift_max_cm.map(|v| {
                let at = match r.bar_drift_max_at {
                    Some(DriftAt::BelowKnee) => " <span class=\"unit\">below knee</span>",
                    Some(DriftAt::AboveKnee) => " <span class=\"unit\">above knee</span>",
                    None => "",
                };
                format!("{v:+.1}{at}")
            })
        }),
        ("Drift", "cm from start", |r| {
            if r.bar_drift_max_cm.is_some() {
                None
            } else {
                r.bar_drift_from_start_cm.map(|v| format!("{v:.1}"))
            }
        }),
        ("Hips early", "cm / ms", |r| match (r.hip_rise_before_bar_cm, r.hip_rise_before_bar_ms) {
            (Some(c), Some(m)) => Some(format!("{c:.1} / {m:.0}")),
            (Some(c), None) => Some(format!("{c:.1}")),
            _ => None,
        }),
        ("Hip height", "setup ratio", |r| r.setup.hip_height_ratio.map(|v| format!("{v:.2}"))),
        ("Back chord", "% shorter", |r| r.trunk_chord_change_pct.map(|v| format!("{v:.1}"))),
        ("Back bulge", "% of chord", |r| r.back_bulge_pct.map(|v| format!("{v:.1}"))),
        ("Lean back", "° at lockout", |r| {
            r.lockout_trunk_lean_back_deg.map(|v| format!("{:.0}", if v.abs() < 0.5 { 0.0 } else { v }))
        }),
    ];
    let shown: Vec<&Col> = cols.iter().filter(|(_, _, f)| a.reps.iter().any(|r| f(r).is_some())).collect();
    h.push_str("<section id=\"reps\"><h2>Rep by rep</h2>\n<div class=\"scroll\"><table class=\"reps\">\n<thead><tr><th>Rep</th>");
    for (name, unit, _) in &shown {
        let _ = write!(h, "<th>{}<br><span class=\"unit\">{}</span></th>", esc(name), esc(unit));
    }
    h.push_str("<th>Faults</th></tr></thead>\n<tbody>\n");
    for (k, r) in a.reps.iter().enumerate() {
        let c = plot::rep_colour(k);
        let _ = write!(
            h,
            "<tr><td class=\"rep\"><span class=\"swatch\" style=\"background:rgb({},{},{})\"></span>{}</td>",
            c.0, c.1, c.2, r.index
        );
        for (_, _, f) in &shown {
            let _ = write!(h, "<td>{}</td>", f(r).unwrap_or_else(|| "—".into()));
        }
        h.push_str("<td class=\"faults\">");
        if r.faults.is_empty() {
            h.push_str(if coach::rep_judged(a, r) { "none" } else { "not judged" });
        }
        for f in &r.faults {
            let _ = write!(
                h,
                "<span class=\"chip {}\" title=\"{}\">{} {}</span> ",
                match f.severity {
                    Severity::Likely => "likely",
                    Severity::Watch => "watch",
                },
                esc(&format!("{}: {}", coach::fault_name(&f.id), f.evidence)),
                esc(&coach::fault_short(&f.id)),
                esc(&coach::format_fault_value(f, f.value))
            );
        }
        h.push_str("</td></tr>\n");
    }
    h.push_str("</tbody></table></div>\n");
}

fn notes(h: &mut String, a: &Analysis) {
    if a.summary.notes.is_empty() {
        return;
    }
    h.push_str("<section id=\"notes\"><h2>Notes</h2><ul>\n");
    for n in &a.summary.notes {
        let _ = writeln!(h, "<li>{}</li>", esc(n));
    }
    h.push_str("</ul></section>\n");
}

const CSS: &str = r#"
:root { --ink:#212529; --muted:#6c757d; --line:#e3e6ea; --bg:#f6f7f9; --likely:#c8372d; --watch:#eba91e; --ok:#2e7d32; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 30px; margin: 0; letter-spacing: -0.01em; }
h2 { font-size: 21px; margin: 36px 0 12px; }
h3 { margin: 0; font-size: 17px; }
.meta { color: var(--muted); margin: 4px 0 0; }
header.top { display:flex; justify-content:space-between; align-items:flex-end; border-bottom: 3px solid var(--ink); padding-bottom: 12px; }
.cards { display:grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 14px; margin-top: 20px; }
.card { background:#fff; border:1px solid var(--line); border-top: 5px solid #adb5bd; border-radius: 8px; padding: 12px 16px; }
.card h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.card .big { font-size: 24px; font-weight: 700; margin: 2px 0 4px; }
.card p { margin: 0; font-size: 14.5px; }
.card p.why { color: var(--muted); font-size: 13px; margin-top: 4px; }
.card.ok { border-top-color: var(--ok); } .card.warn { border-top-color: var(--watch); } .card.bad { border-top-color: var(--likely); }
ol.ranked { list-style:none; padding:0; margin:0; display:grid; gap: 12px; }
li.fault { display:flex; gap: 14px; background:#fff; border:1px solid var(--line); border-left: 6px solid var(--watch); border-radius: 8px; padding: 14px 16px; }
li.fault.likely { border-left-color: var(--likely); }
li.fault .rank { font-size: 28px; font-weight: 800; color: var(--muted); min-width: 28px; line-height: 1.1; }
li.fault p { margin: 4px 0 0; }
.seen { color: var(--muted); font-size: 14.5px; }
.headline { font-weight: 600; }
.evidence { font-size: 15px; }
.cue { background: #f1f8ff; border-radius: 6px; padding: 6px 10px; }
.fatigue { background: #fff3cd; border-radius: 6px; padding: 6px 10px; }
.badge, .chip { display:inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12.5px; font-weight: 600; vertical-align: middle; }
.badge.likely, .chip.likely { background: var(--likely); color:#fff; }
.badge.watch, .chip.watch { background: var(--watch); color: #212529; }
.chip { margin: 1px 2px; font-weight: 500; }
p.empty { background:#fff; border:1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.scroll { overflow-x: auto; background:#fff; border:1px solid var(--line); border-radius: 8px; }
table.reps { border-collapse: collapse; width: 100%; font-size: 13.5px; }
table.reps th, table.reps td { padding: 7px 7px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
table.reps th { font-size: 13px; }
table.reps .unit { font-size: 11.5px; }
table.reps td.faults { min-width: 120px; }
table.reps .chip { white-space: nowrap; }
#reps figure { margin-top: 14px; }
table.reps th { background: #fafbfc; font-weight: 600; vertical-align: bottom; }
table.reps td.faults, table.reps th:last-child { text-align: left; white-space: normal; }
table.reps td.rep { font-weight: 700; text-align: left; }
.unit { color: var(--muted); font-weight: 400; font-size: 12.5px; }
.swatch { display:inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; }
video { width: 100%; max-height: 78vh; background: #000; border-radius: 8px; display:block; }
figure { margin: 0 0 22px; background:#fff; border:1px solid var(--line); border-radius: 8px; padding: 12px; }
figure img { display:block; max-width: 100%; height: auto; margin: 0 auto; }
#plot-bar_path img { max-height: 900px; width: auto; }
figcaption, .caption { color: var(--muted); font-size: 14px; margin-top: 8px; }
#notes ul { background:#fff; border:1px solid var(--line); border-radius: 8px; padding: 12px 16px 12px 36px; margin: 0; }
footer { margin-top: 36px; color: var(--muted); font-size: 14px; border-top: 1px solid var(--line); padding-top: 12px; }
a { color: #0b5cad; }
@media print { body { background:#fff; } video { display:none; } figure, li.fault, .card { break-inside: avoid; } }
"#;

/// Writes the load state of every image and video into `#load-status` and the title, so a
/// headless browser can check the page: `data-state` becomes `done` once every image has
/// loaded or failed and every video has its metadata or an error.
const LOAD_SCRIPT: &str = r#"
(function () {
  var st = document.getElementById('load-status');
  var baseTitle = document.title;
  function check() {
    var imgs = Array.prototype.slice.call(document.images);
    var vids = Array.prototype.slice.call(document.querySelectorAll('video'));
    var imgOk = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
    var imgPending = imgs.filter(function (i) { return !i.complete; }).length;
    var vidOk = vids.filter(function (v) { return v.readyState >= 1 && !v.error; }).length;
    var vidErr = vids.filter(function (v) { return !!v.error; }).length;
    var pending = imgPending + (vids.length - vidOk - vidErr);
    st.setAttribute('data-images', imgs.length);
    st.setAttribute('data-images-ok', imgOk);
    st.setAttribute('data-videos', vids.length);
    st.setAttribute('data-videos-ok', vidOk);
    st.setAttribute('data-video-errors', vidErr);
    vids.forEach(function (v, k) {
      st.setAttribute('data-video' + k + '-size', v.videoWidth + 'x' + v.videoHeight);
      st.setAttribute('data-video' + k + '-duration', isFinite(v.duration) ? v.duration.toFixed(3) : 'NaN');
    });
    var state = pending > 0 ? 'pending' : 'done';
    st.setAttribute('data-state', state);
    document.title = baseTitle + ' [' + state + ' images ' + imgOk + '/' + imgs.length + ' videos ' + vidOk + '/' + vids.length + ']';
  }
  Array.prototype.forEach.call(document.images, function (i) {
    i.addEventListener('load', check); i.addEventListener('error', check);
  });
  Array.prototype.forEach.call(document.querySelectorAll('video'), function (v) {
    v.addEventListener('loadedmetadata', check); v.addEventListener('error', check);
    var s = v.querySelector('source'); if (s) { s.addEventListener('error', check); }
  });
  window.addEventListener('load', check);
  check();
})();
"#;
