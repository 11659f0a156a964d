#!/usr/bin/env python3
"""Write models/SHA256SUMS, models/README.md and models/NOTICE for the BlazePose ONNX
models. Called by build_models.sh after verification; reads the verification report
(verify_models.py --report) for the measured numbers.
"""
import argparse
import hashlib
import importlib.metadata as md
import json
import os

import onnx

MODEL_FILES = [
    ("pose_detection.onnx", "person detector (run on the first frame and whenever tracking is lost)"),
    ("pose_landmark_full.onnx", "landmarks, full model (default; MediaPipe model_complexity=1)"),
    ("pose_landmark_lite.onnx", "landmarks, lite model (model_complexity=0)"),
    ("pose_landmark_heavy.onnx", "landmarks, heavy model (model_complexity=2; the most accurate, about 4x the full model's time)"),
    ("pose_landmark_full_seg.onnx", "landmarks + segmentation mask, full model (the back outline, read about 15 times a second)"),
]

OUTPUT_MEANING = {
    ("det", "Identity"): "boxes: per anchor 12 values = box (x_c, y_c, w, h) + 4 keypoints (x, y), raw, 224-px units",
    ("det", "Identity_1"): "scores: per anchor 1 raw logit",
    ("lm", "Identity"): "landmarks: 39 x (x, y, z, visibility logit, presence logit), crop pixels",
    ("lm", "Identity_1"): "pose presence, a probability (sigmoid already applied)",
    ("lm", "Identity_2"): "segmentation logits over the 256x256 crop",
    ("lm", "Identity_3"): "heatmap logits, channel i = landmark i (refinement)",
}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def io_desc(path):
    m = onnx.load(path, load_external_data=False)
    kind = "det" if "detection" in os.path.basename(path) else "lm"

    def shp(v):
        return "[" + ",".join(str(d.dim_value) for d in v.type.tensor_type.shape.dim) + "]"
    ins = [f"`{i.name}` {shp(i)}" for i in m.graph.input]
    outs = [f"`{o.name}` {shp(o)}" for o in m.graph.output]
    meanings = [(o.name, shp(o), OUTPUT_MEANING.get((kind, o.name), "")) for o in m.graph.output]
    return ins, outs, meanings


