#!/usr/bin/env bash
# Build the BlazePose ONNX models in models/ from the npm package @mediapipe/pose.
#
#   bash scripts/models/build_models.sh            # full rebuild (idempotent)
#   VERIFY_VIDEO=/path/side_view.mp4 bash scripts/models/build_models.sh
#
# Needs: python3 (3.11) with venv+pip, npm, sha256sum; ffmpeg only for the real-frame
# check (a synthetic picture is used without it). Reaches only the package registries
# (PyPI through pip, npm through npm). Everything temporary lives in models/.work
# (gitignored); only the final files are written to models/.
#
# Steps: venv with pinned tools -> npm pack -> extract + check the TFLite files ->
# densify the detector -> tf2onnx -> prune outputs / store weights as fp16 ->
# verify against TFLite + time onnxruntime -> copy into models/ -> SHA256SUMS,
# README.md, LICENSE, NOTICE (and the MediaPipe graph options, when the mediapipe
# venv from setup_mediapipe_venv.sh exists).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SCRIPTS="$ROOT/scripts/models"
MODELS="$ROOT/models"
WORK="$MODELS/.work"
VENV="$WORK/venv"
PY="$VENV/bin/python"
LOCK="$SCRIPTS/requirements-build.txt"

NPM_PKG="@mediapipe/pose"
NPM_VER="0.5.1675469404"
NPM_TGZ="mediapipe-pose-$NPM_VER.tgz"
# Pinned content of the npm tarball and of the files we take from it.
NPM_TGZ_SHA256="8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84"
DET_SHA256="a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85"   # pose_solution_packed_assets.data
DET_SIZE=2962288
FULL_SHA256="e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"
LITE_SHA256="f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"
HEAVY_SHA256="59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"
OPSET=13
DEFAULT_VIDEO="/work/shared/realvids/deadlift_side_jeffjchen_good.mp4"
VERIFY_VIDEO="${VERIFY_VIDEO:-$DEFAULT_VIDEO}"

