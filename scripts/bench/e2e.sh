#!/usr/bin/env bash
# End-to-end speed and memory of `formcheck analyze` (issue: fast on two cores, flat in
# memory), in one run on one machine:
#   - 1080p30 and 720p30 rendered clips (10 s), and a 2-minute 1080p30 clip (the 10 s clip
#     looped with ffmpeg, stream copy) for memory against video length;
#   - per clip: formcheck's decode-only rate (examples/decode_rate.rs, the same decoder
#     thread analyze uses), `analyze` frames/s and peak resident memory (/usr/bin/time),
#     the per-stage split (`analyze --timings`), and MediaPipe's legacy Pose on the same
#     file when its venv exists (scripts/models/setup_mediapipe_venv.sh).
# Writes a markdown table to stdout; docs/speed.md keeps the measured one.
#
#   scripts/bench/e2e.sh            (about 10 minutes on 2 cores; clips cached in target/bench-data)
#   MODEL=lite scripts/bench/e2e.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
MODEL="${MODEL:-full}"
DATA="$ROOT/target/bench-data"
MP_PY="$ROOT/models/.work/venv-mp/bin/python"
mkdir -p "$DATA"
cargo build --release --locked --bin formcheck --example decode_rate >&2
BIN="$ROOT/target/release/formcheck"
DECODE="$ROOT/target/release/examples/decode_rate"

render() { # name size reps
  local name=$1 size=$2 reps=$3
  if [ ! -f "$DATA/$name.mp4" ]; then
    echo "rendering $name ($size)" >&2
    "$BIN" render --out "$DATA" --name "$name" --seed 11 --reps "$reps" --size "$size" --fps 30 \
      --cm-per-px "$(python3 -c "print(0.30 * 720 / ${size#*x})")" >&2
  fi
}
render e2e_1080p 1920x1080 3
render e2e_720p 1280x720 3
if [ ! -f "$DATA/e2e_1080p_2min.mp4" ]; then
  ffmpeg -loglevel error -y -stream_loop 11 -i "$DATA/e2e_1080p.mp4" -c copy "$DATA/e2e_1080p_2min.mp4"
fi

duration() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }

echo "| clip | frames | video s | decode-only fps | analyze fps | x real time | analyze / decode | peak RSS MB | MediaPipe fps | formcheck / MediaPipe |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for clip in e2e_1080p e2e_720p e2e_1080p_2min; do
  f="$DATA/$clip.mp4"
  read -r frames _ dec_fps < <("$DECODE" "$f")
  secs_video=$(duration "$f")
  /usr/bin/time -f "%e %M" -o "$DATA/$clip.time" "$BIN" analyze "$f" --model "$MODEL" --quiet --timings \
    2> "$DATA/$clip.timings"
  read -r wall rss_kb < "$DATA/$clip.time"
  an_fps=$(python3 -c "print(f'{$frames / $wall:.1f}')")
  if [ -x "$MP_PY" ] && [ "$clip" != e2e_1080p_2min ]; then
    read -r _ _ mp_fps _ < <("$MP_PY" scripts/bench/mediapipe_rate.py "$f" "$MODEL" 2>/dev/null)
    ratio=$(python3 -c "print(f'{$an_fps / $mp_fps:.2f}')")
  else
    mp_fps="-"; ratio="-"
  fi
  python3 - "$clip" "$frames" "$secs_video" "$dec_fps" "$an_fps" "$rss_kb" "$mp_fps" "$ratio" <<'PY'
import sys
clip, frames, video_s, dec, an, rss_kb, mp, ratio = sys.argv[1:]
video_s, dec, an = float(video_s), float(dec), float(an)
print(f"| {clip} | {frames} | {video_s:.1f} | {dec:.1f} | {an:.1f} | {an / (int(frames) / video_s):.2f} | {an / dec:.2f} | {int(rss_kb) / 1024:.0f} | {mp} | {ratio} |")
PY
done
echo
for clip in e2e_1080p e2e_720p e2e_1080p_2min; do
  echo "Stages, $clip (\`analyze --timings\`, model $MODEL):"
  echo '```'
  cat "$DATA/$clip.timings"
  echo '```'
done
