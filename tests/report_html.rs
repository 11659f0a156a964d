//! The HTML report: self-contained (no network), ranked faults, rep table, plots, cues,
//! confidence and view verdict, the annotated video; and end to end in headless Chromium,
//! loaded from a file URL with the network off: every image and the video must load.

mod report_support;

use formcheck::report::html::{self, write_report, VideoRef};
use formcheck::report::video::write_annotated;
use report_support::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn count(h: &str, needle: &str) -> usize {
    h.matches(needle).count()
}

#[test]
fn report_folder_has_every_file_and_the_page_has_every_part() {
    let a = fixture();
    let dir = out_dir("report_html_parts");
    let files = write_report(&a, &dir, None).unwrap();
    for f in [&files.html, &files.csv, &files.json] {
        assert!(f.is_file(), "{} missing", f.display());
    }
    assert_eq!(files.plots.len(), 8, "4 plots as PNG and SVG");
    let h = std::fs::read_to_string(&files.html).unwrap();

    // Self-contained: no address outside the folder.
    for bad in ["http://", "https://", "//cdn", "@import", "<link"] {
        assert!(!h.contains(bad), "the page refers to {bad}");
    }
    assert_eq!(count(&h, "<img src=\"data:image/png;base64,"), 4, "plots inlined");
    assert!(!h.contains("<video"), "no video element without a video");

    // Verdicts and confidence.
    assert!(h.contains("id=\"view-verdict\"") && h.contains("Side view: usable for form judgements."));
    assert!(h.contains("id=\"confidence\"") && h.contains(">high<"));

    // What to fix first: bar drift (likely in 2 reps) before early hips (1 rep), with cues.
    let drift = h.find("data-fault=\"bar_drift\"").expect("bar drift ranked");
    let hips = h.find("data-fault=\"hips_rise_early\"").expect("early hips ranked");
    assert!(drift < hips, "bar drift first");
    assert!(h.contains("Seen in 2 of 3 reps (reps 2, 3)"));
    assert!(h.contains("<strong>Cue:</strong> Engage the lats"));

    // The rep table: one row per rep, with the faults as chips.
    let table = &h[h.find("<table class=\"reps\">").unwrap()..h.find("</table>").unwrap()];
    assert_eq!(count(table, "<tr><td class=\"rep\">"), 3);
    assert_eq!(count(table, "<span class=\"chip"), 3);
    assert!(table.contains("Max drift"));
}

/// A scale that fails the body check (the lifter an impossible height on the plate's scale)
/// makes every centimetre wrong: the report's confidence says so rather than "high".
#[test]
fn a_scale_that_failed_the_body_check_gives_low_confidence_and_says_why() {
    let mut a = fixture();
    a.calibration.trusted = Some(false);
    let dir = out_dir("report_html_broken_scale");
    let files = write_report(&a, &dir, None).unwrap();
    let h = std::fs::read_to_string(&files.html).unwrap();
    let card = &h[h.find("id=\"confidence\"").unwrap()..];
    let card = &card[..card.find("</div>").unwrap()];
    assert!(card.contains(">low<"), "{card}");
    assert!(card.contains("impossible height: cm values are not trustworthy"), "{card}");
}

#[test]
fn bar_only_report_says_what_was_not_judged() {
    let a = bar_only(fixture());
    let dir = out_dir("report_html_bar_only");
    let files = write_report(&a, &dir, None).unwrap();
    let h = std::fs::read_to_string(&files.html).unwrap();
    assert!(h.contains("Faults were not judged for this video"));
    assert!(h.to_lowercase().contains("body points were not tracked"));
    assert!(h.contains("Mid-foot unknown"));
    assert!(h.contains("Drift") && h.contains("cm from start"), "bar-only drift column");
    assert!(!h.contains("Hips early"), "no empty body columns");
}

/// A rep left unjudged (the hands did not move with the followed bar) is "not judged" in the
/// rep table, never "none"; when every rep is, "what to fix first" says so.
#[test]
fn a_rep_that_was_not_judged_is_not_shown_as_clean() {
    let why = "from the setup to lockout your hands did not move with what was followed as the bar";
    let mut a = fixture();
    for r in &mut a.reps {
        r.faults.clear();
    }
    a.reps[0].not_judged = Some(why.into());
    let page = |a: &formcheck::schema::Analysis, name: &str| {
        std::fs::read_to_string(write_report(a, &out_dir(name), None).unwrap().html).unwrap()
    };
    let h = page(&a, "report_html_one_unjudged");
    assert_eq!(count(&h, "<td class=\"faults\">not judged"), 1, "rep 1 only");
    assert_eq!(count(&h, "<td class=\"faults\">none"), a.reps.len() - 1);
    assert!(h.contains("No fault was labelled in the reps that were judged"), "what to fix first");
    for r in &mut a.reps {
        r.not_judged = Some(why.into());
    }
    let h = page(&a, "report_html_all_unjudged");
    assert!(h.contains("No rep could be judged"), "what to fix first");
    assert_eq!(count(&h, "<td class=\"faults\">none"), 0);
}

