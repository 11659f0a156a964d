#!/usr/bin/env python3
"""Where the setup knee angle's error comes from: the setup frame, or the points.

    formcheck analyze TRUTH_DIR --out OUT -j 2 -q
    python3 scripts/reference/knee_error_split.py TRUTH_DIR OUT [-v]

TRUTH_DIR holds NAME.mp4 and NAME.truth.json (sample_videos/, or a fault-suite cache); OUT the
results NAME.json. Each analysed rep is paired with the true rep nearest its lift-off. The
error (measured setup knee angle minus the renderer's at its own setup frame) is split into
  timing: the renderer's joint angle at formcheck's setup frame minus at the true setup frame;
  points: formcheck's angle minus the renderer's joint angle at formcheck's setup frame.
For the points it also gives the two lengths the angle from the hips' reach rests on, each
against the renderer's: the straight leg (median over frames whose knee reads straighter than
165 degrees of hip-to-ankle / sin(angle / 2), against thigh + shin) and the setup reach (hip to
ankle). Last, which point the points' error is: the angle is rebuilt the way formcheck reads it
(the reach against the straight leg, blended toward the knee point between 110 and 140
degrees) from the result's points, then again with the renderer's hip, or ankle, put in their
place in every frame. -v lists every rep over 4 degrees. Standard library only.
"""
import math
import statistics
import sys

from render_pairs import dirs_and_verbose, dist, knee_angle as angle, nearest_true_rep, truth_and_results


def corr(a, b):
    ma, mb = statistics.mean(a), statistics.mean(b)
    num = sum((x - ma) * (y - mb) for x, y in zip(a, b))
    return num / math.sqrt(sum((x - ma) ** 2 for x in a) * sum((y - mb) ** 2 for y in b))


# formcheck's blend (metrics::body::setup_knee_angle): the reach alone up to this angle, the
# knee point's angle from POINT_FROM on, linear between.
REACH_TO, POINT_FROM, STRAIGHT = 110.0, 140.0, 165.0


def rebuilt_angle(frames, setup, hip_of, ankle_of):
    """The setup knee angle formcheck's way from the given hip and ankle readers (frame -> point):
    the reach against the straight leg, blended toward the knee point's angle."""
    legs = [dist(hip_of(i), ankle_of(i)) / math.sin(math.radians(angle(b)) / 2)
            for i, b in frames.items() if angle(b) > STRAIGHT]
    if not legs:
        return None
    reach = 2 * math.degrees(math.asin(min(1.0, dist(hip_of(setup), ankle_of(setup)) / statistics.median(legs))))
    w = min(1.0, max(0.0, (POINT_FROM - reach) / (POINT_FROM - REACH_TO)))
    return w * reach + (1 - w) * angle(frames[setup])


def substitutions(frames, true_frames, setup):
    """The rebuilt angle as read, with the renderer's hip, and with the renderer's ankle."""
    ours = lambda joint: lambda i: frames[i][joint]
    true = lambda joint: lambda i: true_frames[i][joint]
    return {
        "as read": rebuilt_angle(frames, setup, ours("hip"), ours("ankle")),
        "renderer's hip": rebuilt_angle(frames, setup, true("hip"), ours("ankle")),
        "renderer's ankle": rebuilt_angle(frames, setup, ours("hip"), true("ankle")),
    }


def main():
    truth_dir, out, verbose = dirs_and_verbose(__doc__)
    rows = []
    for name, truth, ours in truth_and_results(truth_dir, out):
        true_frames = {f["i"]: f["body"] for f in truth["frames"]}
        frames = {f["i"]: f["body"] for f in ours["frames"] if f.get("body")}
        legs, true_legs = [], []
        for i, b in frames.items():
            a = angle(b)
            if a > 165:
                legs.append(dist(b["hip"], b["ankle"]) / math.sin(math.radians(a) / 2))
                t = true_frames[i]
                true_legs.append(dist(t["hip"], t["knee"]) + dist(t["knee"], t["ankle"]))
        leg_error = statistics.median(legs) / statistics.median(true_legs) - 1 if legs else None
        for rep in ours["reps"]:
            setup, read = rep.get("setup_frame"), rep["setup"]["knee_angle_deg"]
            true_rep = nearest_true_rep(truth, rep)
            if setup is None or read is None or true_rep is None or true_rep["setup_knee_angle_deg"] is None:
                continue
            at_ours = angle(true_frames[setup])
            b, t = frames[setup], true_frames[setup]
            reach_error = dist(b["hip"], b["ankle"]) / dist(t["hip"], t["ankle"]) - 1
            rows.append({
                "rep": f"{name} rep {rep['index']}",
                "error": read - true_rep["setup_knee_angle_deg"],
                "timing": at_ours - true_rep["setup_knee_angle_deg"],
                "points": read - at_ours,
                "frames": setup - (true_rep["setup_frame"] if true_rep["setup_frame"] is not None else setup),
                "leg": leg_error,
                "reach": reach_error,
                "rebuilt": {k: (v - true_rep["setup_knee_angle_deg"] if v is not None else None)
                            for k, v in substitutions(frames, true_frames, setup).items()},
            })
    if not rows:
        sys.exit("no rep with both a measured and a true knee angle")
    within = lambda key: sum(abs(r[key]) <= 4 for r in rows)
    print(f"reps {len(rows)}: within 4 deg {within('error')}; the points alone (against the renderer's "
          f"angle at formcheck's setup frame) {within('points')}; the setup frame alone {within('timing')}")
    with_leg = [r for r in rows if r["leg"] is not None]
    print(f"straight leg against thigh + shin: median {100 * statistics.median(r['leg'] for r in with_leg):+.1f}%; "
          f"setup reach: median {100 * statistics.median(r['reach'] for r in rows):+.1f}%")
    errors = [r["points"] for r in with_leg]
    print(f"correlation of the points' error with reach - leg: "
          f"{corr(errors, [r['reach'] - r['leg'] for r in with_leg]):.2f}")
    print("rebuilt formcheck's way, within 4 deg: " + "; ".join(
        f"{k} {sum(r['rebuilt'][k] is not None and abs(r['rebuilt'][k]) <= 4 for r in rows)}"
        for k in rows[0]["rebuilt"]))
    if verbose:
        for r in rows:
            if abs(r["error"]) > 4:
                leg = f"{100 * r['leg']:+.1f}%" if r["leg"] is not None else "-"
                print(f"{r['rep']:24} {r['error']:+6.1f} = timing {r['timing']:+6.1f} ({r['frames']:+d} frames)"
                      f" + points {r['points']:+6.1f}; leg {leg}, reach {100 * r['reach']:+.1f}%")


if __name__ == "__main__":
    main()
