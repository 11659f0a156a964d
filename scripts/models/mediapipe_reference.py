#!/usr/bin/env python3
"""Run MediaPipe's own pose pipeline (PyPI mediapipe==0.10.14, legacy
mp.solutions.pose) over a video and write per-frame landmarks plus timing as JSON.
This is the peer that formcheck's own BlazePose pipeline is compared against.

Installs nothing: create the venv once with scripts/models/setup_mediapipe_venv.sh, then

    models/.work/venv-mp/bin/python scripts/models/mediapipe_reference.py VIDEO \
        [--out OUT.json] [--model-complexity 1] [--no-smooth] [--static] [--max-frames N]

Decoding: OpenCV (cv2.VideoCapture), frames converted BGR -> RGB, fed in order with
static_image_mode=False (tracking between frames, as in a video), smooth_landmarks=True.
--static runs the person detector on every frame instead (static_image_mode=True; no
tracking, no smoothing): the same network on a different crop, which shows how much the
landmarks depend on the crop alone.

Output JSON:
  video, width, height, fps (container), frames_decoded, mediapipe/opencv versions,
  settings, timing:
    fps_with_decode      frames / wall seconds of the decode+process loop
    fps_with_decode_after_first  the same without the first frame (graph start-up)
    process_ms_median    median wall ms of pose.process() per frame
    cpu_cores_busy       process CPU seconds / wall seconds during that loop
    decode_only_fps      frames / wall seconds of a second pass that only decodes
  frames: list of {i, t_ms, landmarks} where landmarks is null when no pose was found,
    else 33 rows [x_px, y_px, z_px, visibility, presence] in native frame pixels
    (z: MediaPipe's z, which is in the x scale, times the frame width; smaller = nearer
    the camera; visibility/presence are probabilities).
Landmark order: MediaPipe's PoseLandmark (0 nose ... 11/12 shoulders, 23/24 hips,
25/26 knees, 27/28 ankles, 29/30 heels, 31/32 toes; odd = the person's left).
"""
import argparse
import json
import os
import sys
import time

import cv2
import mediapipe as mp
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("video")
    ap.add_argument("--out", help="JSON path (default: models/.work/reference/<video>.mediapipe.json)")
    ap.add_argument("--model-complexity", type=int, default=1, choices=(0, 1, 2))
    ap.add_argument("--no-smooth", action="store_true", help="smooth_landmarks=False")
    ap.add_argument("--static", action="store_true", help="static_image_mode=True (detector on every frame)")
    ap.add_argument("--max-frames", type=int, default=0)
    a = ap.parse_args()

    if not os.path.exists(a.video):
        sys.exit(f"no such video: {a.video}")
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    out = a.out or os.path.join(root, "models", ".work", "reference",
                                os.path.splitext(os.path.basename(a.video))[0] + ".mediapipe.json")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)

    settings = dict(static_image_mode=a.static, model_complexity=a.model_complexity,
                    smooth_landmarks=not a.no_smooth, enable_segmentation=False,
                    min_detection_confidence=0.5, min_tracking_confidence=0.5)
    cap = cv2.VideoCapture(a.video)
    if not cap.isOpened():
        sys.exit(f"cannot open {a.video}")
    W = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
    H = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    fps = float(cap.get(cv2.CAP_PROP_FPS))

    frames = []
    proc_ms = []
    with mp.solutions.pose.Pose(**settings) as pose:
        # Warm-up is part of the count: the first frame includes graph start-up, as in real use.
        t0 = time.perf_counter()
        c0 = time.process_time()
        i = 0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            t_ms = float(cap.get(cv2.CAP_PROP_POS_MSEC))
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            rgb.flags.writeable = False
            tp = time.perf_counter()
            res = pose.process(rgb)
            proc_ms.append((time.perf_counter() - tp) * 1e3)
            lms = None
            if res.pose_landmarks is not None:
                lms = []
                for lm in res.pose_landmarks.landmark:
                    pres = lm.presence if lm.HasField("presence") else None
                    lms.append([round(lm.x * W, 2), round(lm.y * H, 2), round(lm.z * W, 2),
                                round(lm.visibility, 4), None if pres is None else round(pres, 4)])
            frames.append({"i": i, "t_ms": round(t_ms, 2), "landmarks": lms})
            i += 1
            if a.max_frames and i >= a.max_frames:
                break
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
    cap.release()
    n = len(frames)

    # Decode-only pass over the same frames (same decode + colour conversion).
    cap = cv2.VideoCapture(a.video)
    t0 = time.perf_counter()
    m = 0
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        m += 1
        if a.max_frames and m >= a.max_frames:
            break
    dec_wall = time.perf_counter() - t0
    cap.release()

    found = sum(1 for f in frames if f["landmarks"] is not None)
    timing = {
        "frames": n,
        "wall_s": round(wall, 3),
        "fps_with_decode": round(n / wall, 2) if wall > 0 else None,
        "process_ms_median": round(float(np.median(proc_ms)), 2) if proc_ms else None,
        "process_ms_p90": round(float(np.percentile(proc_ms, 90)), 2) if proc_ms else None,
        "first_frame_ms": round(proc_ms[0], 1) if proc_ms else None,
        "fps_with_decode_after_first": round((n - 1) / (wall - proc_ms[0] / 1e3), 2) if n > 1 else None,
        "cpu_cores_busy": round(cpu / wall, 2) if wall > 0 else None,
        "decode_only_fps": round(m / dec_wall, 1) if dec_wall > 0 else None,
        "nproc": os.cpu_count(),
    }
    doc = {
        "video": os.path.abspath(a.video), "width": W, "height": H, "fps": fps, "frames_decoded": n,
        "frames_with_pose": found, "mediapipe": mp.__version__, "opencv": cv2.__version__,
        "settings": settings,
        "landmark_fields": ["x_px", "y_px", "z_px", "visibility", "presence"],
        "timing": timing, "frames": frames,
    }
    with open(out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(f"{os.path.basename(a.video)}: {W}x{H} @ {fps:.2f} fps, {n} frames, pose in {found}")
    print(f"  mediapipe {mp.__version__} legacy Pose {settings}")
    print(f"  with decode: {timing['fps_with_decode']} frames/s (process() median {timing['process_ms_median']} ms, "
          f"p90 {timing['process_ms_p90']} ms, {timing['cpu_cores_busy']} cores busy of {timing['nproc']})")
    print(f"  without the first frame ({timing['first_frame_ms']} ms, graph start-up): "
          f"{timing['fps_with_decode_after_first']} frames/s")
    print(f"  decode only: {timing['decode_only_fps']} frames/s")
    print(f"  wrote {out}")


if __name__ == "__main__":
    main()
