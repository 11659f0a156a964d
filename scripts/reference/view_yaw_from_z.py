#!/usr/bin/env python3
"""How far MediaPipe's own depth (z) turns the lifter from side-on: per clip, the median over
frames of the shoulder axis's and the hip axis's angle off the camera's depth axis
(atan2(|dx|, |dz|) of left minus right; 0 = side-on, 90 = facing the camera), next to the
image-only shoulder/hip spread that formcheck's view check uses, and INDEX.tsv's camera_view.
A probe for the view check (docs/body.md, "View verdicts"); standard library only.

    for c in ../shared/realvids/*.mp4; do
      models/.work/venv-mp/bin/python scripts/models/mediapipe_reference.py "$c" \\
        --model-complexity 1 --out DIR/$(basename "$c" .mp4).json
    done
    python3 scripts/reference/view_yaw_from_z.py DIR [REALVIDS]
"""

import csv
import json
import glob
import math
import os
import statistics
import sys


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: view_yaw_from_z.py DIR [REALVIDS]")
    realvids = sys.argv[2] if len(sys.argv) == 3 else "../shared/realvids"
    index = {r["filename"][:-4]: r["camera_view"]
             for r in csv.DictReader(open(os.path.join(realvids, "INDEX.tsv")), delimiter="\t")}
    rows = []
    for path in glob.glob(os.path.join(sys.argv[1], "*.json")):
        name = os.path.basename(path)[:-5].removesuffix(".mediapipe")
        shoulder, hip, spread = [], [], []
        for frame in json.load(open(path))["frames"]:
            p = frame.get("landmarks")
            if not p:
                continue
            ls, rs, lh, rh = p[11], p[12], p[23], p[24]
            trunk = math.hypot((ls[0] + rs[0] - lh[0] - rh[0]) / 2, (ls[1] + rs[1] - lh[1] - rh[1]) / 2)
            if trunk < 1:
                continue
            shoulder.append(math.degrees(math.atan2(abs(ls[0] - rs[0]), abs(ls[2] - rs[2]))))
            hip.append(math.degrees(math.atan2(abs(lh[0] - rh[0]), abs(lh[2] - rh[2]))))
            spread.append(max(abs(ls[0] - rs[0]), abs(lh[0] - rh[0])) / trunk)
        if shoulder:
            rows.append((index.get(name, "?"), name, statistics.median(shoulder), statistics.median(hip),
                         statistics.median(spread)))
    print("| camera_view | clip | shoulder axis off depth, deg | hip axis, deg | spread |")
    print("|---|---|---:|---:|---:|")
    for view, name, s, h, sp in sorted(rows):
        print(f"| {view} | {name} | {s:.1f} | {h:.1f} | {sp:.2f} |")


if __name__ == "__main__":
    main()
