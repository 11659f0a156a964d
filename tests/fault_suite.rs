//! The seeded fault suite: random renders (fault, magnitude, reps, facing, camera distance,
//! noise) analysed by the real pipeline; every fault rendered above its threshold must be
//! labelled `likely` on its rep, clean reps must get no `likely` label, and per-fault F1 must
//! reach 0.95. Prints the confusion table. Bar drift must be within 1 cm of the truth on every
//! rep whose result trusts its scale (`calibration.trusted`); reps under a scale the result
//! itself calls broken are counted and printed, not scored.
//!
//! CI runs a short subset (rep counts and drift asserted, table printed); the full suite,
//! which also asserts the F1 target, no `likely` label on a clean rep and no rendered fault
//! left without its `likely` label, is
//! `FORMCHECK_SUITE=60 cargo test --release --test fault_suite -- --nocapture`
//! (see docs/accuracy.md for the last full run).
//!
//! Rendering is most of that time. `FORMCHECK_SUITE_CACHE=DIR` keeps the renders in DIR and
//! reuses one when its spec matches, so a change to the analysis can be rescored in minutes;
//! empty DIR after changing the renderer (the cache only knows the spec, not the drawing).

mod common;

use formcheck::analyze::{analyze, AnalyzeOptions};
use formcheck::render::{render, RenderSpec};
use formcheck::schema::{Analysis, Severity, Truth, FAULT_IDS};
use std::collections::BTreeMap;

/// Seeds of the CI subset; the full suite runs seeds 1..=N. Seed 56 is a clean set on a grainy
/// wood floor, where the plate detector once grew the plate into the floor's texture (a 399 px
/// "rim" round a 127 px plate, no reps): it keeps `track::bar::detect::stands_out` honest.
/// Seed 21 is a black plate on a dark floor whose edge shows along barely half its round: the
/// painted ring was read as the plate, the lifter came out 269 cm tall and no centimetre was
/// judged; it keeps `track::bar::detect::partly_seen_rim` honest.
const CI_SEEDS: [u64; 6] = [1, 2, 3, 4, 21, 56];

#[derive(Default, Debug, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Counts {
    fn f1(&self) -> f64 {
        let denom = 2 * self.tp + self.fp + self.fn_;
        if denom == 0 {
            1.0
        } else {
            2.0 * self.tp as f64 / denom as f64
        }
    }
}

fn seeds() -> Vec<u64> {
    match std::env::var("FORMCHECK_SUITE").ok().and_then(|v| v.parse::<u64>().ok()) {
        Some(n) => (1..=n).collect(),
        None => CI_SEEDS.to_vec(),
    }
}

/// Bar drift may be this far from the truth (cm): the measurement target.
const DRIFT_TOLERANCE_CM: f64 = 1.0;

/// One seed's score.
struct Scored {
    counts: BTreeMap<&'static str, Counts>,
    log: String,
    /// Measured minus true bar drift (cm) of each matched rep, when the scale is trusted.
    drift_errors: Vec<f64>,
    /// Matched reps whose result calls its own scale broken.
    untrusted_reps: usize,
}

/// The renderer's own measurement `key` of the true rep lifted off at `liftoff`.
fn rendered_measure(truth: &Truth, liftoff: usize, key: &str) -> Option<f64> {
    let reps = truth.render.as_ref()?["reps"].as_array()?;
    reps.iter().find(|r| r["liftoff_frame"].as_u64() == Some(liftoff as u64))?[key].as_f64()
}

/// Renders, analyses and scores one seed.
fn score_seed(seed: u64, dir: &std::path::Path) -> Scored {
    let spec = RenderSpec::random(seed);
    let cache = std::env::var_os("FORMCHECK_SUITE_CACHE").map(std::path::PathBuf::from);
    let (truth, video) = rendered(&spec, cache.as_deref().unwrap_or(dir));
    let analysis: Analysis = analyze(&video, &AnalyzeOptions::default(), &mut |_, _| {}).expect("analyze");
    if cache.is_none() {
        let _ = std::fs::remove_file(&video);
    }
    let mut counts: BTreeMap<&'static str, Counts> = FAULT_IDS.iter().map(|id| (*id, Counts::default())).collect();
    let mut log = format!("seed {seed:3} {:<48}", describe(&spec));
    let scale_trusted = analysis.calibration.cm_trusted();
    let (mut drift_errors, mut untrusted_reps) = (Vec::new(), 0);
    if analysis.reps.len() != truth.reps.len() {
        log += &format!(" REP COUNT {} vs truth {}", analysis.reps.len(), truth.reps.len());
    }
    for (k, t) in truth.reps.iter().enumerate() {
        // The analysed rep whose lift-off is nearest the true one.
        let rep = analysis
            .reps
            .iter()
            .min_by_key(|r| r.liftoff_frame.abs_diff(t.liftoff_frame))
            .filter(|r| r.liftoff_frame.abs_diff(t.liftoff_frame) <= 5);
        let drift = rep
            .and_then(|r| Some(r.bar_drift_max_cm? - rendered_measure(&truth, t.liftoff_frame, "bar_drift_max_cm")?));
        match drift {
            Some(e) if scale_trusted => {
                drift_errors.push(e);
                if e.abs() > DRIFT_TOLERANCE_CM {
                    log += &format!(" | rep {} DRIFT {e:+.2} cm", k + 1);
                }
            }
            Some(_) => untrusted_reps += 1,
            None => {}
        }
        let labelled: Vec<&str> = rep
            .map(|r| r.faults.iter().filter(|f| f.severity == Severity::Likely).map(|f| f.id.as_str()).collect())
            .unwrap_or_default();
        for id in FAULT_IDS {
            let truly = t.faults.iter().any(|f| f.id == id);
            let said = labelled.contains(&id);
            let c = counts.get_mut(id).unwrap();
            match (truly, said) {
                (true, true) => c.tp += 1,
                (false, true) => {
                    c.fp += 1;
                    log += &format!(" | rep {} FP {id}", k + 1);
                }
                (true, false) => {
                    c.fn_ += 1;
                    log += &format!(" | rep {} MISSED {id}", k + 1);
                }
                _ => {}
            }
        }
    }
    if !scale_trusted {
        log += " | scale called broken by the result: drift not scored";
    }
    Scored { counts, log, drift_errors, untrusted_reps }
}

