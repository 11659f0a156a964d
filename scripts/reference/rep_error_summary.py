#!/usr/bin/env python3
"""Per-rep errors against the renderer's truth, summed up: setup trunk and knee angles, bar
drift and lockout lean, for any folder of renders (the samples or a suite cache).

    formcheck analyze TRUTH_DIR --out OUT -j 2 -q
    python3 scripts/reference/rep_error_summary.py TRUTH_DIR OUT

Each analysed rep is paired with the rendered rep whose lift-off is nearest (within 10
frames). Prints, per quantity, the reps compared, the median error, the mean absolute error,
the worst error and how many reps are within the target (4 degrees, 1 cm). Standard library
only.
"""
import statistics

from render_pairs import dirs_and_verbose, nearest_true_rep, truth_and_results

USAGE = "usage: rep_error_summary.py TRUTH_DIR OUT"
# (name, read from the result's rep, read from the true rep, target)
QUANTITIES = [
    ("setup trunk deg", lambda r: (r.get("setup") or {}).get("trunk_angle_deg"), "setup_trunk_angle_deg", 4.0),
    ("setup knee deg", lambda r: (r.get("setup") or {}).get("knee_angle_deg"), "setup_knee_angle_deg", 4.0),
    ("bar drift cm", lambda r: r.get("bar_drift_max_cm"), "bar_drift_max_cm", 1.0),
    ("lockout lean deg", lambda r: r.get("lockout_trunk_lean_back_deg"), "lockout_trunk_lean_back_deg", 4.0),
]


def main():
    truth_dir, out, _ = dirs_and_verbose(USAGE)
    errors = {name: [] for name, _, _, _ in QUANTITIES}
    for _, truth, result in truth_and_results(truth_dir, out):
        for rep in result["reps"]:
            true_rep = nearest_true_rep(truth, rep, within=10)
            if true_rep is None:
                continue
            for name, ours, key, _ in QUANTITIES:
                if ours(rep) is not None and true_rep.get(key) is not None:
                    errors[name].append(ours(rep) - true_rep[key])
    print("| quantity | reps | median | mean abs | worst | within target |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _, _, target in QUANTITIES:
        e = errors[name]
        if e:
            within = sum(abs(x) <= target for x in e)
            print(f"| {name} | {len(e)} | {statistics.median(e):+.2f} | {statistics.mean(map(abs, e)):.2f} "
                  f"| {max(e, key=abs):+.2f} | {within} (±{target:g}) |")


if __name__ == "__main__":
    main()
