#!/usr/bin/env python3
"""What formcheck says on each real clip, next to the clip's own label.

Usage:
    formcheck analyze ../shared/realvids --out DIR -j 2 -q
    python3 scripts/reference/realclip_table.py DIR [INDEX.tsv] [READINGS.tsv]

Writes a markdown table to standard output: per clip, the clip's own label (good / bad and
the fault its caption or title names, from ../shared/realvids/INDEX.tsv), formcheck's view
verdict, reps and labels, whether the two agree, and the hand-written reading of the clip
from READINGS.tsv (default docs/realclip_readings.tsv: clip name, tab, reading). Every
disagreement without a reading is listed on standard error, and the exit status is 1, so a
table with an unread disagreement is not mistaken for a finished one.

The clips are not redistributable; only numbers and words derived from them are stored.
"""

import csv
import json
import re
import os
import sys

# Words in a clip's caption, title or file name, and the fault (faults.md id) they name.
NAMED = [
    ("rounded back", "lumbar_rounding"),
    ("rounding back", "lumbar_rounding"),
    ("extended", "lumbar_hyperextension"),
    ("hyper extending", "lumbar_hyperextension"),
    ("hips too low", "hips_too_low"),
    ("bar too far", "bar_drift"),
]
# Faults a clip's name gives that are none of the five formcheck labels.
OTHER = [("arm_bend", "bent arms"), ("heellift", "heels lifting"), ("filename: rdl", "a Romanian deadlift")]


def own_label(text):
    t = text.lower()
    if "good form" in t or (t.startswith("filename: good") and "good_bad" not in t):
        verdict = "good"
    elif "bad form" in t or "filename: bad" in t or "worst deadlift form" in t:
        verdict = "bad"
    else:
        verdict = None
    named = sorted({fault for words, fault in NAMED if words in t})
    other = [what for words, what in OTHER if words in t]
    return verdict, named, other


def reps_with(result, severity):
    out = {}
    for rep in result.get("reps", []):
        for f in rep.get("faults", []):
            if f["severity"] == severity:
                out.setdefault(f["id"], []).append(rep["index"])
    return out


def unjudged_reps(result):
    """Reps formcheck left unjudged because the hands did not move with the followed bar."""
    out = set()
    for note in result.get("summary", {}).get("notes", []):
        m = re.match(r"Reps? ([\d, ]+) (?:is|are) not judged: from the setup to lockout your hands", note)
        if m:
            out |= {int(i) for i in m.group(1).split(",")}
    return out


def fmt(labels):
    return ", ".join(f"{k} ({','.join(map(str, v))})" for k, v in sorted(labels.items())) or "-"


def agreement(camera, verdict, named, other, result):
    side_clip = camera.startswith("side")
    view = result["view"]
    if not view["usable"]:
        if side_clip and view["kind"] != "side":
            return "disagrees: a side clip refused as a view"
        return "agrees: not judged (view)" if not side_clip else "no judgement: " + (view.get("reason") or "")[:80]
    if not side_clip:
        return "disagrees: judged though not filmed from the side"
    if not result.get("reps"):
        return "no judgement: no complete rep"
    if len(unjudged_reps(result)) == len(result["reps"]):
        return "no judgement: the hands did not move with the followed bar"
    likely = reps_with(result, "likely")
    if verdict == "good":
        return "agrees" if not likely else "disagrees: labels on a good clip"
    if verdict == "bad":
        if named:
            missed = [n for n in named if n not in likely]
            return "agrees" if not missed else "disagrees: misses " + ", ".join(missed)
        if other:
            return "no judgement: its fault (" + ", ".join(other) + ") is none of the five"
        return "agrees" if likely else "disagrees: nothing labelled on a bad clip"
    if other:
        return "no judgement: its fault (" + ", ".join(other) + ") is none of the five"
    return "no label to compare"


def main():
    results = sys.argv[1]
    index = sys.argv[2] if len(sys.argv) > 2 else "../shared/realvids/INDEX.tsv"
    readings_path = sys.argv[3] if len(sys.argv) > 3 else "docs/realclip_readings.tsv"
    readings = {}
    if os.path.exists(readings_path):
        with open(readings_path, newline="") as f:
            for row in csv.reader(f, delimiter="\t"):
                if row and not row[0].startswith("#"):
                    readings[row[0]] = row[1] if len(row) > 1 else ""
    print("| clip | camera (INDEX) | clip's own label | formcheck: view, reps | likely (reps) | watch (reps) | agreement | reading |")
    print("|---|---|---|---|---|---|---|---|")
    unread = []
    with open(index, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            clip = row["filename"].rsplit(".", 1)[0]
            path = os.path.join(results, clip + ".json")
            if not os.path.exists(path):
                print(f"| {clip} | {row['camera_view']} | | not analysed | | | | |")
                continue
            result = json.load(open(path))
            verdict, named, other = own_label(row["labels"])
            label = (verdict or "none") + ("; names " + ", ".join(named) if named else "") + (
                "; names " + ", ".join(other) if other else "")
            agree = agreement(row["camera_view"], verdict, named, other, result)
            reading = readings.get(clip, "")
            if agree.startswith("disagrees") and not reading:
                unread.append(clip)
            view = result["view"]["kind"] + ("" if result["view"]["usable"] else " (refused)")
            print(
                f"| {clip} | {row['camera_view'][:40]} | {label} | {view}, {len(result.get('reps', []))} | "
                f"{fmt(reps_with(result, 'likely'))} | {fmt(reps_with(result, 'watch'))} | {agree} | {reading} |"
            )
    if unread:
        print("disagreements without a reading: " + ", ".join(unread), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