/// A fault seen in 2 reps of a 3-rep set where one rep could not be judged was seen in every
/// rep that could be: "2 of 3" would understate it.
#[test]
fn how_often_a_fault_was_seen_counts_the_reps_that_could_be_judged() {
    let mut a = fixture();
    a.reps[0].faults.clear();
    a.reps[0].not_judged = Some("from the setup to lockout your hands did not move with the bar".into());
    let h =
        std::fs::read_to_string(write_report(&a, &out_dir("report_html_seen_in_judged"), None).unwrap().html).unwrap();
    assert!(h.contains("Seen in 2 of the 2 reps that could be judged (reps 2, 3)"), "what to fix first");
    let ranked = formcheck::faults::set::fix_first(&a.reps);
    let drift = ranked.iter().find(|f| f.id == "bar_drift").expect("bar drift ranked");
    assert!(drift.headline.contains("likely in reps 2, 3 of the 2 that could be judged"), "{}", drift.headline);
    let mut one_left = a.clone();
    one_left.reps[1].faults.clear();
    one_left.reps[1].not_judged = one_left.reps[0].not_judged.clone();
    let h = std::fs::read_to_string(write_report(&one_left, &out_dir("report_html_seen_in_one"), None).unwrap().html)
        .unwrap();
    assert!(h.contains("Seen in 1 of the 1 rep that could be judged (rep 3)"), "one rep judged");
    a.reps[0].not_judged = None;
    let drift = formcheck::faults::set::fix_first(&a.reps).into_iter().find(|f| f.id == "bar_drift").unwrap();
    assert!(drift.headline.contains("likely in reps 2, 3 of 3."), "{}", drift.headline);
}

#[test]
fn text_from_the_result_is_escaped() {
    let mut a = fixture();
    a.summary.notes.push("<script>alert(1)</script> & \"quotes\"".into());
    a.video.path = "/tmp/<b>odd</b> name.mp4".into();
    let h = html::page(&a, &[], None, None);
    assert!(!h.contains("<script>alert"), "note not escaped");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"));
    assert!(!h.contains("<b>odd</b>"));
}

#[test]
fn video_link_is_relative_and_encoded() {
    let dir = out_dir("report_html_rel");
    std::fs::create_dir_all(dir.join("report")).unwrap();
    std::fs::create_dir_all(dir.join("videos")).unwrap();
    std::fs::write(dir.join("videos/my clip.mp4"), b"x").unwrap();
    assert_eq!(html::relative_url(&dir.join("videos/my clip.mp4"), &dir.join("report")), "../videos/my%20clip.mp4");
    std::fs::write(dir.join("report/a.mp4"), b"x").unwrap();
    assert_eq!(html::relative_url(&dir.join("report/a.mp4"), &dir.join("report")), "a.mp4");
}

// ---------------------------------------------------------------------------------------
// End to end in headless Chromium.
// ---------------------------------------------------------------------------------------

/// Debian's chromium (installed by scripts/setup.sh --with-test-tools), or `None`.
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let ok = Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success());
        ok.then(|| PathBuf::from(name))
    })
}

/// Runs headless Chromium with the network off and a fresh profile.
fn run_chromium(bin: &Path, profile: &Path, args: &[String]) -> std::process::Output {
    Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--mute-audio",
            "--hide-scrollbars",
            // Network off: every host resolves nowhere; file URLs still load.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--proxy-server=127.0.0.1:9",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("running chromium")
}

fn file_url(p: &Path) -> String {
    let abs = std::fs::canonicalize(p).unwrap();
    let mut url = String::from("file://");
    for c in abs.to_string_lossy().bytes() {
        match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => url.push(c as char),
            _ => url.push_str(&format!("%{c:02X}")),
        }
    }
    url
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

