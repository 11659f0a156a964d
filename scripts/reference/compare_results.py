#!/usr/bin/env python3
"""Two analyses of the same clips, rep by rep: what moved.

    formcheck analyze CLIPS --out OLD -j 2 -q     # build before the change
    formcheck analyze CLIPS --out NEW -j 2 -q     # build after it
    python3 scripts/reference/compare_results.py OLD NEW

Prints, for every rep whose setup knee angle, setup trunk angle, hip height ratio or fault
labels (id and severity) differ, the old and new values. Clips missing from NEW or without
reps are skipped. Standard library only.
"""
import glob
import json
import os
import sys


def rep_view(rep):
    setup = rep.get("setup", {})
    labels = sorted(f"{f['id']}:{f['severity']}" for f in rep.get("faults", []))
    return (setup.get("knee_angle_deg"), setup.get("trunk_angle_deg"), setup.get("hip_height_ratio"), labels)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old_dir, new_dir = sys.argv[1:]
    for path in sorted(glob.glob(os.path.join(old_dir, "*.json"))):
        name = os.path.basename(path)
        other = os.path.join(new_dir, name)
        if not os.path.exists(other):
            continue
        try:
            old, new = json.load(open(path)), json.load(open(other))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if not isinstance(old, dict) or "reps" not in old:
            continue
        for a, b in zip(old["reps"], new.get("reps", [])):
            va, vb = rep_view(a), rep_view(b)
            if va == vb:
                continue
            line = f"{name[:-5]} rep {a['index']}: knee {va[0]} -> {vb[0]}, trunk {va[1]} -> {vb[1]}, h {va[2]} -> {vb[2]}"
            if va[3] != vb[3]:
                line += f"; labels {va[3]} -> {vb[3]}"
            print(line)
        if len(old["reps"]) != len(new.get("reps", [])):
            print(f"{name[:-5]}: {len(old['reps'])} reps -> {len(new.get('reps', []))}")


if __name__ == "__main__":
    main()
