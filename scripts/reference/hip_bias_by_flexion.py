#!/usr/bin/env python3
"""Where formcheck's hip point sits against the rendered hip joint, by how bent the hip is.

    formcheck analyze TRUTH_DIR [--model heavy] --out OUT -j 2 -q
    python3 scripts/reference/hip_bias_by_flexion.py TRUTH_DIR OUT

TRUTH_DIR holds NAME.mp4 and NAME.truth.json (sample_videos/, or a fault-suite cache); OUT the
results NAME.json. For every frame with a body, the result's hip (frames[i].body.hip) minus
the renderer's, in cm (the render's own scale), split along the rendered trunk (+ towards the
shoulder) and across it (+ forward, the way the lifter faces), binned by the rendered hip
angle (trunk against thigh, 180 = standing straight). The knee angle at the setup is read from
the hip's distance to the ankle against the same distance standing, so what matters is how
the offset changes between the bent bins and the straight one. Markdown. Standard library
only.
"""
import collections
import math
import statistics
import sys

from render_pairs import dirs_and_verbose, truth_and_results

BIN_DEG = 20


def unit(frm, to):
    d = (to[0] - frm[0], to[1] - frm[1])
    n = math.hypot(*d)
    return (d[0] / n, d[1] / n)


def offsets(truth, ours):
    """(hip angle, along-trunk cm, forward cm) for every frame of one clip."""
    forward = 1.0 if truth["facing"] == "right" else -1.0
    cm = truth["cm_per_px"]
    true_frames = {f["i"]: f["body"] for f in truth["frames"]}
    for frame in ours["frames"]:
        body = frame.get("body")
        if not body:
            continue
        t = true_frames[frame["i"]]
        trunk, thigh = unit(t["hip"], t["shoulder"]), unit(t["hip"], t["knee"])
        hip_angle = math.degrees(math.acos(max(-1.0, min(1.0, trunk[0] * thigh[0] + trunk[1] * thigh[1]))))
        d = (body["hip"][0] - t["hip"][0], body["hip"][1] - t["hip"][1])
        # Image y grows down; "forward" is the trunk's normal on the side the lifter faces.
        normal = (-trunk[1], trunk[0]) if forward * -trunk[1] >= 0 else (trunk[1], -trunk[0])
        yield hip_angle, (d[0] * trunk[0] + d[1] * trunk[1]) * cm, (d[0] * normal[0] + d[1] * normal[1]) * cm


def main():
    truth_dir, out, _ = dirs_and_verbose(__doc__)
    bins = collections.defaultdict(list)
    for _, truth, ours in truth_and_results(truth_dir, out):
        for hip_angle, along, across in offsets(truth, ours):
            bins[int(hip_angle // BIN_DEG) * BIN_DEG].append((along, across))
    if not bins:
        sys.exit("no frame with both a measured and a rendered hip")
    print("| hip angle (deg) | frames | along the trunk, median cm | forward, median cm |")
    print("|---|---:|---:|---:|")
    for lo in sorted(bins):
        v = bins[lo]
        print(f"| {lo}-{lo + BIN_DEG} | {len(v)} | {statistics.median(a for a, _ in v):+.2f} "
              f"| {statistics.median(c for _, c in v):+.2f} |")


if __name__ == "__main__":
    main()
