"""End-to-end rate of MediaPipe's legacy Pose solution (PyPI mediapipe==0.10.14) on a video:
decode with OpenCV, RGB conversion, pose.process per frame, as its own tracking pipeline
runs (detector once, then landmarks from the previous frame's crop).

    models/.work/venv-mp/bin/python scripts/bench/mediapipe_rate.py VIDEO [full|lite|heavy]

Prints `frames seconds frames_per_second lost_frames`. Used by scripts/bench/e2e.sh.
"""
import sys
import time

import cv2
import mediapipe as mp


def main():
    path = sys.argv[1]
    complexity = {"lite": 0, "full": 1, "heavy": 2}[sys.argv[2] if len(sys.argv) > 2 else "full"]
    started = time.perf_counter()
    cap = cv2.VideoCapture(path)
    frames = lost = 0
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=complexity,
                                smooth_landmarks=True, enable_segmentation=False) as pose:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            result = pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
            frames += 1
            lost += result.pose_landmarks is None
    secs = time.perf_counter() - started
    print(f"{frames} {secs:.3f} {frames / secs:.1f} {lost}")


if __name__ == "__main__":
    main()
