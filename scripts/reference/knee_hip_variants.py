#!/usr/bin/env python3
"""Which hip point gives the best setup knee angle from the hips' reach, on the renders.

    cargo build --release --example raw_pose
    formcheck analyze sample_videos --out OUT -j 2 -q
    for f in sample_videos/*.mp4; do target/release/examples/raw_pose $f > RAW/$(basename $f .mp4).jsonl; done
    python3 scripts/reference/knee_hip_variants.py sample_videos OUT RAW

For each way of making one hip from the network's two raw hips (the blend toward the lower
one that `post::both_hips` uses, the plain mean, the lower one, the left, the right) and for
the result's final (smoothed) hip, recomputes the knee angle from the hips' reach the way
`metrics::body::setup_knee_angle` does for a bent knee: leg = median over the frames whose
knee reads straighter than 165 degrees of hip-to-ankle / sin(angle / 2), reach = median
hip-to-ankle over the setup frame and two either side, angle = 2 asin(reach / leg); the ankle
and the setup frames are the result's. Prints the error against the renderer's setup knee
angle and the hip's offset from the rendered hip joint. The reach alone, without the blend
toward the knee point above 110 degrees, so the straight-legged hips_too_high setups read far
off for every variant. Standard library only.
"""
import json
import math
import os
import statistics
import sys

from render_pairs import dist, knee_angle, nearest_true_rep, truth_and_results


def hips(points):
    left, right = points[1], points[4]
    w = 1 / (1 + math.exp(-(left[1] - right[1]) / 3.0))
    return {
        "blend": (w * left[0] + (1 - w) * right[0], w * left[1] + (1 - w) * right[1]),
        "mean": ((left[0] + right[0]) / 2, (left[1] + right[1]) / 2),
        "lower": tuple(left[:2] if left[1] > right[1] else right[:2]),
        "left": tuple(left[:2]),
        "right": tuple(right[:2]),
    }


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    truth_dir, out, raw_dir = sys.argv[1:]
    variants = ["blend", "mean", "lower", "left", "right", "final"]
    errors = {v: [] for v in variants}
    offsets = {v: [] for v in variants}
    for name, truth, ours in truth_and_results(truth_dir, out):
        raw = os.path.join(raw_dir, name + ".jsonl")
        if not os.path.exists(raw):
            continue
        raw_points = {}
        for line in open(raw):
            row = json.loads(line)
            if row["points"]:
                raw_points[row["i"]] = row["points"]
        true_frames = {f["i"]: f for f in truth["frames"]}
        frames = {f["i"]: f for f in ours["frames"] if f.get("body") and f["i"] in raw_points}
        for v in variants:
            def hip(i):
                return frames[i]["body"]["hip"][:2] if v == "final" else hips(raw_points[i])[v]

            legs = []
            for i, f in frames.items():
                angle = knee_angle(f["body"])
                if angle > 165:
                    legs.append(dist(hip(i), f["body"]["ankle"]) / math.sin(math.radians(angle) / 2))
            if not legs:
                continue
            leg = statistics.median(legs)
            for rep in ours["reps"]:
                setup, true_rep = rep.get("setup_frame"), nearest_true_rep(truth, rep)
                if setup is None or true_rep is None:
                    continue
                near = [i for i in range(setup - 2, setup + 3) if i in frames]
                reach = statistics.median(dist(hip(i), frames[i]["body"]["ankle"]) for i in near)
                angle = 2 * math.degrees(math.asin(min(1.0, reach / leg)))
                errors[v].append(angle - true_rep["setup_knee_angle_deg"])
                for i in near:
                    th = true_frames[i]["body"]["hip"]
                    offsets[v].append((hip(i)[0] - th[0], hip(i)[1] - th[1]))
    for v in variants:
        e, o = errors[v], offsets[v]
        if not e:
            continue
        print(f"{v:6} reps {len(e)}: median {statistics.median(e):+.1f} deg, mean |error| "
              f"{statistics.mean(abs(x) for x in e):.2f}, within 4 deg {sum(abs(x) <= 4 for x in e)}, "
              f"worst {max(e, key=abs):+.1f}; hip from the rendered joint: median dx "
              f"{statistics.median(d[0] for d in o):+.1f} px, dy {statistics.median(d[1] for d in o):+.1f} px, "
              f"mean distance {statistics.mean(math.hypot(*d) for d in o):.1f} px")


if __name__ == "__main__":
    main()
