#!/usr/bin/env bash
# Reference body points from MediaPipe's own pipeline (PyPI mediapipe==0.10.14, legacy
# Pose solution, run offline) for the real side-view clips that tests/body_reference.rs
# checks formcheck against. Writes numbers only (never frames) to
# tests/data/mediapipe/<clip>.json; the full per-frame output (all 33 landmarks, timing)
# stays in models/.work/reference/ (not committed).
#
#   bash scripts/reference/make_mediapipe_refs.sh            # the clips listed below
#   bash scripts/reference/make_mediapipe_refs.sh CLIP.mp4 ... # only these (names in REALVIDS)
#   MODEL=heavy bash scripts/reference/make_mediapipe_refs.sh  # model_complexity 2, for --model heavy
#   bash scripts/reference/make_mediapipe_refs.sh --samples   # the rendered samples instead, into
#                                                             # tests/data/mediapipe_samples/ (tests/samples.rs
#                                                             # holds both pipelines to the renders' truth)
#
# MODEL=heavy writes tests/data/mediapipe_heavy/. The wheel ships only the full landmark model
# and would download the heavy one from Google's storage on first use; instead the npm
# package's pose_landmark_heavy.tflite (the file models/pose_landmark_heavy.onnx is built from,
# left in models/.work/tflite by scripts/models/build_models.sh) is copied where it looks.
#
# REALVIDS defaults to ../shared/realvids next to the repository. Creates the MediaPipe venv
# on first use (scripts/models/setup_mediapipe_venv.sh). See docs/body.md for why these clips.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REALVIDS="${REALVIDS:-$ROOT/../shared/realvids}"
PY="$ROOT/models/.work/venv-mp/bin/python"
MODEL="${MODEL:-full}"
case "$MODEL" in
  full) COMPLEXITY=1; OUT="$ROOT/tests/data/mediapipe"; FULL="$ROOT/models/.work/reference" ;;
  heavy) COMPLEXITY=2; OUT="$ROOT/tests/data/mediapipe_heavy"; FULL="$ROOT/models/.work/reference_heavy" ;;
  *) echo "MODEL must be full or heavy, not $MODEL" >&2; exit 1 ;;
esac

# Keep in step with CLIPS in tests/body_reference.rs.
CLIPS=(
  # The eight jeffjchen clips (hand-checked labels exist for them).
  deadlift_side_jeffjchen_armbend.mp4
  deadlift_side_jeffjchen_bad.mp4
  deadlift_side_jeffjchen_good.mp4
  deadlift_side_jeffjchen_goodbad.mp4
  deadlift_side_jeffjchen_heellift.mp4
  deadlift_side_jeffjchen_nicoblocked.mp4
  deadlift_side_jeffjchen_nicounblocked.mp4
  deadlift_side_jeffjchen_rdl.mp4
  # Every other clip whose INDEX.tsv camera_view is "side", with or without a remark.
  deadlift_side_bichraix_bad006.mp4
  deadlift_side_bichraix_bad007.mp4
  deadlift_side_bichraix_bad008.mp4
  deadlift_side_bichraix_bad010.mp4
  deadlift_side_bichraix_bad011.mp4
  deadlift_side_bichraix_bad012.mp4
  deadlift_side_bichraix_bad018.mp4
  deadlift_side_bichraix_good007.mp4
  deadlift_side_bichraix_good008.mp4
  deadlift_side_bichraix_good013.mp4
  deadlift_side_bichraix_good014.mp4
  deadlift_side_bichraix_good015.mp4
  deadlift_side_bichraix_good018.mp4
  deadlift_side_bichraix_good019.mp4
  deadlift_side_bichraix_good020.mp4
  deadlift_side_formfit_studio.mp4
  clean_side_bartrace_dave.mp4
  clean_side_bartrace_randy.mp4
  deadlift_side_bichraix_bad016.mp4
  deadlift_side_bichraix_badform_far.mp4
  deadlift_side_bichraix_good009.mp4
  trapbar_side_rfndevgit_deadlift3.mp4
)
if [[ "${1:-}" == --samples ]]; then
  # The committed renders: ours to keep, and with exact truth for both pipelines.
  REALVIDS="$ROOT/sample_videos"
  [[ "$MODEL" == full ]] && OUT="$ROOT/tests/data/mediapipe_samples" || OUT="$ROOT/tests/data/mediapipe_samples_$MODEL"
  FULL="$FULL/samples"
  CLIPS=()
  for v in "$REALVIDS"/*.mp4; do CLIPS+=("$(basename "$v")"); done
elif [[ $# -gt 0 ]]; then
  CLIPS=("$@")
fi

if [[ "$REALVIDS" != "$ROOT/sample_videos" && ! -f "$REALVIDS/INDEX.tsv" ]]; then
  echo "no real clips at $REALVIDS (set REALVIDS=...)" >&2
  exit 1
fi
bash "$ROOT/scripts/models/setup_mediapipe_venv.sh"
if [[ "$MODEL" == heavy ]]; then
  HEAVY="$ROOT/models/.work/tflite/pose_landmark_heavy.tflite"
  [[ -f "$HEAVY" ]] || { echo "no $HEAVY: run scripts/models/build_models.sh first" >&2; exit 1; }
  cp "$HEAVY" "$("$PY" -c 'import mediapipe, os; print(os.path.dirname(mediapipe.__file__))')/modules/pose_landmark/"
fi
mkdir -p "$OUT" "$FULL"
for clip in "${CLIPS[@]}"; do
  name="${clip%.mp4}"
  "$PY" "$ROOT/scripts/models/mediapipe_reference.py" "$REALVIDS/$clip" --model-complexity "$COMPLEXITY" --out "$FULL/$name.mediapipe.json" >/dev/null
  python3 "$ROOT/scripts/reference/compact_mediapipe.py" "$FULL/$name.mediapipe.json" "$REALVIDS/$clip" "$OUT/$name.json"
done
du -ch "$OUT"/*.json | tail -1