log() { printf '\n== %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
# run_quiet LOG CMD...: run CMD with output to LOG, then show LOG without TensorFlow's noise.
run_quiet() {
  local log="$1" rc=0; shift
  "$@" > "$log" 2>&1 || rc=$?
  grep -v -e 'Interpreter is deprecated' -e 'TF 2.20' -e 'LiteRT' -e 'migration' -e 'warnings.warn' \
    -e 'for details' -e '^ *$' -e 'cpu_feature_guard' -e 'rebuild TensorFlow' \
    -e 'absl::InitializeLog' -e 'oneDNN custom operations' "$log" || true
  return $rc
}
check_sha() { [[ "$(sha "$1")" == "$2" ]] || die "$1: sha256 $(sha "$1") != expected $2"; }

mkdir -p "$WORK"
START=$(date +%s)

# ---------------------------------------------------------------- 1. venv
log "1. Python venv $VENV (pinned: $LOCK)"
STAMP="$VENV/.lock-sha256"
if [[ -x "$PY" && -f "$STAMP" && "$(cat "$STAMP")" == "$(sha "$LOCK")" ]]; then
  echo "venv up to date"
else
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$LOCK"
  sha "$LOCK" > "$STAMP"
fi
"$PY" - <<'EOF'
import importlib.metadata as md
print("  " + "  ".join(f"{p}=={md.version(p)}" for p in
      ("tensorflow-cpu", "tf2onnx", "onnx", "onnxruntime", "numpy", "protobuf", "flatbuffers")))
EOF
export TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore

# ---------------------------------------------------------------- 2. npm pack
log "2. npm pack $NPM_PKG@$NPM_VER"
if [[ -f "$WORK/$NPM_TGZ" && "$(sha "$WORK/$NPM_TGZ")" == "$NPM_TGZ_SHA256" ]]; then
  echo "tarball present"
else
  rm -f "$WORK/$NPM_TGZ"
  (cd "$WORK" && npm pack --silent "$NPM_PKG@$NPM_VER" >/dev/null)
fi
check_sha "$WORK/$NPM_TGZ" "$NPM_TGZ_SHA256"
rm -rf "$WORK/npm" && mkdir -p "$WORK/npm"
tar -xzf "$WORK/$NPM_TGZ" -C "$WORK/npm"
PKG="$WORK/npm/package"
chmod -R u+rw "$PKG"

# ---------------------------------------------------------------- 3. TFLite files
log "3. TFLite files"
TFL="$WORK/tflite"
rm -rf "$TFL" && mkdir -p "$TFL"
DATA="$PKG/pose_solution_packed_assets.data"
size=$(stat -c %s "$DATA")
magic=$(head -c 8 "$DATA" | tail -c 4)
[[ "$magic" == "TFL3" ]] || die "$DATA: no TFL3 flatbuffer identifier (got '$magic')"
[[ "$size" == "$DET_SIZE" ]] || die "$DATA: size $size != $DET_SIZE"
check_sha "$DATA" "$DET_SHA256"
echo "pose_solution_packed_assets.data: TFL3 flatbuffer, $size bytes -> pose_detection.tflite"
cp "$DATA" "$TFL/pose_detection.tflite"
cp "$PKG/pose_landmark_full.tflite" "$PKG/pose_landmark_lite.tflite" "$PKG/pose_landmark_heavy.tflite" "$TFL/"
check_sha "$TFL/pose_landmark_full.tflite" "$FULL_SHA256"
check_sha "$TFL/pose_landmark_lite.tflite" "$LITE_SHA256"
check_sha "$TFL/pose_landmark_heavy.tflite" "$HEAVY_SHA256"

# ---------------------------------------------------------------- 4. densify detector
log "4. Densify the detector (DENSIFY ops -> constant buffers)"
run_quiet "$TFL/densify.log" "$PY" "$SCRIPTS/densify_tflite.py" \
  "$TFL/pose_detection.tflite" "$TFL/pose_detection_dense.tflite" || die "densify failed"

# ---------------------------------------------------------------- 5. tf2onnx
log "5. tf2onnx (opset $OPSET)"
RAW="$WORK/onnx_raw"
rm -rf "$RAW" && mkdir -p "$RAW"
convert() {  # tflite onnx
  "$PY" -m tf2onnx.convert --tflite "$1" --output "$2" --opset "$OPSET" > "$2.log" 2>&1 \
    || { cat "$2.log"; die "tf2onnx failed on $1"; }
  grep -E "Model (inputs|outputs)" "$2.log" | sed 's/^.*INFO - /  /'
}
convert "$TFL/pose_detection_dense.tflite" "$RAW/pose_detection.onnx"
convert "$TFL/pose_landmark_full.tflite" "$RAW/pose_landmark_full.onnx"
convert "$TFL/pose_landmark_lite.tflite" "$RAW/pose_landmark_lite.onnx"
convert "$TFL/pose_landmark_heavy.tflite" "$RAW/pose_landmark_heavy.onnx"

# ---------------------------------------------------------------- 6. prune outputs, fp16 storage
log "6. Prune outputs, store weights as fp16"
OUT="$WORK/out"
rm -rf "$OUT" && mkdir -p "$OUT"
TF2ONNX_VER=$("$PY" -c 'import importlib.metadata as m; print(m.version("tf2onnx"))')
TF_VER=$("$PY" -c 'import importlib.metadata as m; print(m.version("tensorflow-cpu"))')
post() {  # raw out keep doc tflite_sha
  "$PY" "$SCRIPTS/postprocess_onnx.py" "$1" "$2" --keep "$3" --fp16-weights --doc "$4" \
    --meta "source=npm $NPM_PKG@$NPM_VER" --meta "source_tflite_sha256=$5" \
    --meta "converter=tf2onnx $TF2ONNX_VER (tensorflow-cpu $TF_VER), opset $OPSET" \
    --meta "built_by=scripts/models/build_models.sh" --meta "license=Apache-2.0"
}
post "$RAW/pose_detection.onnx" "$OUT/pose_detection.onnx" "Identity,Identity_1" \
  "BlazePose person detector (full-range, 224). input_1 [1,224,224,3] RGB in [-1,1]; Identity [1,2254,12] box+4 keypoints vs SSD anchors (224 px units); Identity_1 [1,2254,1] score logits. Densified, weights fp16." "$DET_SHA256"
for v in full lite heavy; do
  case $v in full) sha_v=$FULL_SHA256 ;; lite) sha_v=$LITE_SHA256 ;; heavy) sha_v=$HEAVY_SHA256 ;; esac
  post "$RAW/pose_landmark_$v.onnx" "$OUT/pose_landmark_$v.onnx" "Identity,Identity_1,Identity_3" \
    "BlazePose GHUM 3D landmarks ($v). input_1 [1,256,256,3] RGB in [0,1]; Identity [1,195] 39x(x,y,z,vis logit,presence logit) crop px; Identity_1 [1,1] presence (sigmoid); Identity_3 [1,64,64,39] heatmap logits. Segmentation and world outputs removed, weights fp16." "$sha_v"
