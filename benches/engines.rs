//! Which inference engine runs BlazePose fastest on one core: onnxruntime (the `ort` crate,
//! the project's engine), OpenCV DNN (the `opencv` crate's `dnn` module) and tract (the
//! `tract-onnx` crate, pure Rust). One criterion benchmark per engine x model, each one
//! inference on one thread with the input already prepared.
//!
//!     cargo bench --features engine-compare --bench engines
//!
//! Before timing, every engine runs the same real input (a crop of a lifter from
//! `sample_videos/clean_3rep.mp4`, placed by the project's own detector) and its outputs are
//! compared with onnxruntime's; a wrong engine panics instead of being timed. OpenCV 4.6
//! needs a rewritten copy of the models (Clip bounds as attributes), written on demand by
//! `scripts/bench/opencv_dnn_models.py` into `models/.work/opencv/` (not committed).
//! Results and the choice of the default: docs/engines.md.

use criterion::{criterion_group, criterion_main, Criterion};
use formcheck::track::body::crop::{InputBuffers, Letterbox};
use formcheck::track::body::detector;
use formcheck::track::body::engine::{
    DetectorOutput, LandmarkModel, LandmarkOutput, OrtEngine, PoseEngine, DETECTOR_SIZE, HEATMAP_SIZE, LANDMARK_ROWS,
    LANDMARK_SIZE,
};
use formcheck::video::Video;
use opencv::core::{Mat, Scalar, Vector, CV_32F};
use opencv::prelude::*;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tract_onnx::prelude::*;

const MODELS: [&str; 3] = ["pose_detection", "pose_landmark_full", "pose_landmark_lite"];
const SAMPLE_VIDEO: &str = "sample_videos/clean_3rep.mp4";
/// The frame of the sample the inputs are cut from (lifter at the bar).
const SAMPLE_FRAME: usize = 45;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Network inputs from a real frame: the letterboxed frame for the detector, and the
/// landmark crop the detector's first detection gives.
struct Inputs {
    detector: Vec<f32>,
    landmark: Vec<f32>,
}

fn real_inputs() -> Inputs {
    let mut video = Video::open(&root().join(SAMPLE_VIDEO)).expect("open the sample video");
    let mut frame = Mat::default();
    while let Some(i) = video.read_into(&mut frame).expect("decode") {
        if i == SAMPLE_FRAME {
            break;
        }
    }
    let mut buffers = InputBuffers::default();
    let letterbox: Letterbox = buffers.fill_detector_input(&frame).expect("detector input");
    let mut ort = OrtEngine::new(LandmarkModel::Full).expect("onnxruntime (run scripts/setup.sh)");
    let raw = ort.detect(&buffers.detector).expect("detect");
    let people = detector::decode(&raw, &detector::anchors(), &letterbox);
    let person = people.first().expect("the detector finds the lifter in the sample frame");
    buffers.fill_landmark_input(&frame, &person.roi()).expect("landmark input");
    Inputs { detector: buffers.detector.clone(), landmark: buffers.landmark.clone() }
}

// ---------------------------------------------------------------------------------------
// OpenCV DNN

struct CvEngine {
    detector: opencv::dnn::Net,
    landmark: opencv::dnn::Net,
}

/// The rewritten copies, generated when missing (or older than the originals).
fn opencv_models() -> Result<PathBuf, String> {
    let dir = root().join("models/.work/opencv");
    let stale = MODELS.iter().any(|m| {
        let src = root().join(format!("models/{m}.onnx"));
        let dst = dir.join(format!("{m}.opencv.onnx"));
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        match (modified(&src), modified(&dst)) {
            (Some(s), Some(d)) => d < s,
            _ => true,
        }
    });
    if stale {
        let venv = root().join("models/.work/venv/bin/python");
        let python = if venv.is_file() { venv } else { PathBuf::from("python3") };
        let status = std::process::Command::new(&python)
            .arg(root().join("scripts/bench/opencv_dnn_models.py"))
            .status()
            .map_err(|e| format!("running {}: {e}", python.display()))?;
        if !status.success() {
            return Err(format!(
                "scripts/bench/opencv_dnn_models.py failed ({status}); it needs Python with `onnx` \
                 (models/.work/venv from scripts/models/build_models.sh)"
            ));
        }
    }
    Ok(dir)
}

