#!/usr/bin/env python3
"""How much do the body points depend on exactly where the landmark network looks?

Runs formcheck's raw landmark pass (examples/raw_pose.rs) twice per clip: as is, and with
every crop nudged NUDGE px to the right. Then it prints the median distance between the
two runs for the near-side shoulder, hip and knee. On a stable clip this is a fraction of
a pixel. On a clip where the network is chaotic, this is the floor under any agreement
between two BlazePose pipelines (docs/body.md).

    cargo build --release --example raw_pose
    python3 scripts/reference/crop_sensitivity.py [--nudge 0.25] CLIP.mp4 ...
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RAW_POSE = os.path.join(ROOT, "target", "release", "examples", "raw_pose")


def run(video, nudge):
    out = subprocess.run([RAW_POSE, video, "--nudge", str(nudge)], check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(line)["points"] for line in out.splitlines()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("videos", nargs="+")
    ap.add_argument("--nudge", type=float, default=0.25)
    a = ap.parse_args()
    if not os.path.exists(RAW_POSE):
        sys.exit("build the example first: cargo build --release --example raw_pose")
    print(f"{'clip':<48} shoulder   hip  knee  (median px between runs, crops nudged {a.nudge} px)")
    for video in a.videos:
        base, nudged = run(video, 0.0), run(video, a.nudge)
        # Rows: left shoulder, hip, knee, then right; [x, y, visibility]. Near side: the
        # side the network sees better over the clip.
        frames = [(p, q) for p, q in zip(base, nudged) if p and q]
        vis = [sum(p[3 * s + j][2] for p, _ in frames for j in range(3)) for s in (0, 1)]
        side = 0 if vis[0] >= vis[1] else 1
        med = []
        for j in range(3):
            k = 3 * side + j
            med.append(statistics.median(
                ((p[k][0] - q[k][0]) ** 2 + (p[k][1] - q[k][1]) ** 2) ** 0.5 for p, q in frames))
        name = os.path.splitext(os.path.basename(video))[0]
        print(f"{name:<48} {med[0]:8.1f} {med[1]:5.1f} {med[2]:5.1f}")


if __name__ == "__main__":
    main()
