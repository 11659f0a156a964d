#!/usr/bin/env python3
"""Shrink a full MediaPipe reference (scripts/models/mediapipe_reference.py output) to the
numbers tests/body_reference.rs compares against, and write them as compact JSON.

    python3 scripts/reference/compact_mediapipe.py FULL.json VIDEO OUT.json

Kept per frame: the 8 joints formcheck reports (shoulder, hip, knee, ankle, heel, toe, ear,
wrist) for both of MediaPipe's sides, x/y rounded to 0.1 px and visibility to 0.01. No
pixels of the video are stored, only these numbers and the video's sha256 (so the test can
tell when the clip it finds is not the one the reference was made from).

Coordinates are converted to formcheck's convention, OpenCV pixels (pixel centres at integer
coordinates): MediaPipe's normalised x times the width is a continuous coordinate (the
left edge of the image is 0, the first pixel centre 0.5), so x_opencv = x_mp * width - 0.5,
and likewise for y.

Output:
  clip, sha256, width, height, frame_count (frames decoded by OpenCV in Python),
  frames_with_pose, mediapipe, opencv, settings, coords, joints, sides, row,
  frames: one entry per decoded frame, null when MediaPipe found no pose, else a flat list
    of 48 numbers: for side in (left, right), for joint in joints: x, y, visibility.
    "left"/"right" are MediaPipe's (the person's) sides: odd landmark indices are left.
"""
import hashlib
import json
import os
import sys

JOINTS = ["shoulder", "hip", "knee", "ankle", "heel", "toe", "ear", "wrist"]
# MediaPipe PoseLandmark indices, person's left / right.
LEFT = {"ear": 7, "shoulder": 11, "wrist": 15, "hip": 23, "knee": 25, "ankle": 27, "heel": 29, "toe": 31}
RIGHT = {"ear": 8, "shoulder": 12, "wrist": 16, "hip": 24, "knee": 26, "ankle": 28, "heel": 30, "toe": 32}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def num(v, nd):
    r = round(v, nd)
    # 12.0 -> 12 keeps the file small; the reader parses both as f64.
    return int(r) if r == int(r) else r


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    full_path, video, out = sys.argv[1:]
    full = json.load(open(full_path))
    rows = []
    for f in full["frames"]:
        lms = f["landmarks"]
        if lms is None:
            rows.append(None)
            continue
        row = []
        for side in (LEFT, RIGHT):
            for j in JOINTS:
                x, y, _z, vis = lms[side[j]][:4]
                row += [num(x - 0.5, 1), num(y - 0.5, 1), num(vis, 2)]
        rows.append(row)
    doc = {
        "clip": os.path.basename(video),
        "sha256": sha256(video),
        "width": full["width"],
        "height": full["height"],
        "frame_count": full["frames_decoded"],
        "frames_with_pose": full["frames_with_pose"],
        "mediapipe": full["mediapipe"],
        "opencv": full["opencv"],
        "settings": full["settings"],
        "coords": "OpenCV pixels (pixel centres at integers) = MediaPipe normalised x*width - 0.5, y*height - 0.5",
        "joints": JOINTS,
        "sides": ["left", "right"],
        "row": "null (no pose) or for side in sides, for joint in joints: x_px, y_px, visibility",
        "frames": rows,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        # One frame per line: small, and diffs stay readable.
        head = {k: v for k, v in doc.items() if k != "frames"}
        text = json.dumps(head, separators=(",", ":"))[:-1]
        text += ',"frames":[\n' + ",\n".join(json.dumps(r, separators=(",", ":")) for r in rows) + "\n]}\n"
        f.write(text)
    print(f"{doc['clip']}: {len(rows)} frames, pose in {doc['frames_with_pose']}, {os.path.getsize(out)} bytes -> {out}")


if __name__ == "__main__":
    main()
