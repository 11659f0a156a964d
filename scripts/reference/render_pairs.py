"""What the reference scripts that score results against the renderer's truth share: the
(truth, result) pairs of a directory, the true rep a measured rep belongs to, and the joint
angle. Imported by knee_angle_table.py, knee_error_split.py, knee_hip_variants.py and
suite_score.py (run them from anywhere: Python puts the script's folder on the path).
Standard library only.
"""
import glob
import json
import math
import os
import re
import sys


def dirs_and_verbose(usage):
    """TRUTH_DIR and OUT from the command line, and whether -v was given; exits with the
    script's usage otherwise."""
    args = [a for a in sys.argv[1:] if a != "-v"]
    if len(args) != 2:
        sys.exit(usage)
    return args[0], args[1], "-v" in sys.argv[1:]


def truth_and_results(truth_dir, out, pattern="*.truth.json"):
    """(name, truth, result) for every NAME.truth.json in truth_dir with a NAME.json in out,
    in numeric order of the name's number (suite2 before suite10)."""
    def order(path):
        number = re.search(r"(\d+)\.truth\.json$", path)
        return (int(number.group(1)) if number else -1, path)

    for path in sorted(glob.glob(os.path.join(truth_dir, pattern)), key=order):
        name = os.path.basename(path)[: -len(".truth.json")]
        result = os.path.join(out, name + ".json")
        if os.path.exists(result):
            yield name, json.load(open(path)), json.load(open(result))


def nearest_true_rep(truth, rep, within=None):
    """The rendered rep (truth.render.reps) whose lift-off is nearest the measured rep's; None
    when the rep has no lift-off or, with `within`, none is that many frames close."""
    if rep.get("liftoff_frame") is None:
        return None
    true_rep = min(truth["render"]["reps"], key=lambda r: abs(r["liftoff_frame"] - rep["liftoff_frame"]))
    if within is not None and abs(true_rep["liftoff_frame"] - rep["liftoff_frame"]) > within:
        return None
    return true_rep


def dist(p, q):
    return math.hypot(p[0] - q[0], p[1] - q[1])


def knee_angle(body):
    """Interior angle at the knee (degrees) of a body with hip, knee and ankle points."""
    h, k, a = body["hip"], body["knee"], body["ankle"]
    v1, v2 = (h[0] - k[0], h[1] - k[1]), (a[0] - k[0], a[1] - k[1])
    c = (v1[0] * v2[0] + v1[1] * v2[1]) / math.hypot(*v1) / math.hypot(*v2)
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))
