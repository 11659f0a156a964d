#!/usr/bin/env python3
"""Setup knee angle against the renderer's truth, per rep and summed up.

    formcheck analyze TRUTH_DIR --out OUT -j 2 -q
    python3 scripts/reference/knee_angle_table.py TRUTH_DIR OUT [-v]

TRUTH_DIR holds NAME.mp4 and NAME.truth.json (sample_videos/, or a fault-suite cache); OUT the
results NAME.json. Pairs each rep's setup.knee_angle_deg with the truth's
render.reps[].setup_knee_angle_deg (the renderer's own joint angle at its setup) and prints
the count, the median error, the mean absolute error, the worst, and how many are within 4
degrees (the faults issue's target). -v lists every rep. Standard library only.
"""
import glob
import json
import os
import statistics
import sys


def main():
    args = [a for a in sys.argv[1:] if a != "-v"]
    if len(args) != 2:
        sys.exit(__doc__)
    truth_dir, out = args
    errors = []
    for path in sorted(glob.glob(os.path.join(truth_dir, "*.truth.json"))):
        name = os.path.basename(path)[: -len(".truth.json")]
        result = os.path.join(out, name + ".json")
        if not os.path.exists(result):
            continue
        truth = json.load(open(path))
        ours = json.load(open(result))
        for rep, measured in zip(ours.get("reps", []), truth["render"]["reps"]):
            read, true = rep["setup"]["knee_angle_deg"], measured["setup_knee_angle_deg"]
            if read is None or true is None:
                continue
            errors.append(read - true)
            if "-v" in sys.argv:
                print(f"{name:24} rep {rep['index']}: {read:6.1f} / {true:6.1f}  ({read - true:+.1f})")
    if not errors:
        sys.exit("no rep with both a measured and a true knee angle")
    worst = max(errors, key=abs)
    within = sum(abs(e) <= 4.0 for e in errors)
    print(f"reps {len(errors)}; median {statistics.median(errors):+.1f} deg; "
          f"mean |error| {statistics.mean(abs(e) for e in errors):.1f}; worst {worst:+.1f}; "
          f"within 4 deg {within}/{len(errors)}")


if __name__ == "__main__":
    main()
