#!/usr/bin/env python3
"""Per-rep measurements against the renderer's own geometry on the rendered samples.

    cargo build --release
    python3 scripts/reference/sample_rep_table.py [--bin target/release/formcheck] [--keep DIR] [--model heavy]

Runs `formcheck analyze` on every sample_videos/*.mp4 that has a .truth.json and prints, per
rep, ours / truth for bar drift, hip-rise-before-bar, setup trunk and knee angles, lockout
lean and trunk chord change (truth from truth.render.reps, which the renderer measures on its
own geometry), with the likely labels next to the rendered faults. Markdown output, pasted
into docs/accuracy.md. Standard library only.
"""
import argparse
import glob
import json
import os
import subprocess
import tempfile


def fmt(v, digits=1):
    return "–" if v is None else f"{v:.{digits}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/formcheck")
    ap.add_argument("--keep", help="write the results here instead of a temporary folder")
    ap.add_argument("--model", default="full", help="the landmark model (formcheck analyze --model)")
    args = ap.parse_args()
    truths = sorted(glob.glob("sample_videos/*.truth.json"))
    videos = [t.replace(".truth.json", ".mp4") for t in truths]
    out = args.keep or tempfile.mkdtemp(prefix="formcheck-reps-")
    os.makedirs(out, exist_ok=True)
    subprocess.run([args.bin, "analyze", *videos, "--model", args.model, "--out", out, "-q"], check=True)
    print("| sample | rep | drift cm | hip-rise ms | trunk deg | knee deg | lean deg | chord % | likely labels | rendered faults |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for path in truths:
        name = os.path.basename(path).split(".")[0]
        truth = json.load(open(path))
        ours = json.load(open(os.path.join(out, f"{name}.json")))
        for k, (o, m, t) in enumerate(zip(ours["reps"], truth["render"]["reps"], truth["reps"])):
            likely = ", ".join(f["id"] for f in o["faults"] if f["severity"] == "likely") or "–"
            rendered = ", ".join(f["id"] for f in t["faults"]) or "–"
            cells = [
                (o["bar_drift_max_cm"], m["bar_drift_max_cm"], 1),
                (o["hip_rise_before_bar_ms"], m["hip_rise_before_bar_ms"], 0),
                (o["setup"]["trunk_angle_deg"], m["setup_trunk_angle_deg"], 1),
                (o["setup"]["knee_angle_deg"], m["setup_knee_angle_deg"], 1),
                (o["lockout_trunk_lean_back_deg"], m["lockout_trunk_lean_back_deg"], 1),
                (o["trunk_chord_change_pct"], m["trunk_chord_change_pct"], 1),
            ]
            pairs = " | ".join(f"{fmt(a, d)} / {fmt(b, d)}" for a, b, d in cells)
            print(f"| {name} | {k + 1} | {pairs} | {likely} | {rendered} |")


if __name__ == "__main__":
    main()