/// The render of `spec` in `dir`: reused when `dir` holds one made from the same spec.
fn rendered(spec: &RenderSpec, dir: &std::path::Path) -> (Truth, std::path::PathBuf) {
    let name = format!("suite{}", spec.seed);
    let video = dir.join(format!("{name}.mp4"));
    let spec_file = dir.join(format!("{name}.spec.json"));
    let truth_file = dir.join(format!("{name}.truth.json"));
    let spec_json = serde_json::to_string(spec).unwrap();
    let cached = std::fs::read_to_string(&spec_file).is_ok_and(|s| s == spec_json) && video.is_file();
    if let (true, Ok(text)) = (cached, std::fs::read_to_string(&truth_file)) {
        if let Ok(truth) = serde_json::from_str::<Truth>(&text) {
            return (truth, video);
        }
    }
    std::fs::create_dir_all(dir).expect("render folder");
    let truth = render(spec, dir, &name).expect("render");
    std::fs::write(&spec_file, spec_json).expect("writing the spec beside the render");
    (truth, video)
}

fn describe(spec: &RenderSpec) -> String {
    let fault = spec
        .faults
        .first()
        .map(|f| {
            format!("{}={:.2}{}", f.id, f.magnitude, f.variant.as_ref().map(|v| format!(":{v}")).unwrap_or_default())
        })
        .unwrap_or_else(|| "clean".into());
    format!("{} reps {} {}x{}", fault, spec.reps, spec.width, spec.height)
}

#[test]
fn fault_suite_labels_injected_faults_with_f1_of_at_least_0_95() {
    let dir = common::TempDir::new("suite");
    let seeds = seeds();
    let mut total: BTreeMap<&'static str, Counts> = FAULT_IDS.iter().map(|id| (*id, Counts::default())).collect();
    let results: Vec<_> = std::thread::scope(|s| {
        let chunks: Vec<Vec<u64>> = (0..2).map(|w| seeds.iter().copied().skip(w).step_by(2).collect()).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let dir = dir.path().to_path_buf();
                s.spawn(move || chunk.into_iter().map(|seed| score_seed(seed, &dir)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    for Scored { counts, log, .. } in &results {
        println!("{log}");
        for (id, c) in counts {
            let t = total.get_mut(id).unwrap();
            t.tp += c.tp;
            t.fp += c.fp;
            t.fn_ += c.fn_;
        }
    }
    println!("\n{} renders; per fault (likely labels on the right rep):", seeds.len());
    println!("{:<24} {:>4} {:>4} {:>4} {:>6}", "fault", "TP", "FP", "FN", "F1");
    let mut failing = Vec::new();
    for (id, c) in &total {
        println!("{id:<24} {:>4} {:>4} {:>4} {:>6.3}", c.tp, c.fp, c.fn_, c.f1());
        if c.f1() < 0.95 {
            failing.push(format!("{id} F1 {:.3}", c.f1()));
        }
    }
    let drift: Vec<f64> = results.iter().flat_map(|r| r.drift_errors.iter().copied()).collect();
    let untrusted: usize = results.iter().map(|r| r.untrusted_reps).sum();
    let worst = drift.iter().copied().fold(0.0, |w: f64, e| if e.abs() > w.abs() { e } else { w });
    println!(
        "bar drift against truth: {} of {} reps with a trusted scale within {DRIFT_TOLERANCE_CM} cm (worst {worst:+.2} cm); {untrusted} reps under a scale the result calls broken, not scored",
        drift.iter().filter(|e| e.abs() <= DRIFT_TOLERANCE_CM).count(),
        drift.len()
    );
    // Each render's log line carries a tag for every problem found on it.
    let logged = |tag: &str| -> Vec<&String> { results.iter().map(|r| &r.log).filter(|l| l.contains(tag)).collect() };
    let wrong_reps = logged("REP COUNT");
    assert!(wrong_reps.is_empty(), "renders with a wrong rep count:\n{wrong_reps:#?}");
    assert_eq!(untrusted, 0, "every render's plate gives a scale the result trusts");
    let drift_misses = logged("DRIFT");
    assert!(drift_misses.is_empty(), "bar drift more than {DRIFT_TOLERANCE_CM} cm off:\n{drift_misses:#?}");
    // The F1 target is asserted on the full suite (FORMCHECK_SUITE=N; docs/accuracy.md has the
    // last full run). A handful of renders holds too few labels per fault for an F1, so the CI
    // subset checks that the pipeline runs and splits reps on every render and prints the table.
    let (false_likely, misses) = (logged(" FP "), logged(" MISSED "));
    println!(
        "renders with a false likely label: {}; with a rendered fault not labelled likely: {}",
        false_likely.len(),
        misses.len()
    );
    if std::env::var_os("FORMCHECK_SUITE").is_some() {
        assert!(failing.is_empty(), "per-fault F1 below 0.95: {failing:?}");
        assert!(false_likely.is_empty(), "clean reps labelled likely:\n{false_likely:#?}");
        assert!(misses.is_empty(), "rendered faults not labelled likely:\n{misses:#?}");
    } else if !failing.is_empty() {
        println!("below the 0.95 target on this subset: {failing:?}");
    }
}
