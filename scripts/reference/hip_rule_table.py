#!/usr/bin/env python3
"""Which of the network's two hips to follow, measured both ways: against the renders' exact
truth and against MediaPipe's pipeline on the real side clips. Each rule is applied to the raw
left and right hips (`raw_pose`, before formcheck's smoothing):

- lower: both hips blended toward the lower one over 3 px (`track::body::post::both_hips`,
  what formcheck does);
- near: the side the network sees better over the whole clip (higher mean visibility);
- mean: the midpoint of the two.

    cargo build --release --example raw_pose
    for v in sample_videos/*.mp4; do
      target/release/examples/raw_pose "$v" [--model heavy] > RAW_SAMPLES/$(basename "$v" .mp4).jsonl
    done
    python3 scripts/reference/hip_rule_table.py samples RAW_SAMPLES
    # the same for the real side clips into RAW_CLIPS, then (tests/data/mediapipe_heavy for --model heavy)
    python3 scripts/reference/hip_rule_table.py clips RAW_CLIPS tests/data/mediapipe

samples: median and p90 distance to the rendered hip joint, cm. clips: per clip, the median
distance in native pixels to the nearer of MediaPipe's two hips (frames where MediaPipe folds
the skeleton left out, as in tests/body_reference.rs), and how many clips are above 6 px.
Standard library only.
"""
import glob
import json
import math
import os
import statistics
import sys

HIP_BLEND_PX = 3.0  # track::body::post::HIP_BLEND_PX


def load_raw(path):
    """Per frame None or (left hip, right hip), each [x, y, visibility]."""
    frames = []
    for line in open(path):
        points = json.loads(line)["points"]
        frames.append(None if points is None else (points[1], points[4]))
    return frames


def rules(raw):
    seen = [f for f in raw if f]
    near_left = statistics.mean(f[0][2] for f in seen) >= statistics.mean(f[1][2] for f in seen)

    def lower(f):
        l, r = f
        w = 1.0 / (1.0 + math.exp(-(l[1] - r[1]) / HIP_BLEND_PX))
        return (w * l[0] + (1 - w) * r[0], w * l[1] + (1 - w) * r[1])

    def near(f):
        return tuple(f[0][:2]) if near_left else tuple(f[1][:2])

    def mean(f):
        l, r = f
        return ((l[0] + r[0]) / 2, (l[1] + r[1]) / 2)

    return {"lower": lower, "near": near, "mean": mean}


def samples(raw_dir):
    errors = {}
    for path in sorted(glob.glob(os.path.join(raw_dir, "*.jsonl"))):
        name = os.path.basename(path)[:-6]
        raw = load_raw(path)
        truth = json.load(open(os.path.join("sample_videos", name + ".truth.json")))
        for rule, hip in rules(raw).items():
            for i, f in enumerate(raw):
                if f:
                    x, y = hip(f)
                    t = truth["frames"][i]["body"]["hip"]
                    errors.setdefault(rule, []).append(math.hypot(x - t[0], y - t[1]) * truth["cm_per_px"])
    print("| rule | median cm | p90 cm |")
    print("|---|---:|---:|")
    for rule, e in errors.items():
        e.sort()
        print(f"| {rule} | {statistics.median(e):.2f} | {e[int(0.9 * len(e))]:.2f} |")


def clips(raw_dir, ref_dir):
    medians = {}
    print("| clip | " + " | ".join(rules([([0, 0, 1], [0, 0, 1])])) + " |")
    print("|---|---:|---:|---:|")
    for path in sorted(glob.glob(os.path.join(raw_dir, "*.jsonl"))):
        name = os.path.basename(path)[:-6]
        ref_path = os.path.join(ref_dir, name + ".json")
        if not os.path.exists(ref_path):
            continue
        ref = json.load(open(ref_path))
        hi, si = ref["joints"].index("hip"), ref["joints"].index("shoulder")
        raw = load_raw(path)
        row = []
        for rule, hip in rules(raw).items():
            d = []
            for i, f in enumerate(raw):
                peer = ref["frames"][i] if i < len(ref["frames"]) else None
                if not f or not peer:
                    continue
                if min(peer[si * 3 + 1], peer[24 + si * 3 + 1]) > max(peer[hi * 3 + 1], peer[24 + hi * 3 + 1]):
                    continue  # MediaPipe folded the skeleton
                x, y = hip(f)
                d.append(min(math.hypot(x - peer[s * 24 + hi * 3], y - peer[s * 24 + hi * 3 + 1]) for s in (0, 1)))
            medians.setdefault(rule, []).append(statistics.median(d))
            row.append(f"{statistics.median(d):.1f}")
        print(f"| {name} | " + " | ".join(row) + " |")
    for rule, m in medians.items():
        print(f"{rule}: {sum(x > 6 for x in m)} clips above 6 px, worst {max(m):.1f}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "samples":
        samples(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "clips":
        clips(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: hip_rule_table.py samples RAW | clips RAW REFERENCE_DIR")


if __name__ == "__main__":
    main()
