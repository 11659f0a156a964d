#!/usr/bin/env python3
"""Setup knee angle against the renderer's truth, per rep and summed up.

    formcheck analyze TRUTH_DIR --out OUT -j 2 -q
    python3 scripts/reference/knee_angle_table.py TRUTH_DIR OUT [-v]

TRUTH_DIR holds NAME.mp4 and NAME.truth.json (sample_videos/, or a fault-suite cache); OUT the
results NAME.json. Pairs each rep's setup.knee_angle_deg with the setup_knee_angle_deg of the
rendered rep nearest its lift-off (the renderer's own joint angle at its setup) and prints
the count, the median error, the mean absolute error, the worst, and how many are within 4
degrees (the faults issue's target). -v lists every rep. Standard library only.
"""
import statistics
import sys

from render_pairs import dirs_and_verbose, nearest_true_rep, truth_and_results


def main():
    truth_dir, out, verbose = dirs_and_verbose(__doc__)
    errors = []
    for name, truth, ours in truth_and_results(truth_dir, out):
        for rep in ours.get("reps", []):
            measured = nearest_true_rep(truth, rep)
            if measured is None:
                continue
            read, true = rep["setup"]["knee_angle_deg"], measured["setup_knee_angle_deg"]
            if read is None or true is None:
                continue
            errors.append(read - true)
            if verbose:
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
