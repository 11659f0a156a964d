#!/usr/bin/env python3
"""The hands' rise over the followed bar's, per rep, from `formcheck analyze` results.

    formcheck analyze ../shared/realvids --out DIR -j 2 -q
    python3 scripts/reference/hands_ratio_table.py DIR [DIR ...]

Prints one line per result file (each rep's `hands_rise_ratio`, with "unjudged" where the
result left the rep unjudged), then the range over every rep that was judged. The numbers
behind docs/accuracy.md, "Hands and bar". Standard library only.
"""
import glob
import json
import os
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    judged = []
    for d in sys.argv[1:]:
        for path in sorted(glob.glob(os.path.join(d, "*.json"))):
            try:
                result = json.load(open(path))
            except (OSError, ValueError):
                continue
            reps = result.get("reps")
            if not isinstance(reps, list) or not reps:
                continue
            view = result.get("view", {})
            cells = []
            for rep in reps:
                ratio = rep.get("hands_rise_ratio")
                text = "-" if ratio is None else f"{ratio:.2f}"
                if rep.get("not_judged"):
                    text += " unjudged"
                elif ratio is not None and view.get("usable"):
                    judged.append(ratio)
                cells.append(text)
            usable = "" if view.get("usable") else f" ({view.get('kind')}, refused)"
            print(f"{os.path.basename(path)[:-5]:<55} {', '.join(cells)}{usable}")
    if judged:
        print(f"judged reps on usable views: {len(judged)}, ratio {min(judged):.2f}-{max(judged):.2f}")


if __name__ == "__main__":
    main()
