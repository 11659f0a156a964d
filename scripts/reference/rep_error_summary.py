#!/usr/bin/env python3
"""Per-rep errors against the renderer's truth, summed up: setup trunk and knee angles, bar
drift, lockout lean and hip rise before the bar (in frames), for any folder of renders (the
samples or a suite cache).

    formcheck analyze TRUTH_DIR --out OUT -j 2 -q
    python3 scripts/reference/rep_error_summary.py TRUTH_DIR OUT

Each analysed rep is paired with the rendered rep whose lift-off is nearest (within 10
frames). Prints, per quantity, the reps compared, the median error, the mean absolute error,
the worst error and how many reps are within the target (4 degrees, 1 cm, 1 frame; the
result's milliseconds carry 2 decimals, so frame errors are rounded to 2 decimals first).
Standard library only.
"""
import statistics

from render_pairs import dirs_and_verbose, nearest_true_rep, truth_and_results

USAGE = "usage: rep_error_summary.py TRUTH_DIR OUT"
def frames(ms, fps):
    return None if ms is None else ms * fps / 1000.0


# (name, read from the result's rep at fps, read from the true rep at fps, target)
QUANTITIES = [
    ("setup trunk deg", lambda r, _: (r.get("setup") or {}).get("trunk_angle_deg"),
     lambda t, _: t.get("setup_trunk_angle_deg"), 4.0),
    ("setup knee deg", lambda r, _: (r.get("setup") or {}).get("knee_angle_deg"),
     lambda t, _: t.get("setup_knee_angle_deg"), 4.0),
    ("bar drift cm", lambda r, _: r.get("bar_drift_max_cm"), lambda t, _: t.get("bar_drift_max_cm"), 1.0),
    ("lockout lean deg", lambda r, _: r.get("lockout_trunk_lean_back_deg"),
     lambda t, _: t.get("lockout_trunk_lean_back_deg"), 4.0),
    ("hip rise before bar, frames", lambda r, fps: frames(r.get("hip_rise_before_bar_ms"), fps),
     lambda t, fps: frames(t.get("hip_rise_before_bar_ms"), fps), 1.0),
]


def main():
    truth_dir, out, _ = dirs_and_verbose(USAGE)
    errors = {name: [] for name, _, _, _ in QUANTITIES}
    for _, truth, result in truth_and_results(truth_dir, out):
        for rep in result["reps"]:
            true_rep = nearest_true_rep(truth, rep, within=10)
            if true_rep is None:
                continue
            fps = truth["fps"]
            for name, ours, theirs, _ in QUANTITIES:
                a, b = ours(rep, fps), theirs(true_rep, fps)
                if a is not None and b is not None:
                    errors[name].append(round(a - b, 2))
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
