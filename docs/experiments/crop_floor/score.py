"""score.py CACHE OUT: body points against the renders' truth, over all frames and at each
rep's true setup frame (cm), and the setup knee angle error (degrees)."""
import glob, json, math, os, sys

cache, out = sys.argv[1], sys.argv[2]
every = {k: [] for k in ("shoulder", "hip", "knee", "ankle")}
setup = {"hip": [], "knee": [], "knee_angle_deg": []}


def angle(h, k, a):
    u, v = (h[0] - k[0], h[1] - k[1]), (a[0] - k[0], a[1] - k[1])
    c = (u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


for path in sorted(glob.glob(f"{out}/suite*.json")):
    name = os.path.basename(path)[:-5]
    ours, truth = json.load(open(path)), json.load(open(f"{cache}/{name}.truth.json"))
    cm = truth["cm_per_px"]
    for i, frame in enumerate(ours["frames"]):
        b, t = frame.get("body"), truth["frames"][i]["body"]
        for k in every if b else ():
            if b.get(k):
                every[k].append(math.dist(b[k][:2], t[k][:2]) * cm)
    for rep in truth["render"]["reps"]:
        i = rep.get("setup_frame") or rep["liftoff_frame"] - 1
        b, t = ours["frames"][i].get("body"), truth["frames"][i]["body"]
        if not b:
            continue
        setup["hip"].append(math.dist(b["hip"][:2], t["hip"][:2]) * cm)
        setup["knee"].append(math.dist(b["knee"][:2], t["knee"][:2]) * cm)
        setup["knee_angle_deg"].append(abs(angle(b["hip"], b["knee"], b["ankle"]) - angle(t["hip"], t["knee"], t["ankle"])))


def q(e, p):
    return round(sorted(e)[int(len(e) * p)], 1)


print("all frames, median / p90 cm:", {k: (q(e, 0.5), q(e, 0.9)) for k, e in every.items() if e})
print("at the true setup, median / p90 / max:", {k: (q(e, 0.5), q(e, 0.9), round(max(e), 1)) for k, e in setup.items() if e})
