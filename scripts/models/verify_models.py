#!/usr/bin/env python3
"""Check the ONNX BlazePose models in models/ against the original TFLite models, and
time them with onnxruntime on one thread.

    models/.work/venv/bin/python scripts/models/verify_models.py \
        [--models-dir models] [--tflite-dir models/.work/tflite] \
        [--image frame.png | --video some_side_view.mp4 [--video-time 1.0]] \
        [--report models/.work/verify_report.json] [--bench-runs 200]

Checks, for each model:
- the same input tensors go through the TFLite interpreter (builtin kernels, no
  XNNPACK) and onnxruntime: three seeded random inputs in the model's input range,
  plus a real-ish input built from a video frame (or from a PNG, or a synthetic
  picture when neither is given) by a small re-implementation of MediaPipe's
  pipeline: letterbox -> detector -> anchors/box decoding -> ROI from keypoints 0/1
  (x1.25, square) -> rotated 256x256 crop -> landmark model;
- max |diff| for every output; the landmark x/y/z columns (crop pixels), the presence
  output and the detector box/keypoint outputs (224-px units) must agree to 1e-2 or
  the script exits non-zero;
- the detector's output count equals the number of SSD anchors generated from the
  graph options (2254);
- Identity_1 of the landmark models is a probability (already sigmoid-ed): the ONNX
  graph ends in Sigmoid for it and all its values lie in [0, 1];
- timing: onnxruntime, intra_op_num_threads=1, inter_op_num_threads=1, median ms per
  inference after warm-up; plus, for information, the full landmark model without the
  heatmap output, and the full model at graph optimization level BASIC instead of ALL.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
import tensorflow as tf

# ---------------------------------------------------------------------------
# MediaPipe graph constants (from the graphs compiled into @mediapipe/pose
# 0.5.1675469404; see models/mediapipe_graphs/*.pbtxt).
DET_INPUT = 224
ANCHOR_OPTS = dict(
    num_layers=5, min_scale=0.1484375, max_scale=0.75, input_size_height=224, input_size_width=224,
    anchor_offset_x=0.5, anchor_offset_y=0.5, strides=[8, 16, 32, 32, 32], aspect_ratios=[1.0],
    fixed_anchor_size=True, interpolated_scale_aspect_ratio=1.0, reduce_boxes_in_lowest_layer=False,
)
DET_SCALE = 224.0  # x_scale = y_scale = w_scale = h_scale
SCORE_CLIP = 100.0
MIN_SCORE = 0.5
ROI_SCALE = 1.25
LM_INPUT = 256

TOL = 1e-2

MODELS = [
    # onnx file, tflite file, outputs compared, input range
    ("pose_detection.onnx", "pose_detection.tflite", ["Identity", "Identity_1"], (-1.0, 1.0)),
    ("pose_landmark_full.onnx", "pose_landmark_full.tflite", ["Identity", "Identity_1", "Identity_3"], (0.0, 1.0)),
    ("pose_landmark_lite.onnx", "pose_landmark_lite.tflite", ["Identity", "Identity_1", "Identity_3"], (0.0, 1.0)),
    ("pose_landmark_heavy.onnx", "pose_landmark_heavy.tflite", ["Identity", "Identity_1", "Identity_3"], (0.0, 1.0)),
    ("pose_landmark_full_seg.onnx", "pose_landmark_full.tflite",
     ["Identity", "Identity_1", "Identity_2", "Identity_3"], (0.0, 1.0)),
]


# ---------------------------------------------------------------------------
def ssd_anchors(o):
    """SsdAnchorsCalculator (fixed_anchor_size): list of (x_center, y_center, w, h)."""
    def scale(i, n):
        return (o["min_scale"] + o["max_scale"]) * 0.5 if n == 1 else \
            o["min_scale"] + (o["max_scale"] - o["min_scale"]) * i / (n - 1.0)
    anchors = []
    n = o["num_layers"]
    layer = 0
    while layer < n:
        ars, scales = [], []
        last = layer
        while last < n and o["strides"][last] == o["strides"][layer]:
            s = scale(last, n)
            if last == 0 and o["reduce_boxes_in_lowest_layer"]:
                ars += [1.0, 2.0, 0.5]
                scales += [0.1, s, s]
            else:
                for ar in o["aspect_ratios"]:
                    ars.append(ar)
                    scales.append(s)
                if o["interpolated_scale_aspect_ratio"] > 0:
                    s_next = 1.0 if last == n - 1 else scale(last + 1, n)
                    scales.append(math.sqrt(s * s_next))
                    ars.append(o["interpolated_scale_aspect_ratio"])
            last += 1
        stride = o["strides"][layer]
        fh = int(math.ceil(o["input_size_height"] / stride))
        fw = int(math.ceil(o["input_size_width"] / stride))
        for y in range(fh):
            for x in range(fw):
                for k in range(len(ars)):
                    cx = (x + o["anchor_offset_x"]) / fw
                    cy = (y + o["anchor_offset_y"]) / fh
                    if o["fixed_anchor_size"]:
                        anchors.append((cx, cy, 1.0, 1.0))
                    else:
                        r = math.sqrt(ars[k])
                        anchors.append((cx, cy, scales[k] * r, scales[k] / r))
        layer = last
    return np.array(anchors, dtype=np.float32)


def decode_detections(raw_boxes, raw_scores, anchors):
    """TensorsToDetectionsCalculator: boxes [N,12] -> (score, box xywh, 4 keypoints) normalized."""
    a = anchors
    b = raw_boxes.reshape(-1, 12)
    cx = b[:, 0] / DET_SCALE * a[:, 2] + a[:, 0]
    cy = b[:, 1] / DET_SCALE * a[:, 3] + a[:, 1]
    w = b[:, 2] / DET_SCALE * a[:, 2]
    h = b[:, 3] / DET_SCALE * a[:, 3]
    kps = np.empty((b.shape[0], 4, 2), np.float32)
    for k in range(4):
        kps[:, k, 0] = b[:, 4 + 2 * k] / DET_SCALE * a[:, 2] + a[:, 0]
        kps[:, k, 1] = b[:, 5 + 2 * k] / DET_SCALE * a[:, 3] + a[:, 1]
    logits = np.clip(raw_scores.reshape(-1), -SCORE_CLIP, SCORE_CLIP)
    scores = 1.0 / (1.0 + np.exp(-logits))
    return scores, np.stack([cx, cy, w, h], 1), kps


# ---------------------------------------------------------------------------
def sample_rotated(img, cx, cy, w, h, theta, size, border):
    """ImageToTensorCalculator-like crop: rotated rect (centre cx,cy, size w,h px, angle
    theta rad) -> size x size, bilinear. border: 'zero' or 'replicate'."""
    H, W, _ = img.shape
    u = (np.arange(size) + 0.5) / size - 0.5
    a, b = np.meshgrid(u * w, u * h)
    c, s = math.cos(theta), math.sin(theta)
    x = cx + a * c - b * s - 0.5
    y = cy + a * s + b * c - 0.5
    x0 = np.floor(x).astype(np.int64)
    y0 = np.floor(y).astype(np.int64)
    fx = (x - x0)[..., None]
    fy = (y - y0)[..., None]

    def px(yy, xx):
        inside = (xx >= 0) & (xx < W) & (yy >= 0) & (yy < H)
        v = img[np.clip(yy, 0, H - 1), np.clip(xx, 0, W - 1)]
        if border == "zero":
            v = v * inside[..., None]
        return v

    out = (px(y0, x0) * (1 - fx) * (1 - fy) + px(y0, x0 + 1) * fx * (1 - fy)
           + px(y0 + 1, x0) * (1 - fx) * fy + px(y0 + 1, x0 + 1) * fx * fy)
    return out.astype(np.float32)


def load_frame(args, workdir):
    if args.image:
        data = tf.io.read_file(args.image)
        return tf.io.decode_image(data, channels=3).numpy().astype(np.float32) / 255.0, args.image
    if args.video and os.path.exists(args.video) and shutil.which("ffmpeg"):
        png = os.path.join(workdir, "frame.png")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-ss", str(args.video_time), "-i", args.video,
                        "-frames:v", "1", png], check=True)
        data = tf.io.read_file(png)
        return (tf.io.decode_image(data, channels=3).numpy().astype(np.float32) / 255.0,
                f"{os.path.basename(args.video)} @ {args.video_time}s")
    # Synthetic fallback: a smooth background with a stick figure of bright limbs.
    H, W = 480, 640
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    img = np.stack([0.3 + 0.2 * xx / W, 0.35 + 0.1 * yy / H, 0.4 + 0.0 * xx], -1)
    pts = [(320, 90), (320, 200), (300, 300), (310, 420), (340, 200), (380, 260)]
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        t = np.clip(((xx - x0) * (x1 - x0) + (yy - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2), 0, 1)
        d = np.hypot(xx - (x0 + t * (x1 - x0)), yy - (y0 + t * (y1 - y0)))
        img[d < 14] = (0.85, 0.7, 0.6)
    return img.astype(np.float32), "synthetic stick figure"


# ---------------------------------------------------------------------------
class TfliteModel:
    def __init__(self, path):
        self.it = tf.lite.Interpreter(
            model_path=path, num_threads=1,
            experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        self.it.allocate_tensors()
        self.inp = self.it.get_input_details()[0]
        self.outs = {d["name"]: d["index"] for d in self.it.get_output_details()}

    def run(self, x):
        self.it.set_tensor(self.inp["index"], x)
        self.it.invoke()
        return {k: self.it.get_tensor(i).copy() for k, i in self.outs.items()}


def ort_session(path, level=ort.GraphOptimizationLevel.ORT_ENABLE_ALL):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = level
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def ort_run(sess, x):
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, {sess.get_inputs()[0].name: x})))


def bench(sess, x, runs):
    name = sess.get_inputs()[0].name
    for _ in range(max(10, runs // 10)):
        sess.run(None, {name: x})
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        sess.run(None, {name: x})
        ts.append(time.perf_counter() - t)
    return float(np.median(ts) * 1e3), float(np.percentile(ts, 10) * 1e3)


def diff_stats(ref, got, name, model):
    d = np.abs(ref.astype(np.float64) - got.astype(np.float64))
    if name == "Identity" and "landmark" in model:
        d5 = d.reshape(-1, 39, 5)
        return {"xyz_px": float(d5[..., :3].max()), "vis_logit": float(d5[..., 3].max()),
                "pres_logit": float(d5[..., 4].max())}
    if name == "Identity" and "detection" in model:
        return {"box_kp_224px": float(d.max())}
    if name == "Identity_2":  # segmentation logits: also compare the probabilities
        sig = lambda t: 1.0 / (1.0 + np.exp(-np.clip(t.astype(np.float64), -80, 80)))  # noqa: E731
        return {"logit": float(d.max()), "prob": float(np.abs(sig(ref) - sig(got)).max())}
    return {"max": float(d.max())}


def merge_max(acc, new):
    for k, v in new.items():
        acc[k] = max(acc.get(k, 0.0), v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap.add_argument("--models-dir", default=os.path.join(root, "models"))
    ap.add_argument("--tflite-dir", default=os.path.join(root, "models", ".work", "tflite"))
    ap.add_argument("--image")
    ap.add_argument("--video", default=os.environ.get(
        "VERIFY_VIDEO", "/work/shared/realvids/deadlift_side_jeffjchen_good.mp4"),
        help="side-view video to take the real-ish frame from (skipped when missing)")
    ap.add_argument("--video-time", type=float, default=1.0)
    ap.add_argument("--report", default=os.path.join(root, "models", ".work", "verify_report.json"))
    ap.add_argument("--overlay", default=os.path.join(root, "models", ".work", "verify_overlay.png"))
    ap.add_argument("--bench-runs", type=int, default=200)
    ap.add_argument("--no-bench", action="store_true")
    a = ap.parse_args()

    failures = []
    report = {"tolerance": TOL, "models": {}, "checks": {}}
    workdir = tempfile.mkdtemp(prefix="verify_models_")

    # -- anchors vs detector output count
    anchors = ssd_anchors(ANCHOR_OPTS)
    det_onnx = onnx.load(os.path.join(a.models_dir, "pose_detection.onnx"))
    n_out = det_onnx.graph.output[0].type.tensor_type.shape.dim[1].dim_value
    report["checks"]["anchors"] = {"generated": int(len(anchors)), "model_boxes": int(n_out)}
    print(f"anchors generated: {len(anchors)}; detector boxes: {n_out}")
    if len(anchors) != n_out:
        failures.append("anchor count")

    # -- Identity_1 is sigmoid-ed in the graph
    for m in ("pose_landmark_full.onnx", "pose_landmark_lite.onnx", "pose_landmark_heavy.onnx"):
        g = onnx.load(os.path.join(a.models_dir, m)).graph
        producer = {o: n for n in g.node for o in n.output}
        node = producer.get("Identity_1")
        chain = []
        while node is not None and node.op_type in ("Identity", "Reshape", "Sigmoid", "Cast") and len(chain) < 5:
            chain.append(node.op_type)
            node = producer.get(node.input[0])
        ok = "Sigmoid" in chain
        report["checks"][f"{m}:Identity_1_sigmoid_in_graph"] = ok
        print(f"{m}: Identity_1 producer chain {chain} -> sigmoid already applied: {ok}")
        if not ok:
            failures.append(f"{m} Identity_1 not sigmoid")

    # -- real-ish input through a mini MediaPipe pipeline (ONNX drives it, TFLite compared)
    frame, frame_src = load_frame(a, workdir)
    H, W, _ = frame.shape
    side = max(H, W)
    det_in = sample_rotated(frame, W / 2, H / 2, side, side, 0.0, DET_INPUT, "zero") * 2.0 - 1.0
    det_in = det_in[None]
    det_sess = ort_session(os.path.join(a.models_dir, "pose_detection.onnx"))
    det_out = ort_run(det_sess, det_in)
    scores, boxes, kps = decode_detections(det_out["Identity"], det_out["Identity_1"], anchors)
    best = int(np.argmax(scores))
    real_inputs = {"pose_detection.onnx": det_in}
    pipeline = {"frame": frame_src, "frame_size": [W, H], "best_score": float(scores[best]),
                "num_above_min_score": int((scores > MIN_SCORE).sum())}
    # letterbox removal: the square letterbox maps normalized -> image px directly via side
    kp_px = np.stack([(kps[best, :, 0] - 0.5) * side + W / 2, (kps[best, :, 1] - 0.5) * side + H / 2], 1)
    pipeline["detector_keypoints_px"] = kp_px.round(1).tolist()
    (x0, y0), (x1, y1) = kp_px[0], kp_px[1]
    box = 2.0 * math.hypot(x1 - x0, y1 - y0) * ROI_SCALE
    theta = math.pi / 2 - math.atan2(-(y1 - y0), x1 - x0)
    theta = theta - 2 * math.pi * math.floor((theta + math.pi) / (2 * math.pi))
    pipeline.update({"hip_centre_px": [float(x0), float(y0)], "roi_size_px": float(box),
                     "roi_rotation_deg": float(math.degrees(theta))})
    lm_in = sample_rotated(frame, x0, y0, box, box, theta, LM_INPUT, "replicate")[None]
    for m, *_ in MODELS[1:]:
        real_inputs[m] = lm_in
    print(f"real-ish input: {frame_src} {W}x{H}; detector best score {scores[best]:.3f} "
          f"({pipeline['num_above_min_score']} anchors > {MIN_SCORE}); ROI centre ({x0:.0f},{y0:.0f}) "
          f"size {box:.0f}px rotation {math.degrees(theta):.1f} deg")

    # -- numerical comparison
    rng = np.random.default_rng(12345)
    tfl_cache = {}
    for onnx_name, tfl_name, outs, (lo, hi) in MODELS:
        tfl = tfl_cache.setdefault(tfl_name, TfliteModel(os.path.join(a.tflite_dir, tfl_name)))
        sess = ort_session(os.path.join(a.models_dir, onnx_name))
        shape = tuple(sess.get_inputs()[0].shape)
        got_names = [o.name for o in sess.get_outputs()]
        if got_names != outs:
            failures.append(f"{onnx_name}: outputs {got_names} != {outs}")
        entry = {"random": {}, "real": {}}
        inputs = [("random", rng.uniform(lo, hi, size=shape).astype(np.float32)) for _ in range(3)]
        inputs.append(("real", real_inputs[onnx_name]))
        for kind, x in inputs:
            r = tfl.run(x)
            o = ort_run(sess, x)
            for name in outs:
                st = entry[kind].setdefault(name, {})
                merge_max(st, diff_stats(r[name], o[name], name, onnx_name))
            if kind == "real":
                entry["real_value_range"] = {n: [float(o[n].min()), float(o[n].max())] for n in outs}
            if "landmark" in onnx_name:
                p = o["Identity_1"]
                if p.min() < 0 or p.max() > 1:
                    failures.append(f"{onnx_name}: Identity_1 outside [0,1]")
                if kind == "real":
                    entry["real_presence"] = float(p.reshape(-1)[0])
                    lms = o["Identity"].reshape(39, 5)
                    entry["real_landmarks_crop_px"] = lms[:, :2].round(2).tolist()
        # gate
        for kind in ("random", "real"):
            for name, st in entry[kind].items():
                for k, v in st.items():
                    gated = k in ("xyz_px", "box_kp_224px") or (name == "Identity_1" and "landmark" in onnx_name)
                    if gated and v > TOL:
                        failures.append(f"{onnx_name} {kind} {name} {k} = {v:g} > {TOL}")
        report["models"][onnx_name] = entry
        print(f"{onnx_name}: max |onnx - tflite|")
        for kind in ("random", "real"):
            print(f"   {kind:6s} " + "; ".join(
                f"{n}: " + ", ".join(f"{k}={v:.2e}" for k, v in st.items()) for n, st in entry[kind].items()))
        if "real_presence" in entry:
            print(f"   presence on the real-ish crop: {entry['real_presence']:.3f}")

    report["pipeline"] = pipeline

    # -- overlay for eyeballing: landmarks of the full model projected back to the frame
    try:
        lms = np.array(report["models"]["pose_landmark_full.onnx"]["real_landmarks_crop_px"])
        u = lms[:, 0] / LM_INPUT - 0.5
        v = lms[:, 1] / LM_INPUT - 0.5
        c, s = math.cos(theta), math.sin(theta)
        px = x0 + (u * c - v * s) * box
        py = y0 + (u * s + v * c) * box
        pipeline["landmarks_image_px"] = np.stack([px, py], 1)[:33].round(1).tolist()
        img = (frame * 255).astype(np.uint8).copy()
        for i, (X, Y) in enumerate(zip(px, py)):
            col = (255, 0, 0) if i < 33 else (0, 0, 255)
            if i in (11, 12, 23, 24, 25, 26, 27, 28):
                col = (0, 255, 0)
            xi, yi = int(round(X)), int(round(Y))
            img[max(0, yi - 3):yi + 4, max(0, xi - 3):xi + 4] = col
        os.makedirs(os.path.dirname(a.overlay), exist_ok=True)
        tf.io.write_file(a.overlay, tf.io.encode_png(img))
        print(f"overlay written to {a.overlay}")
    except Exception as e:  # pragma: no cover - diagnostics only
        print(f"overlay skipped: {e}")

    # -- timing
    if not a.no_bench:
        timing = {}
        for onnx_name, *_ in MODELS:
            sess = ort_session(os.path.join(a.models_dir, onnx_name))
            timing[onnx_name] = bench(sess, real_inputs[onnx_name], a.bench_runs)
        # informational variants: what the heatmap and the other outputs cost
        full_seg = os.path.join(a.models_dir, "pose_landmark_full_seg.onnx")
        for label, keep in (("full: Identity+Identity_1 only (no heatmap)", ["Identity", "Identity_1"]),):
            p = os.path.join(workdir, "variant.onnx")
            onnx.utils.extract_model(full_seg, p, ["input_1"], keep)
            timing[label] = bench(ort_session(p), lm_in, a.bench_runs)
        # the graph optimization level matters: the layout transforms and Conv+Clip fusions
        # are only done at ORT_ENABLE_ALL (onnxruntime's default)
        timing["full, graph_optimization_level=ORT_ENABLE_BASIC"] = bench(
            ort_session(os.path.join(a.models_dir, "pose_landmark_full.onnx"),
                        ort.GraphOptimizationLevel.ORT_ENABLE_BASIC), lm_in, a.bench_runs)
        report["timing_ms_median_p10"] = timing
        report["onnxruntime"] = ort.__version__
        print("onnxruntime single thread (intra_op_num_threads=1), ms per inference, median / p10:")
        for k, (med, p10) in timing.items():
            print(f"   {k:45s} {med:7.2f} / {p10:7.2f}")

    report["failures"] = failures
    if a.report:
        os.makedirs(os.path.dirname(a.report), exist_ok=True)
        with open(a.report, "w") as f:
            json.dump(report, f, indent=1)
    shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("all ONNX models match their TFLite originals")


if __name__ == "__main__":
    main()
