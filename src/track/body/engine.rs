//! Running the pose networks. The pipeline talks to a small trait so the inference engine
//! can be swapped (and faked in tests); the default is ONNX Runtime, loaded at run time from
//! the library the project's set-up installs (the one shipped in PyPI's `onnxruntime` wheel).
//!
//! The ONNX files are compiled into the binary: a result never depends on which model file
//! happens to sit next to it, and nothing is ever downloaded.

use crate::error::{Error, Result};
use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const DETECTOR_SIZE: usize = 224;
pub const LANDMARK_SIZE: usize = 256;
pub const ANCHORS: usize = 2254;
pub const LANDMARK_ROWS: usize = 39;
pub const HEATMAP_SIZE: usize = 64;

const DETECTOR_ONNX: &[u8] = include_bytes!("../../../models/pose_detection.onnx");
const LANDMARK_FULL_ONNX: &[u8] = include_bytes!("../../../models/pose_landmark_full.onnx");
const LANDMARK_LITE_ONNX: &[u8] = include_bytes!("../../../models/pose_landmark_lite.onnx");
const LANDMARK_HEAVY_ONNX: &[u8] = include_bytes!("../../../models/pose_landmark_heavy.onnx");
/// The full landmark network with its segmentation head kept: the same landmarks bit for bit
/// (checked when the models were built), plus the person mask, at about 1.6x the cost, so it
/// runs on a share of the frames only.
const LANDMARK_FULL_SEG_ONNX: &[u8] = include_bytes!("../../../models/pose_landmark_full_seg.onnx");

/// The ONNX Runtime release the `ort` crate is built against and the set-up installs.
pub const ORT_VERSION: &str = "1.31.1";
/// Environment variable naming the ONNX Runtime library file, overriding the search.
pub const ORT_LIB_ENV: &str = "FORMCHECK_ORT_LIB";

/// Which landmark network to run. `Full` is the default; `Heavy` reads the joints closer to the
/// truth (docs/accuracy.md) at about 4.4x the time per landmark run, `Lite` takes about 0.6x
/// (models/README.md, "Speed").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LandmarkModel {
    #[default]
    Full,
    Lite,
    Heavy,
}

impl LandmarkModel {
    /// The name used by `--model` and in the result's `body_model`.
    pub fn name(self) -> &'static str {
        match self {
            LandmarkModel::Full => "full",
            LandmarkModel::Lite => "lite",
            LandmarkModel::Heavy => "heavy",
        }
    }

    /// The model's file name in `models/`, without the extension.
    pub fn file_stem(self) -> String {
        format!("pose_landmark_{}", self.name())
    }
}

/// Raw detector outputs for one letterboxed frame.
pub struct DetectorOutput {
    /// `ANCHORS x 12` regressions (box centre/size, 4 keypoints) in 224-pixel units.
    pub boxes: Vec<f32>,
    /// `ANCHORS` score logits.
    pub scores: Vec<f32>,
}

/// Raw landmark outputs for one crop.
pub struct LandmarkOutput {
    /// `LANDMARK_ROWS x 5`: x, y, z (crop pixels), visibility and presence logits.
    pub landmarks: Vec<f32>,
    /// Probability that a person is in the crop.
    pub presence: f32,
    /// `64 x 64 x LANDMARK_ROWS` heatmap logits (NHWC).
    pub heatmap: Vec<f32>,
}

/// The person mask over the landmark crop.
pub struct SegmentationMask {
    /// `LANDMARK_SIZE x LANDMARK_SIZE` logits, row-major (positive = person).
    pub logits: Vec<f32>,
}

/// A pose network runner.
pub trait PoseEngine: Send {
    /// `input` is NHWC `[1, 224, 224, 3]`, RGB scaled to [-1, 1].
    fn detect(&mut self, input: &[f32]) -> Result<DetectorOutput>;
    /// `input` is NHWC `[1, 256, 256, 3]`, RGB scaled to [0, 1].
    fn landmarks(&mut self, input: &[f32]) -> Result<LandmarkOutput>;
    /// The landmarks and, when the engine can, the person mask of the same crop. Engines
    /// without a segmentation network give no mask, and the back outline is not checked.
    fn landmarks_with_mask(&mut self, input: &[f32]) -> Result<(LandmarkOutput, Option<SegmentationMask>)> {
        Ok((self.landmarks(input)?, None))
    }
}

/// ONNX Runtime on one intra-op thread: the other core decodes video.
pub struct OrtEngine {
    detector: Session,
    landmark: Session,
    /// The segmentation variant of the full model; `None` for the lite model.
    segmentation: Option<Session>,
    /// With the full model one run of `segmentation` gives the landmarks too (bit for bit the
    /// same); with the heavy model the mask comes from a second, full-model run on the crop.
    model: LandmarkModel,
}

impl OrtEngine {
    pub fn new(model: LandmarkModel) -> Result<Self> {
        let env = ensure_runtime()?;
        let landmark_bytes = match model {
            LandmarkModel::Full => LANDMARK_FULL_ONNX,
            LandmarkModel::Lite => LANDMARK_LITE_ONNX,
            LandmarkModel::Heavy => LANDMARK_HEAVY_ONNX,
        };
        let segmentation = match model {
            LandmarkModel::Full | LandmarkModel::Heavy => {
                Some(session(env, LANDMARK_FULL_SEG_ONNX, "the segmentation model")?)
            }
            LandmarkModel::Lite => None,
        };
        Ok(OrtEngine {
            detector: session(env, DETECTOR_ONNX, "the person detector")?,
            landmark: session(env, landmark_bytes, "the landmark model")?,
            segmentation,
            model,
        })
    }
}