def fmt(v):
    return f"{v:.1e}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models-dir", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--npm", required=True)
    ap.add_argument("--npm-tgz-sha256", required=True)
    ap.add_argument("--lock", required=True)
    ap.add_argument("--opset", required=True)
    a = ap.parse_args()
    d = a.models_dir
    rep = json.load(open(a.report))
    vers = {p: md.version(p) for p in ("tensorflow-cpu", "tf2onnx", "onnx", "onnxruntime", "numpy", "protobuf",
                                       "flatbuffers")}

    # ------------------------------------------------------------ SHA256SUMS
    sums = []
    for f, _ in MODEL_FILES:
        sums.append((sha256(os.path.join(d, f)), f))
    with open(os.path.join(d, "SHA256SUMS"), "w") as fh:
        for h, f in sums:
            fh.write(f"{h}  {f}\n")

    # ------------------------------------------------------------ NOTICE
    with open(os.path.join(d, "NOTICE"), "w") as fh:
        fh.write(f"""BlazePose models in this directory (pose_detection.onnx, pose_landmark_full.onnx,
pose_landmark_lite.onnx, pose_landmark_heavy.onnx, pose_landmark_full_seg.onnx)

Origin: the MediaPipe Pose solution, Copyright The MediaPipe Authors (Google LLC),
distributed as the npm package {a.npm} under the Apache License, Version 2.0
(package.json "license": "Apache-2.0"; the package itself carries no LICENSE file, so
the standard Apache-2.0 text is reproduced in LICENSE). Original files:
  pose_solution_packed_assets.data (= pose_detection.tflite), pose_landmark_full.tflite,
  pose_landmark_lite.tflite, pose_landmark_heavy.tflite.
The MediaPipe graph options in mediapipe_graphs/ were decoded from the same package's
pose_solution_simd_wasm_bin.wasm and pose_web.binarypb.

Modifications (made by scripts/models/build_models.sh in this repository):
  - converted from TensorFlow Lite to ONNX with tf2onnx {vers['tf2onnx']}, opset {a.opset};
  - pose_detection: the 38 sparse weight tensors (DENSIFY ops) were replaced by the
    dense tensors the TFLite interpreter computes from them before conversion;
  - landmark models: outputs pruned (world landmarks removed from all; segmentation
    removed from pose_landmark_full.onnx, pose_landmark_lite.onnx and
    pose_landmark_heavy.onnx), together with the
    layers that only fed them;
  - weights stored as float16 initializers followed by Cast to float32 (lossless: the
    original weights are float16).
Numerical agreement with the originals is checked by scripts/models/verify_models.py.
""")

    # ------------------------------------------------------------ README
    rows = []
    meanings = {}
    for f, use in MODEL_FILES:
        p = os.path.join(d, f)
        ins, outs, mean = io_desc(p)
        meanings[f] = mean
        rows.append(f"| `{f}` | {os.path.getsize(p):,} | `{sha256(p)}` | {'<br>'.join(ins)} | "
                    f"{'<br>'.join(outs)} | {use} |")

    diff_rows = []
    for f, _ in MODEL_FILES:
        e = rep["models"][f]
        for kind in ("random", "real"):
            parts = []
            for name, st in e[kind].items():
                parts.append(f"{name}: " + ", ".join(f"{k} {fmt(v)}" for k, v in st.items()))
            diff_rows.append(f"| `{f}` | {kind} | {'; '.join(parts)} |")
    t = rep.get("timing_ms_median_p10", {})
    timing_rows = [f"| {k if k.endswith('.onnx') else k} | {v[0]:.1f} | {v[1]:.1f} |" for k, v in t.items()]
    pipe = rep.get("pipeline", {})
    ort_ver = rep.get("onnxruntime", vers["onnxruntime"])

    readme = f"""# models/: BlazePose (MediaPipe Pose) as ONNX

Generated by `scripts/models/build_models.sh`; do not edit by hand (rerun the script).
Source: npm `{a.npm}` (Apache-2.0, see `LICENSE` and `NOTICE`). Checksums: `SHA256SUMS`.

| file | bytes | sha256 | inputs | outputs | use |
| --- | ---: | --- | --- | --- | --- |
{chr(10).join(rows)}

Other files: `LICENSE` (Apache-2.0 text), `NOTICE` (origin and modifications), `SHA256SUMS`,
`mediapipe_graphs/*.pbtxt` (the MediaPipe graphs, with every calculator option, decoded from
the npm package's wasm binary by `scripts/models/extract_graph_options.py`; the numbers below
come from there).

## Output names

The tensor names are the original TFLite names, kept by tf2onnx, and are the same in every
landmark file: a file either has an output under that name with that meaning, or lacks it.

| name | detector (`pose_detection.onnx`) | landmark models |
| --- | --- | --- |
| `input_1` | [1,224,224,3] f32 NHWC, RGB in [-1,1] | [1,256,256,3] f32 NHWC, RGB in [0,1] |
| `Identity` | [1,2254,12] raw boxes + keypoints | [1,195] landmarks |
| `Identity_1` | [1,2254,1] score logits | [1,1] pose presence, already a probability |
| `Identity_2` | - | [1,256,256,1] segmentation logits (`pose_landmark_full_seg.onnx` only) |
| `Identity_3` | - | [1,64,64,39] heatmap logits (all landmark files) |
| `Identity_4` | - | removed (world landmarks [1,117], 39 x (x,y,z) metres, hip-centred) |

Keeping `Identity_3` costs about {t.get('pose_landmark_full.onnx', [0])[0] - t.get('full: Identity+Identity_1 only (no heatmap)', [0])[0]:.1f} ms per frame on the full model
(see Speed), which is cheap, and MediaPipe uses it (heatmap refinement below), so it stays.

## Landmark models (`pose_landmark_*.onnx`)

- Input `input_1`: f32 NHWC [1,256,256,3], RGB scaled to [0,1], a square crop around the
  person, rotated so that the person is upright (see "Crop"). MediaPipe samples it bilinearly
  with `keep_aspect_ratio: true` and the default border mode (replicate edge pixels).
- `Identity` [1,195] = 39 rows x (x, y, z, visibility, presence). x and y are in crop pixels
  (0..256; divide by 256 for normalized crop coordinates), z in the same pixel scale (depth
  relative to the hips, smaller = nearer the camera). visibility and presence are logits:
  MediaPipe applies a sigmoid (`TensorsToLandmarksCalculator`, `visibility_activation` and
  `presence_activation: SIGMOID`).
  - rows 0-32: the 33 BlazePose points: 0 nose, 1-3 left eye (inner, centre, outer), 4-6 right
    eye, 7 left ear, 8 right ear, 9/10 mouth left/right, 11/12 shoulders, 13/14 elbows,
    15/16 wrists, 17/18 pinkies, 19/20 index fingers, 21/22 thumbs, 23/24 hips, 25/26 knees,
    27/28 ankles, 29/30 heels, 31/32 foot index (toes). Odd = the person's left, even = right.
  - rows 33-34: auxiliary points that place the next frame's crop: 33 = hip centre (crop
    centre), 34 = scale/rotation point (the vector 33 -> 34 gives size and rotation, like the
    detector's keypoints 0 and 1).
  - rows 35-38: further points (near the hands on our test frame); MediaPipe's pose graph
    drops them.
- `Identity_1` [1,1]: pose presence, already a probability: the graph ends in a Sigmoid
  (checked by `verify_models.py`). MediaPipe keeps the landmarks only when it is >= 0.5
  (`ThresholdingCalculator threshold: 0.5`); below that tracking is lost and the detector runs
  on the next frame.
- `Identity_3` [1,64,64,39]: heatmap logits, NHWC, channel i = landmark i.
- `Identity_2` [1,256,256,1] (`pose_landmark_full_seg.onnx` only): person segmentation logits
  over the crop; MediaPipe applies a sigmoid, warps the mask back into the image with the
  inverse crop transform (border zero) and, with `smooth_segmentation`, blends it with the
  previous frame's mask (`combine_with_previous_ratio: 0.7`).

### Heatmap refinement (`RefineLandmarksFromHeatmapCalculator`, `kernel_size: 7`, `min_confidence_to_refine: 0.5`)
For each of the 39 landmarks (normalized crop coordinates x, y = px / 256):
`cc = int(x * 64)`, `cr = int(y * 64)`; skip if outside the 64x64 map. Over rows
`max(0, cr-3) .. min(64, cr+4)` and cols `max(0, cc-3) .. min(64, cc+4)` (exclusive ends) take
`c = sigmoid(heatmap[row, col, i])`; `sum += c`, `max = max(max, c)`,
`wc += col * c`, `wr += row * c`. If `max >= 0.5` and `sum > 0`: `x = wc / 64 / sum`,
`y = wr / 64 / sum` (note: integer cell index, no +0.5). z, visibility, presence unchanged.

## Person detector (`pose_detection.onnx`)

- Input `input_1`: f32 NHWC [1,224,224,3], RGB scaled to [-1,1], the whole frame letterboxed
  into a square (aspect kept, padding zero, `ImageToTensorCalculator`, `border_mode: BORDER_ZERO`).
- Outputs: `Identity` [1,2254,12] raw regressions per anchor, `Identity_1` [1,2254,1] raw score
  logits per anchor.

### Anchors (`SsdAnchorsCalculator`, exact options from the graph)
`num_layers: 5`, `strides: [8, 16, 32, 32, 32]`, `input_size: 224x224`, `min_scale: 0.1484375`,
`max_scale: 0.75`, `anchor_offset_x = anchor_offset_y = 0.5`, `aspect_ratios: [1.0]`,
`fixed_anchor_size: true` (interpolated_scale_aspect_ratio 1.0 and
reduce_boxes_in_lowest_layer false by default). Rule:
- walk the layers; consecutive layers with the same stride form one group; every layer of a
  group contributes 2 anchors per cell (aspect ratio 1.0, plus the interpolated-scale one);
- for each group, feature map `fm = ceil(224 / stride)`; loop `y` in 0..fm, then `x` in 0..fm,
  then the group's anchors; each anchor is `x_center = (x + 0.5) / fm`,
  `y_center = (y + 0.5) / fm`, `w = h = 1.0` (fixed size, so the scales do not matter);
- stride 8: 28x28x2 = 1568, stride 16: 14x14x2 = 392, stride 32 (three layers): 7x7x6 = 294;
  total **2254** = the model's output count (checked by `verify_models.py`). Anchor index
  order = this loop order (rows of `Identity`/`Identity_1`).

### Decoding (`TensorsToDetectionsCalculator`)
Options: `num_boxes: 2254`, `num_coords: 12`, `box_coord_offset: 0`, `keypoint_coord_offset: 4`,
`num_keypoints: 4`, `num_values_per_keypoint: 2`, `x_scale = y_scale = w_scale = h_scale = 224`,
`reverse_output_order: true` (order x, y, w, h), `sigmoid_score: true`,
`score_clipping_thresh: 100`, `min_score_thresh: 0.5`. For anchor a and raw row r:
- `x_c = r[0] / 224 * a.w + a.x_center`, `y_c = r[1] / 224 * a.h + a.y_center`,
  `w = r[2] / 224 * a.w`, `h = r[3] / 224 * a.h` (normalized to the 224 letterboxed square);
- keypoint k (0..3): `kx = r[4+2k] / 224 * a.w + a.x_center`, `ky = r[5+2k] / 224 * a.h + a.y_center`;
- `score = sigmoid(clamp(logit, -100, 100))`; keep score >= 0.5;
- `NonMaxSuppressionCalculator`: `min_suppression_threshold: 0.3`, IoU, `algorithm: WEIGHTED`
  (overlapping boxes are averaged, weighted by score); MediaPipe then takes the first detection;
- `DetectionLetterboxRemovalCalculator` maps back out of the letterbox padding into the frame.
- keypoint 0 = hip centre, keypoint 1 = scale/rotation point (the vector 0 -> 1 points from the
  hips towards/over the head; its length is half the box side), 2 = shoulder centre,
  3 = upper-body scale point (unused by the pose graph).

### From detection (or landmarks) to the landmark crop
`PoseDetectionToRoi` and `PoseLandmarksToRoi` (same options):
- `AlignmentPointsRectsCalculator` with `rotation_vector_start_keypoint_index: 0`,
  `rotation_vector_end_keypoint_index: 1`, `rotation_vector_target_angle_degrees: 90`:
  in frame pixels, centre = point 0, side = 2 x |point1 - point0|,
  rotation = normalize(pi/2 - atan2(-(y1 - y0), x1 - x0)) to [-pi, pi);
- `RectTransformationCalculator`: `scale_x = scale_y = 1.25`, `square_long: true` (side =
  max side in pixels, so the crop stays square), no shift;
- from the detector: points = detection keypoints 0 and 1; for the next frame: points =
  (smoothed) landmark rows 33 and 34 projected to the frame.

### Crop and projection back
The 256x256 input samples the rotated square: output pixel (u, v) comes from frame point
`centre + R(rotation) * ((u+0.5)/256 - 0.5, (v+0.5)/256 - 0.5) * side`. A landmark (x, y) in
crop pixels goes back with the same map: `(x/256 - 0.5, y/256 - 0.5)` rotated by `rotation`,
times `side`, plus `centre` (`LandmarkProjectionCalculator`; z scales with the side too).

### Tracking loop (`PoseLandmarkCpu`/`Gpu`)
Frame 1, or after a frame whose presence was < 0.5: detector -> first detection -> crop.
Otherwise the crop comes from the previous frame's rows 33/34 (no detector run).

### Smoothing after the model (MediaPipe, `smooth_landmarks: true`; for reference)
`PoseLandmarkFiltering`: visibility low-pass `alpha: 0.1`; landmarks one-euro filter
`min_cutoff: 0.05`, `beta: 80`, `derivate_cutoff: 1` with the ROI as object scale; auxiliary
rows 33/34 one-euro `min_cutoff: 0.01`, `beta: 10`, `derivate_cutoff: 1` (these drive the next crop);
world landmarks one-euro `min_cutoff: 0.1`, `beta: 40`, `disable_value_scaling: true`.

## Verification (last build)

`scripts/models/verify_models.py` runs the original TFLite models (interpreter with builtin
kernels, no XNNPACK) and the ONNX files (onnxruntime {ort_ver}) on three seeded random inputs
and one real-ish input ({pipe.get('frame', 'n/a')}: detector best score {pipe.get('best_score', 0):.3f},
crop side {pipe.get('roi_size_px', 0):.0f} px, rotation {pipe.get('roi_rotation_deg', 0):.1f} deg,
built by the pipeline above) and reports the largest absolute difference. Gate: landmark
x/y/z (crop px), presence and detector boxes/keypoints (224-px units) <= {rep.get('tolerance')}.

| file | input | max abs diff ONNX vs TFLite |
| --- | --- | --- |
{chr(10).join(diff_rows)}

## Speed (last build, onnxruntime {ort_ver}, `intra_op_num_threads = inter_op_num_threads = 1`)

| model | median ms / inference | p10 ms |
| --- | ---: | ---: |
{chr(10).join(timing_rows)}

Sessions must use onnxruntime's default graph optimization level, ORT_ENABLE_ALL (`ort`
crate: `GraphOptimizationLevel::Level3`): the extended and layout optimizations (operator
fusions, NCHWc convolution layouts, removal of tf2onnx's NHWC Transposes) happen only there,
and BASIC or disabled runs about 2.5x slower (row above). The fp16
weight storage costs nothing at run time (same speed as an fp32 file at every level; about
10 ms more at session creation). Timings on this 2-core machine vary with other load.

## Provenance and rebuild

- npm `{a.npm}` tarball sha256 `{a.npm_tgz_sha256}`; `pose_solution_packed_assets.data` is
  the detector `pose_detection.tflite` (TFL3 flatbuffer, 2,962,288 bytes). The PyPI wheel
  `mediapipe==0.10.14` ships a `pose_detection.tflite` with different bytes (it adds a
  TFLITE_METADATA block) but identical tensors and bit-identical outputs, and the same
  `pose_landmark_full.tflite`.
- Converters (pinned in `scripts/models/requirements-build.txt`): tensorflow-cpu {vers['tensorflow-cpu']},
  tf2onnx {vers['tf2onnx']} (`python -m tf2onnx.convert --tflite X.tflite --output X.onnx --opset {a.opset}`),
  onnx {vers['onnx']}, onnxruntime {vers['onnxruntime']}, numpy {vers['numpy']}, protobuf {vers['protobuf']},
  flatbuffers {vers['flatbuffers']}.
- Detector: `scripts/models/densify_tflite.py` replaces its 38 DENSIFY ops (sparse fp16
  weights) by the dense tensors read from the TFLite interpreter (builtin kernels,
  `experimental_preserve_all_tensors=True`) and checks bit-identical outputs before tf2onnx.
- `scripts/models/postprocess_onnx.py` prunes outputs (`onnx.utils.extract_model`) and stores
  the weights as fp16 + Cast (lossless, halves the files; onnxruntime folds the Casts at load).
- Rebuild everything (idempotent: a rebuild writes byte-identical .onnx files; needs PyPI and
  npm; about 40 s once the venv exists, plus the TensorFlow install the first time):

      bash scripts/models/build_models.sh

  Check only: `models/.work/venv/bin/python scripts/models/verify_models.py` (after a build).
  Graph options: `bash scripts/models/setup_mediapipe_venv.sh` once, then the build script
  also regenerates `mediapipe_graphs/`.
- MediaPipe's own pipeline as a reference (PyPI `mediapipe==0.10.14`, legacy
  `mp.solutions.pose.Pose(model_complexity=1, smooth_landmarks=True)`), per-frame landmarks
  in frame pixels + speed, as JSON: `bash scripts/models/setup_mediapipe_venv.sh`, then
  `models/.work/venv-mp/bin/python scripts/models/mediapipe_reference.py VIDEO --out OUT.json`.
"""
    with open(os.path.join(d, "README.md"), "w") as fh:
        fh.write(readme)
    print("wrote SHA256SUMS, NOTICE, README.md")
    for h, f in sums:
        print(f"  {h}  {f}")


if __name__ == "__main__":
    main()
