#!/usr/bin/env python3
"""Score a directory of fault-suite results with the suite test's rule, without Rust.

    formcheck analyze CACHE [--model heavy] --out OUT -j 2 -q
    python3 scripts/reference/suite_score.py CACHE OUT

CACHE is a fault-suite render cache (`FORMCHECK_SUITE_CACHE`: suiteN.mp4 + suiteN.truth.json).
The rule is tests/fault_suite.rs's: for each true rep, the analysed rep whose lift-off is
nearest (within 5 frames) and its `likely` labels; a fault on a true rep's list counts as a
true positive when labelled, a miss when not; a label on a rep without that fault is a false
positive. Prints per-fault TP / FP / FN and F1, the rep-count mismatches and every miss and
false positive. Standard library only.
"""
import glob
import os
import sys

from render_pairs import truth_and_results

FAULTS = ["bar_drift", "hips_rise_early", "hips_too_high", "hips_too_low", "jerked_liftoff",
          "lumbar_hyperextension", "lumbar_rounding"]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    cache, out = sys.argv[1:]
    counts = {f: [0, 0, 0] for f in FAULTS}
    notes, renders = [], 0
    for name, truth, ours in truth_and_results(cache, out, "suite*.truth.json"):
        renders += 1
        if len(ours["reps"]) != len(truth["reps"]):
            notes.append(f"{name}: {len(ours['reps'])} reps against {len(truth['reps'])}")
        for k, t in enumerate(truth["reps"]):
            near = [r for r in ours["reps"] if r.get("liftoff_frame") is not None
                    and abs(r["liftoff_frame"] - t["liftoff_frame"]) <= 5]
            rep = min(near, key=lambda r: abs(r["liftoff_frame"] - t["liftoff_frame"]), default=None)
            said = {f["id"] for f in rep["faults"] if f["severity"] == "likely"} if rep else set()
            truly = {f["id"] for f in t["faults"]}
            for f in FAULTS:
                if f in truly and f in said:
                    counts[f][0] += 1
                elif f in said:
                    counts[f][1] += 1
                    notes.append(f"{name} rep {k + 1}: false {f}")
                elif f in truly:
                    counts[f][2] += 1
                    notes.append(f"{name} rep {k + 1}: missed {f}")
    missing = len(glob.glob(os.path.join(cache, "suite*.truth.json"))) - renders
    print(f"{renders} renders" + (f" ({missing} without a result in {out})" if missing else ""))
    print(f"{'fault':24} {'TP':>4} {'FP':>4} {'FN':>4} {'F1':>7}")
    for f, (tp, fp, fn) in counts.items():
        denom = 2 * tp + fp + fn
        print(f"{f:24} {tp:4} {fp:4} {fn:4} {(2 * tp / denom if denom else 1.0):7.3f}")
    for n in notes:
        print(n)


if __name__ == "__main__":
    main()