fn cv_net(path: &Path) -> opencv::Result<opencv::dnn::Net> {
    let mut net = opencv::dnn::read_net_from_onnx(path.as_os_str())?;
    net.set_preferable_backend(opencv::dnn::DNN_BACKEND_OPENCV)?;
    net.set_preferable_target(opencv::dnn::DNN_TARGET_CPU)?;
    Ok(net)
}

impl CvEngine {
    fn new(dir: &Path, model: LandmarkModel) -> opencv::Result<Self> {
        let landmark = model.file_stem();
        Ok(CvEngine {
            detector: cv_net(&dir.join("pose_detection.opencv.onnx"))?,
            landmark: cv_net(&dir.join(format!("{landmark}.opencv.onnx")))?,
        })
    }
}

fn nhwc_blob(input: &[f32], side: usize) -> opencv::Result<Mat> {
    let dims = [1, side as i32, side as i32, 3];
    let mut blob = Mat::new_nd_with_default(&dims, CV_32F, Scalar::all(0.0))?;
    blob.data_typed_mut::<f32>()?.copy_from_slice(input);
    Ok(blob)
}

fn cv_run(net: &mut opencv::dnn::Net, input: &[f32], side: usize, names: &[&str]) -> opencv::Result<Vec<Vec<f32>>> {
    let blob = nhwc_blob(input, side)?;
    net.set_input(&blob, "input_1", 1.0, Scalar::default())?;
    let mut outs: Vector<Mat> = Vector::new();
    let names: Vector<String> = names.iter().copied().collect();
    net.forward(&mut outs, &names)?;
    outs.iter().map(|m| m.data_typed::<f32>().map(<[f32]>::to_vec)).collect()
}

fn cv_err(e: opencv::Error) -> formcheck::Error {
    formcheck::Error::Inference { what: "OpenCV DNN".into(), why: e.to_string() }
}

impl PoseEngine for CvEngine {
    fn detect(&mut self, input: &[f32]) -> formcheck::Result<DetectorOutput> {
        let mut o = cv_run(&mut self.detector, input, DETECTOR_SIZE, &["Identity", "Identity_1"]).map_err(cv_err)?;
        let scores = o.pop().unwrap();
        let boxes = o.pop().unwrap();
        Ok(DetectorOutput { boxes, scores })
    }

    fn landmarks(&mut self, input: &[f32]) -> formcheck::Result<LandmarkOutput> {
        let mut o = cv_run(&mut self.landmark, input, LANDMARK_SIZE, &["Identity", "Identity_1", "Identity_3"])
            .map_err(cv_err)?;
        let heatmap = o.pop().unwrap();
        let presence = o.pop().unwrap()[0];
        let landmarks = o.pop().unwrap();
        Ok(LandmarkOutput { landmarks, presence, heatmap })
    }
}

// ---------------------------------------------------------------------------------------
// tract

type TractPlan = TypedSimplePlan;

struct TractEngine {
    detector: TypedSimpleState,
    landmark: TypedSimpleState,
}

/// Loads an original ONNX file (fp16 weights + Cast as shipped) and optimises it for a
/// fixed input shape.
fn tract_plan(path: &Path, side: usize) -> TractResult<Arc<TractPlan>> {
    tract_onnx::onnx()
        .model_for_path(path)?
        .with_input_fact(0, InferenceFact::dt_shape(f32::datum_type(), tvec!(1, side, side, 3)))?
        .into_optimized()?
        .into_runnable()
}

impl TractEngine {
    fn new(model: LandmarkModel) -> TractResult<Self> {
        let landmark = model.file_stem();
        let models = root().join("models");
        let detector = tract_plan(&models.join("pose_detection.onnx"), DETECTOR_SIZE)?;
        let landmark = tract_plan(&models.join(format!("{landmark}.onnx")), LANDMARK_SIZE)?;
        Ok(TractEngine { detector: detector.spawn()?, landmark: landmark.spawn()? })
    }
}

