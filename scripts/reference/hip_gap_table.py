#!/usr/bin/env python3
"""Where formcheck's shoulder, hip and knee part from MediaPipe's: the network's raw points or
formcheck's own choices after them.

    cargo build --release --example raw_pose
    target/release/examples/raw_pose CLIP.mp4 > RAW/CLIP.jsonl          # per clip
    formcheck analyze ../shared/realvids --out OUT -j 2 -q
    python3 scripts/reference/hip_gap_table.py RAW OUT

For every clip with stored MediaPipe points (tests/data/mediapipe/), prints per joint the
median distance in native pixels to the nearer of MediaPipe's two sides for: formcheck's
final point (the result JSON, as tests/body_reference.rs measures it), the raw network
point of the better-agreeing side in each frame (what the same network gives before
formcheck's side choice, repairs and smoothing), and for the hip the raw hips blended
toward the lower one as `track::body::post::both_hips` does (before smoothing). Frames where
MediaPipe folds the skeleton (both shoulders below both hips) are left out, as in the test.
Standard library only.
"""
import glob
import json
import math
import os
import statistics
import sys

JOINTS = ["shoulder", "hip", "knee", "ankle", "heel", "toe", "ear", "wrist"]
HIP_BLEND_PX = 3.0  # track::body::post::HIP_BLEND_PX


def peer_frames(path):
    d = json.load(open(path))
    frames = d["frames"] if isinstance(d["frames"], list) else json.loads(d["frames"])
    out = []
    for row in frames:
        if row is None:
            out.append(None)
            continue
        out.append({(side, j): row[(si * len(JOINTS) + ji) * 3:(si * len(JOINTS) + ji) * 3 + 2]
                    for si, side in enumerate(["left", "right"]) for ji, j in enumerate(JOINTS)})
    return out


def folded(p):
    return min(p[("left", "shoulder")][1], p[("right", "shoulder")][1]) > max(p[("left", "hip")][1], p[("right", "hip")][1])


def dist(a, b):
    return math.hypot(a[0] - b[0], a[1] - b[1])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    raw_dir, out_dir = sys.argv[1:]
    print(f"{'clip':40} {'shoulder fin/raw':>17} {'hip fin/raw/blend':>19} {'knee fin/raw':>13}")
    for ref in sorted(glob.glob("tests/data/mediapipe/*.json")):
        clip = os.path.basename(ref)[:-5]
        raw_path, result = os.path.join(raw_dir, clip + ".jsonl"), os.path.join(out_dir, clip + ".json")
        if not (os.path.exists(raw_path) and os.path.exists(result)):
            continue
        peer = peer_frames(ref)
        raw = [json.loads(line) for line in open(raw_path)]
        final = json.load(open(result))["frames"]
        cols = {}
        for ji, j in enumerate(["shoulder", "hip", "knee"]):
            fin, best, blend = [], [], []
            for p, r, f in zip(peer, raw, final):
                if p is None or folded(p):
                    continue
                sides = [p[("left", j)], p[("right", j)]]
                body = f.get("body") or {}
                if body.get(j):
                    fin.append(min(dist(body[j], s) for s in sides))
                if r.get("points"):
                    left, right = r["points"][ji], r["points"][3 + ji]
                    best.append(min(dist(left, sides[0]), dist(right, sides[1])))
                    if j == "hip":
                        w = 1.0 / (1.0 + math.exp(-(left[1] - right[1]) / HIP_BLEND_PX))
                        b = (w * left[0] + (1 - w) * right[0], w * left[1] + (1 - w) * right[1])
                        blend.append(min(dist(b, s) for s in sides))
            med = lambda v: f"{statistics.median(v):.1f}" if v else "-"
            cols[j] = [med(fin), med(best)] + ([med(blend)] if j == "hip" else [])
        print(f"{clip:40} {'/'.join(cols['shoulder']):>17} {'/'.join(cols['hip']):>19} {'/'.join(cols['knee']):>13}")


if __name__ == "__main__":
    main()
