#!/usr/bin/env bash
# Create models/.work/venv-mp with the PyPI mediapipe==0.10.14 wheel (legacy
# mp.solutions.pose) and its dependencies at pinned versions
# (scripts/models/requirements-mediapipe.txt; numpy<2 because the wheel was built
# against numpy 1.x). Used by scripts/models/mediapipe_reference.py (the peer
# pipeline we compare against) and by extract_graph_options.py (MediaPipe's protobuf
# classes). Idempotent: does nothing when the venv matches the lock file.
#
#   bash scripts/models/setup_mediapipe_venv.sh
#   models/.work/venv-mp/bin/python scripts/models/mediapipe_reference.py VIDEO --out OUT.json
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCK="$ROOT/scripts/models/requirements-mediapipe.txt"
VENV="$ROOT/models/.work/venv-mp"
STAMP="$VENV/.lock-sha256"
want="$(sha256sum "$LOCK" | cut -d' ' -f1)"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "venv-mp up to date: $VENV"
else
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$LOCK"
  echo "$want" > "$STAMP"
fi
"$VENV/bin/python" -c 'import mediapipe as mp, cv2, numpy; print("mediapipe", mp.__version__, "opencv", cv2.__version__, "numpy", numpy.__version__)'