fn tract_run(state: &mut TypedSimpleState, input: &[f32], side: usize) -> TractResult<Vec<Vec<f32>>> {
    let tensor = Tensor::from_shape(&[1, side, side, 3], input)?;
    let outs = state.run(tvec!(tensor.into()))?;
    outs.iter().map(|t| Ok(t.try_as_plain_ram()?.as_slice::<f32>()?.to_vec())).collect()
}

fn tract_err(e: TractError) -> formcheck::Error {
    formcheck::Error::Inference { what: "tract".into(), why: format!("{e:?}") }
}

impl PoseEngine for TractEngine {
    fn detect(&mut self, input: &[f32]) -> formcheck::Result<DetectorOutput> {
        // Graph outputs in file order: Identity, Identity_1.
        let mut o = tract_run(&mut self.detector, input, DETECTOR_SIZE).map_err(tract_err)?;
        let scores = o.pop().unwrap();
        let boxes = o.pop().unwrap();
        Ok(DetectorOutput { boxes, scores })
    }

    fn landmarks(&mut self, input: &[f32]) -> formcheck::Result<LandmarkOutput> {
        // Graph outputs in file order: Identity, Identity_1, Identity_3.
        let mut o = tract_run(&mut self.landmark, input, LANDMARK_SIZE).map_err(tract_err)?;
        let heatmap = o.pop().unwrap();
        let presence = o.pop().unwrap()[0];
        let landmarks = o.pop().unwrap();
        Ok(LandmarkOutput { landmarks, presence, heatmap })
    }
}

// ---------------------------------------------------------------------------------------
// Agreement with onnxruntime

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "output sizes differ");
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Largest differences from onnxruntime: landmark x/y/z (crop px), visibility/presence
/// logits, presence probability, heatmap logits; detector boxes/keypoints (224-px units) and
/// score logits on the anchors onnxruntime scores >= 0.5 (elsewhere the logits are large
/// negative numbers that nobody reads).
fn check_agreement(name: &str, model: &str, reference: &mut OrtEngine, engine: &mut dyn PoseEngine, inputs: &Inputs) {
    let r = reference.landmarks(&inputs.landmark).unwrap();
    let e = engine.landmarks(&inputs.landmark).unwrap();
    assert_eq!(e.landmarks.len(), 5 * LANDMARK_ROWS);
    assert_eq!(e.heatmap.len(), HEATMAP_SIZE * HEATMAP_SIZE * LANDMARK_ROWS);
    let (mut xyz, mut logit) = (0.0f32, 0.0f32);
    for row in 0..LANDMARK_ROWS {
        for k in 0..5 {
            let d = (r.landmarks[5 * row + k] - e.landmarks[5 * row + k]).abs();
            if k < 3 {
                xyz = xyz.max(d);
            } else {
                logit = logit.max(d);
            }
        }
    }
    let presence = (r.presence - e.presence).abs();
    let heat = max_abs_diff(&r.heatmap, &e.heatmap);
    println!(
        "agreement {name} {model} vs onnxruntime: landmarks xyz {xyz:.2e} px, vis/pres logits {logit:.2e}, \
         presence {presence:.2e} (onnxruntime {:.3}), heatmap {heat:.2e}",
        r.presence
    );
    assert!(xyz < 0.05 && presence < 1e-3 && logit < 0.01, "{name} {model} disagrees with onnxruntime");

    let r = reference.detect(&inputs.detector).unwrap();
    let e = engine.detect(&inputs.detector).unwrap();
    assert_eq!((e.boxes.len(), e.scores.len()), (r.boxes.len(), r.scores.len()));
    let confident: Vec<usize> = (0..r.scores.len()).filter(|&i| r.scores[i] >= 0.0).collect();
    let boxes = confident
        .iter()
        .flat_map(|&i| (0..12).map(move |k| 12 * i + k))
        .map(|j| (r.boxes[j] - e.boxes[j]).abs())
        .fold(0.0, f32::max);
    let scores = confident.iter().map(|&i| (r.scores[i] - e.scores[i]).abs()).fold(0.0, f32::max);
    println!(
        "agreement {name} detector vs onnxruntime: {} anchors >= 0.5, boxes/keypoints {boxes:.2e} px, \
         score logits {scores:.2e}",
        confident.len()
    );
    assert!(!confident.is_empty() && boxes < 0.05 && scores < 0.01, "{name} detector disagrees with onnxruntime");
}