done
post "$RAW/pose_landmark_full.onnx" "$OUT/pose_landmark_full_seg.onnx" "Identity,Identity_1,Identity_2,Identity_3" \
  "BlazePose GHUM 3D landmarks (full) with segmentation. As pose_landmark_full.onnx plus Identity_2 [1,256,256,1] segmentation logits over the crop. World output removed, weights fp16." "$FULL_SHA256"

# ---------------------------------------------------------------- 7. verify
log "7. Verify against TFLite, time onnxruntime (1 thread)"
VARGS=()
if [[ -f "$VERIFY_VIDEO" ]]; then VARGS=(--video "$VERIFY_VIDEO" --video-time 1.0); fi
run_quiet "$WORK/verify.log" "$PY" "$SCRIPTS/verify_models.py" --models-dir "$OUT" --tflite-dir "$TFL" \
  --report "$WORK/verify_report.json" --overlay "$WORK/verify_overlay.png" "${VARGS[@]}" \
  || die "verification failed; models/ left unchanged"

# ---------------------------------------------------------------- 8. install into models/
log "8. Install into $MODELS"
for f in pose_detection.onnx pose_landmark_full.onnx pose_landmark_lite.onnx pose_landmark_heavy.onnx pose_landmark_full_seg.onnx; do
  if [[ -f "$MODELS/$f" ]] && cmp -s "$OUT/$f" "$MODELS/$f"; then
    echo "  $f unchanged"
  else
    cp "$OUT/$f" "$MODELS/$f.tmp" && mv "$MODELS/$f.tmp" "$MODELS/$f"
    echo "  $f written"
  fi
done
cp /usr/share/common-licenses/Apache-2.0 "$MODELS/LICENSE" 2>/dev/null \
  || cp "$VENV/lib/python3.11/site-packages/tensorflow_cpu-$TF_VER.dist-info/LICENSE" "$MODELS/LICENSE" 2>/dev/null \
  || [[ -f "$MODELS/LICENSE" ]] || die "no Apache-2.0 text found for models/LICENSE"

# MediaPipe graph options, decoded from the npm package's wasm (needs the mediapipe venv
# for the protobuf classes; the committed .pbtxt files are kept when it is absent).
MPPY="$WORK/venv-mp/bin/python"
if [[ -x "$MPPY" ]]; then
  log "8b. MediaPipe graph options from the npm package's wasm"
  rm -rf "$MODELS/mediapipe_graphs.tmp"
  "$MPPY" "$SCRIPTS/extract_graph_options.py" --wasm "$PKG/pose_solution_simd_wasm_bin.wasm" \
    --top "$PKG/pose_web.binarypb" --out "$MODELS/mediapipe_graphs.tmp" --filter Pose
  rm -rf "$MODELS/mediapipe_graphs" && mv "$MODELS/mediapipe_graphs.tmp" "$MODELS/mediapipe_graphs"
else
  echo "(no $MPPY: keeping models/mediapipe_graphs as is; run setup_mediapipe_venv.sh to regenerate)"
fi

# ---------------------------------------------------------------- 9. docs
log "9. SHA256SUMS, README.md, NOTICE"
"$PY" "$SCRIPTS/write_model_docs.py" --models-dir "$MODELS" --report "$WORK/verify_report.json" \
  --npm "$NPM_PKG@$NPM_VER" --npm-tgz-sha256 "$NPM_TGZ_SHA256" --lock "$LOCK" --opset "$OPSET"
du -sh --exclude=.work "$MODELS"
echo "done in $(( $(date +%s) - START )) s"