#[test]
fn report_opens_in_headless_chromium_with_every_image_and_the_video() {
    let Some(bin) = chromium() else {
        println!(
            "skipped: chromium is not installed, so the report cannot be opened in a browser \
             (scripts/setup.sh --with-test-tools installs Debian's chromium; CI does)"
        );
        return;
    };
    let (input, a) = rendered();
    let dir = out_dir("report_e2e");
    let report_dir = dir.join("report");
    let video = dir.join("annotated.mp4");
    let written = write_annotated(a, input, &video, &mut |_, _| {}).unwrap();
    let files =
        write_report(a, &report_dir, Some(VideoRef { path: &video, poster_jpg: written.poster_jpg.as_deref() }))
            .unwrap();
    let page = std::fs::read_to_string(&files.html).unwrap();
    assert!(page.contains("src=\"../annotated.mp4\""), "video referenced relatively");
    assert!(page.contains("poster=\"poster.jpg\""));

    // 1. Load status, as the page itself reports it.
    let profile = tempfile::tempdir().unwrap();
    let out = run_chromium(
        &bin,
        profile.path(),
        &["--virtual-time-budget=15000".into(), "--dump-dom".into(), file_url(&files.html)],
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<div id=\"load-status\"").unwrap_or_else(|| {
        panic!("no load status in the DOM; chromium said: {}", String::from_utf8_lossy(&out.stderr))
    });
    let tag = &dom[start..start + dom[start..].find('>').unwrap()];
    println!("chromium load status: {tag}");
    assert_eq!(attr(tag, "data-state"), Some("done"), "page still loading: {tag}");
    assert_eq!(attr(tag, "data-images"), Some("4"), "the 4 plots");
    assert_eq!(attr(tag, "data-images-ok"), attr(tag, "data-images"), "an image failed to load: {tag}");
    assert_eq!(attr(tag, "data-videos"), Some("1"));
    assert_eq!(attr(tag, "data-videos-ok"), Some("1"), "the video did not load: {tag}");
    assert_eq!(attr(tag, "data-video-errors"), Some("0"));
    let size = format!("{}x{}", a.video.width, a.video.height);
    assert_eq!(attr(tag, "data-video0-size"), Some(size.as_str()), "video decoded at its size");
    let duration: f64 = attr(tag, "data-video0-duration").unwrap().parse().unwrap();
    assert!((duration - a.video.duration_s).abs() < 0.2, "video duration {duration}");

    // 2. A screenshot of the whole page, for people to look at.
    let shot = dir.join("report_screenshot.png");
    let out = run_chromium(
        &bin,
        profile.path(),
        &[
            "--virtual-time-budget=15000".into(),
            "--window-size=1280,4800".into(),
            format!("--screenshot={}", shot.display()),
            file_url(&files.html),
        ],
    );
    assert!(shot.is_file(), "no screenshot; chromium said: {}", String::from_utf8_lossy(&out.stderr));
    let s = png_stats(&std::fs::read(&shot).unwrap());
    assert_eq!((s.width, s.height), (1280, 4800));
    assert!(s.colours > 500, "screenshot looks blank ({} colours)", s.colours);
    assert!(s.ink_share > 0.2, "screenshot mostly empty");
    println!("report screenshot: {}", shot.display());
}

#[test]
fn the_pipelines_ranking_and_units_are_honoured() {
    let mut a = fixture();
    // The pipeline judged early hips by time (ms), not distance.
    for r in &mut a.reps {
        for f in r.faults.iter_mut().filter(|f| f.id == "hips_rise_early") {
            f.value = 400.0;
            f.threshold = 150.0;
        }
    }
    a.summary.fix_first = vec![formcheck::schema::FixItem {
        id: "hips_rise_early".into(),
        fault: 4,
        likely_reps: vec![3],
        watch_reps: vec![],
        confidence: 0.8,
        fatigue: false,
        headline: "Hips before the bar: fix the start first".into(),
        cue: "Push the floor away.".into(),
    }];
    let h = html::page(&a, &[], None, None);
    let drift = h.find("data-fault=\"bar_drift\"").unwrap();
    let hips = h.find("data-fault=\"hips_rise_early\"").unwrap();
    assert!(hips < drift, "summary.fix_first decides the order");
    assert!(h.contains("Hips before the bar: fix the start first"), "the pipeline's headline");
    assert!(h.contains("<strong>Cue:</strong> Push the floor away."), "the pipeline's cue");
    assert!(h.contains("worst 400 ms against a threshold of 150 ms"), "unit follows the threshold");
    assert!(h.contains("Hips early 400 ms"), "rep table chip");
}
