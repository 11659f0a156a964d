#!/usr/bin/env python3
"""Body points against the renderer's exact truth on the rendered samples.

    cargo build --release
    python3 scripts/reference/sample_body_errors.py [--bin target/release/formcheck] [--keep DIR] [--model heavy]
    python3 scripts/reference/sample_body_errors.py --reuse DIR   # score results already in DIR

Runs `formcheck analyze --json` on every sample_videos/*.mp4 that has a .truth.json, pairs
each frame's near-side points (frames[i].body) with truth frames[i].body (both in OpenCV
pixels: pixel centres at integers) and prints, per joint, the median and 90th percentile
error in cm (truth cm_per_px) over all frames, then the same split into points formcheck saw
(conf > 0) and points it carried or rebuilt (conf 0: feet carried from where they stood,
knees rebuilt from the segment lengths), then a per-clip table of medians. Markdown output,
pasted into docs/body.md. Standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

JOINTS = ["shoulder", "hip", "knee", "ankle", "heel", "toe", "ear", "wrist"]


def quantile(v, q):
    if not v:
        return float("nan")
    s = sorted(v)
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def fmt(v):
    return "-" if v != v else f"{v:.1f}"


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "formcheck"))
    ap.add_argument("--keep", help="write the analyses here instead of a temporary folder")
    ap.add_argument("--model", default="full", help="the landmark model (formcheck analyze --model)")
    ap.add_argument("--reuse", help="score the <sample>.json results already in this folder, analyse nothing")
    a = ap.parse_args()
    samples = os.path.join(root, "sample_videos")
    clips = sorted(f[:-4] for f in os.listdir(samples) if f.endswith(".mp4")
                   and os.path.exists(os.path.join(samples, f[:-4] + ".truth.json")))
    if not clips:
        sys.exit("no sample_videos/*.mp4 with a .truth.json")
    out_dir = a.reuse or a.keep or tempfile.mkdtemp(prefix="formcheck-samples-")
    os.makedirs(out_dir, exist_ok=True)

    # err[joint][kind] = list of cm; kind: all, seen, carried
    err = {j: {"all": [], "seen": [], "carried": []} for j in JOINTS}
    per_clip = {}
    missing = {}
    for c in clips:
        out = os.path.join(out_dir, c + ".json")
        if not a.reuse:
            subprocess.run([a.bin, "analyze", os.path.join(samples, c + ".mp4"), "--model", a.model, "--json", out,
                            "--quiet"], check=True)
        res = json.load(open(out))
        truth = json.load(open(os.path.join(samples, c + ".truth.json")))
        k = truth["cm_per_px"]
        per_clip[c] = {j: [] for j in JOINTS}
        missing[c] = 0
        for fr, tf in zip(res["frames"], truth["frames"]):
            b = fr["body"]
            if b is None:
                missing[c] += 1
                continue
            for j in JOINTS:
                p, t = b[j], tf["body"][j]
                e = ((p[0] - t[0]) ** 2 + (p[1] - t[1]) ** 2) ** 0.5 * k
                err[j]["all"].append(e)
                err[j]["seen" if p[2] > 0 else "carried"].append(e)
                per_clip[c][j].append(e)

    frames = sum(len(json.load(open(os.path.join(samples, c + ".truth.json")))["frames"]) for c in clips)
    print(f"{len(clips)} rendered samples, {frames} frames; frames without a body: "
          f"{sum(missing.values())} ({', '.join(f'{c} {n}' for c, n in missing.items() if n) or 'none'})\n")
    print("| joint | frames | median cm | p90 cm | seen: frames | median | p90 | carried/rebuilt: frames | median | p90 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for j in JOINTS:
        e = err[j]
        print(f"| {j} | {len(e['all'])} | {fmt(quantile(e['all'], 0.5))} | {fmt(quantile(e['all'], 0.9))} "
              f"| {len(e['seen'])} | {fmt(quantile(e['seen'], 0.5))} | {fmt(quantile(e['seen'], 0.9))} "
              f"| {len(e['carried'])} | {fmt(quantile(e['carried'], 0.5))} | {fmt(quantile(e['carried'], 0.9))} |")
    print("\nPer clip, median cm:\n")
    print("| clip | " + " | ".join(JOINTS) + " |")
    print("|---|" + "---|" * len(JOINTS))
    for c in clips:
        print(f"| {c} | " + " | ".join(fmt(quantile(per_clip[c][j], 0.5)) for j in JOINTS) + " |")


if __name__ == "__main__":
    main()
