#!/usr/bin/env bash
# Makes the README's pictures from a rendered sample set:
#   docs/img/report.png    the top of an HTML report, screenshot by headless Chromium
#   docs/img/bar_path.png  the bar-path plot of the same set
#   docs/img/video_frame.jpg  one annotated video frame (the report's poster)
#
#   scripts/report/readme_images.sh              analyse the sample with the real pipeline
#   scripts/report/readme_images.sh --from-truth draw from the renderer's truth instead
#                                                (when body tracking is not installed)
#
# Needs: a release build (built here), ffmpeg, and Debian's chromium
# (scripts/setup.sh --with-test-tools installs both).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"

from_truth=0
for arg in "$@"; do
  case "$arg" in
    --from-truth) from_truth=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "readme_images.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
command -v chromium >/dev/null || { echo "chromium is missing: scripts/setup.sh --with-test-tools" >&2; exit 1; }

cargo build --release --quiet
fc="$here/target/release/formcheck"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 3 reps: rep 1 clean, the bar drifts 4 cm forward in rep 2 and 8 cm in rep 3, where the
# hips also shoot up before the bar.
"$fc" render --out "$work" --name sample --seed 3 --reps 3 \
  --fault bar_drift=4@2 --fault bar_drift=8@3 --fault hips_rise_early=8@3 >/dev/null
if [ "$from_truth" -eq 1 ]; then
  "$fc" report --from-truth "$work/sample.truth.json" --out "$work/report" \
    --video "$work/report/sample.annotated.mp4" -q
else
  "$fc" analyze "$work/sample.mp4" --json "$work/sample.json" \
    --report "$work/report" --video "$work/report/sample.annotated.mp4" -q
fi

mkdir -p docs/img
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --host-resolver-rules='MAP * ~NOTFOUND' --hide-scrollbars \
  --user-data-dir="$work/profile" --window-size=1280,1480 --virtual-time-budget=10000 \
  --screenshot="$work/report.png" "file://$work/report/report.html" 2>/dev/null
# Scaled to 1000 px wide: readable on GitHub, a third of the bytes.
ffmpeg -y -loglevel error -i "$work/report.png" -vf scale=1000:-1:flags=lanczos docs/img/report.png
cp "$work/report/bar_path.png" docs/img/bar_path.png
ffmpeg -y -loglevel error -i "$work/report/poster.jpg" -vf scale=960:-1:flags=lanczos -q:v 4 docs/img/video_frame.jpg
ls -l docs/img/report.png docs/img/bar_path.png docs/img/video_frame.jpg
