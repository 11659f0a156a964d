#!/usr/bin/env python3
"""How well does MediaPipe's own pipeline agree with itself when the picture moves by one
pixel? Runs the legacy Pose solution (mediapipe==0.10.14, the same settings as
mediapipe_reference.py) on each clip twice: as decoded, and shifted SHIFT px to the right
(edge column repeated). It then maps the second run back and prints the median distance
for the near-side shoulder, hip and knee. This is the peer's own repeatability, next to
which formcheck's agreement target (6 px) can be read (docs/body.md).

    models/.work/venv-mp/bin/python scripts/reference/mediapipe_self_agreement.py CLIP.mp4 ...
"""
import argparse
import os
import statistics

import cv2
import mediapipe as mp
import numpy as np

SHOULDERS, HIPS, KNEES, ANKLES = (11, 12), (23, 24), (25, 26), (27, 28)


def run(video, dx):
    cap = cv2.VideoCapture(video)
    out = []
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=True,
                                enable_segmentation=False, min_detection_confidence=0.5,
                                min_tracking_confidence=0.5) as pose:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            h, w = bgr.shape[:2]
            if dx:
                bgr = np.concatenate([np.repeat(bgr[:, :1], dx, 1), bgr[:, :-dx]], 1)
            r = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            out.append(None if r.pose_landmarks is None else
                       [(p.x * w - dx, p.y * h, p.visibility) for p in r.pose_landmarks.landmark])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("videos", nargs="+")
    ap.add_argument("--shift", type=int, default=1)
    a = ap.parse_args()
    print(f"{'clip':<48} shoulder   hip  knee  (median px, MediaPipe vs itself shifted {a.shift} px)")
    for video in a.videos:
        base, shifted = run(video, 0), run(video, a.shift)
        frames = [(p, q) for p, q in zip(base, shifted) if p and q]
        vis = [sum(p[i[s]][2] for p, _ in frames for i in (SHOULDERS, HIPS, KNEES, ANKLES)) for s in (0, 1)]
        side = 0 if vis[0] >= vis[1] else 1
        med = [statistics.median(((p[j[side]][0] - q[j[side]][0]) ** 2 + (p[j[side]][1] - q[j[side]][1]) ** 2) ** 0.5
                                 for p, q in frames) for j in (SHOULDERS, HIPS, KNEES)]
        name = os.path.splitext(os.path.basename(video))[0]
        print(f"{name:<48} {med[0]:8.1f} {med[1]:5.1f} {med[2]:5.1f}")


if __name__ == "__main__":
    main()