fn session(env: &ort::environment::Environment, bytes: &[u8], what: &str) -> Result<Session> {
    let fail = |e: ort::Error| Error::Inference { what: format!("loading {what}"), why: e.to_string() };
    Session::builder(env)
        .map_err(fail)?
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| fail(e.into()))?
        .with_intra_threads(1)
        .map_err(|e| fail(e.into()))?
        .with_inter_threads(1)
        .map_err(|e| fail(e.into()))?
        .commit_from_memory(bytes)
        .map_err(fail)
}

impl PoseEngine for OrtEngine {
    fn detect(&mut self, input: &[f32]) -> Result<DetectorOutput> {
        let fail = |e: ort::Error| Error::Inference { what: "running the person detector".into(), why: e.to_string() };
        let tensor = TensorRef::from_array_view(([1usize, DETECTOR_SIZE, DETECTOR_SIZE, 3], input)).map_err(fail)?;
        let outputs = self.detector.run(ort::inputs!["input_1" => tensor]).map_err(fail)?;
        let (_, boxes) = outputs["Identity"].try_extract_tensor::<f32>().map_err(fail)?;
        let (_, scores) = outputs["Identity_1"].try_extract_tensor::<f32>().map_err(fail)?;
        Ok(DetectorOutput { boxes: boxes.to_vec(), scores: scores.to_vec() })
    }

    fn landmarks(&mut self, input: &[f32]) -> Result<LandmarkOutput> {
        Ok(run_landmarks(&mut self.landmark, input, false)?.0)
    }

    fn landmarks_with_mask(&mut self, input: &[f32]) -> Result<(LandmarkOutput, Option<SegmentationMask>)> {
        match self.segmentation.as_mut() {
            Some(seg) if self.model == LandmarkModel::Full => run_landmarks(seg, input, true),
            Some(seg) => {
                let (_, mask) = run_landmarks(seg, input, true)?;
                Ok((self.landmarks(input)?, mask))
            }
            None => Ok((self.landmarks(input)?, None)),
        }
    }
}

fn run_landmarks(
    session: &mut Session,
    input: &[f32],
    with_mask: bool,
) -> Result<(LandmarkOutput, Option<SegmentationMask>)> {
    let fail = |e: ort::Error| Error::Inference { what: "running the landmark model".into(), why: e.to_string() };
    let tensor = TensorRef::from_array_view(([1usize, LANDMARK_SIZE, LANDMARK_SIZE, 3], input)).map_err(fail)?;
    let outputs = session.run(ort::inputs!["input_1" => tensor]).map_err(fail)?;
    let (_, landmarks) = outputs["Identity"].try_extract_tensor::<f32>().map_err(fail)?;
    let (_, presence) = outputs["Identity_1"].try_extract_tensor::<f32>().map_err(fail)?;
    let (_, heatmap) = outputs["Identity_3"].try_extract_tensor::<f32>().map_err(fail)?;
    let mask = if with_mask {
        let (_, logits) = outputs["Identity_2"].try_extract_tensor::<f32>().map_err(fail)?;
        Some(SegmentationMask { logits: logits.to_vec() })
    } else {
        None
    };
    Ok((LandmarkOutput { landmarks: landmarks.to_vec(), presence: presence[0], heatmap: heatmap.to_vec() }, mask))
}

/// Loads ONNX Runtime once per process. The environment must outlive every session, so it
/// is kept in a static.
fn ensure_runtime() -> Result<&'static ort::environment::Environment> {
    static RUNTIME: OnceLock<std::result::Result<ort::environment::Environment, String>> = OnceLock::new();
    let outcome = RUNTIME.get_or_init(|| {
        let lib = find_runtime_library().ok_or_else(|| "not found".to_string())?;
        ort::init_from(&lib)
            .map_err(|e| format!("{}: {e}", lib.display()))?
            .with_name("formcheck")
            .build()
            .map_err(|e| format!("{}: {e}", lib.display()))
    });
    outcome.as_ref().map_err(|why| Error::RuntimeMissing { why: why.clone(), searched: runtime_search_path() })
}

/// Where the ONNX Runtime library is looked for, in order.
pub fn runtime_search_path() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(p) = std::env::var_os(ORT_LIB_ENV) {
        dirs.push(PathBuf::from(p));
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            dirs.push(dir.to_path_buf());
            dirs.push(dir.join("lib"));
        }
    }
    if let Some(data) = crate::data_dir() {
        dirs.push(data.join("lib"));
    }
    dirs
}

fn find_runtime_library() -> Option<PathBuf> {
    runtime_search_path().into_iter().find_map(|p| library_in(&p))
}

fn library_in(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    let exact = path.join(format!("libonnxruntime.so.{ORT_VERSION}"));
    if exact.is_file() {
        return Some(exact);
    }
    let plain = path.join("libonnxruntime.so");
    plain.is_file().then_some(plain)
}

#[cfg(test)]
mod model_name_tests {
    use super::LandmarkModel;
    use clap::ValueEnum;

    /// `name` is what `--model` takes, what the result JSON stores and what the history reads
    /// back: the three must not drift apart.
    #[test]
    fn a_models_name_is_its_flag_value_and_its_json_value() {
        for &m in LandmarkModel::value_variants() {
            assert_eq!(m.to_possible_value().unwrap().get_name(), m.name());
            assert_eq!(serde_json::to_value(m).unwrap(), serde_json::Value::String(m.name().into()));
            assert!(std::path::Path::new("models").join(format!("{}.onnx", m.file_stem())).is_file());
        }
    }
}