// ---------------------------------------------------------------------------------------

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    println!("load {what}: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    out
}

fn bench_engine(c: &mut Criterion, name: &str, full: &mut dyn PoseEngine, lite: &mut dyn PoseEngine, inputs: &Inputs) {
    let mut group = c.benchmark_group(name);
    group.bench_function("landmark_full", |b| {
        b.iter(|| black_box(full.landmarks(black_box(&inputs.landmark)).unwrap()))
    });
    group.bench_function("landmark_lite", |b| {
        b.iter(|| black_box(lite.landmarks(black_box(&inputs.landmark)).unwrap()))
    });
    group.bench_function("detector", |b| b.iter(|| black_box(full.detect(black_box(&inputs.detector)).unwrap())));
    group.finish();
}

fn engines(c: &mut Criterion) {
    // One thread everywhere: onnxruntime sessions are built with 1 intra/inter-op thread by
    // OrtEngine; OpenCV's pool is set to 1; tract runs on the calling thread by default.
    opencv::core::set_num_threads(1).unwrap();
    let inputs = real_inputs();

    let mut ort_full = timed("onnxruntime full+detector", || OrtEngine::new(LandmarkModel::Full).unwrap());
    let mut ort_lite = timed("onnxruntime lite+detector", || OrtEngine::new(LandmarkModel::Lite).unwrap());
    let mut reference_full = OrtEngine::new(LandmarkModel::Full).unwrap();
    let mut reference_lite = OrtEngine::new(LandmarkModel::Lite).unwrap();

    let cv = opencv_models().and_then(|dir| {
        let full =
            timed("opencv full+detector", || CvEngine::new(&dir, LandmarkModel::Full)).map_err(|e| e.to_string())?;
        let lite =
            timed("opencv lite+detector", || CvEngine::new(&dir, LandmarkModel::Lite)).map_err(|e| e.to_string())?;
        Ok((full, lite))
    });
    let tract = (|| -> TractResult<_> {
        let full = timed("tract full+detector", || TractEngine::new(LandmarkModel::Full))?;
        let lite = timed("tract lite+detector", || TractEngine::new(LandmarkModel::Lite))?;
        Ok((full, lite))
    })();

    bench_engine(c, "onnxruntime", &mut ort_full, &mut ort_lite, &inputs);
    check_and_bench(c, "opencv_dnn", cv, (&mut reference_full, &mut reference_lite), &inputs);
    let tract = tract.map_err(|e| format!("{e:?}"));
    check_and_bench(c, "tract", tract, (&mut reference_full, &mut reference_lite), &inputs);
}

/// An engine pair that loaded is checked against onnxruntime (full, lite), then timed; one
/// that did not load is skipped with its reason.
fn check_and_bench<E: PoseEngine>(
    c: &mut Criterion,
    name: &str,
    engines: Result<(E, E), String>,
    references: (&mut OrtEngine, &mut OrtEngine),
    inputs: &Inputs,
) {
    let (mut full, mut lite) = match engines {
        Ok(pair) => pair,
        Err(e) => return println!("SKIPPED {name}: {e}"),
    };
    let label = name.split('_').next().unwrap_or(name);
    check_agreement(label, "full", references.0, &mut full, inputs);
    check_agreement(label, "lite", references.1, &mut lite, inputs);
    bench_engine(c, name, &mut full, &mut lite, inputs);
}

fn config() -> Criterion {
    Criterion::default()
        .without_plots()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6))
}

criterion_group! { name = benches; config = config(); targets = engines }
criterion_main!(benches);
