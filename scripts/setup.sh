#!/usr/bin/env bash
# formcheck set-up on a fresh Debian (bookworm) machine that has Rust:
# installs what is missing, builds, and analyses a bundled sample video.
#
#   scripts/setup.sh              everything: system packages, runtime, build, sample analysis
#   scripts/setup.sh --deps-only  system packages and the ONNX Runtime library only
#   scripts/setup.sh --with-test-tools   also the tools the test suite uses (chromium)
#
# Network use: Debian's apt, PyPI (pip download of the onnxruntime wheel, for its shared
# library) and crates.io through cargo. Nothing else, and no model weights: those are in models/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

deps_only=0
test_tools=0
for arg in "$@"; do
  case "$arg" in
    --deps-only) deps_only=1 ;;
    --with-test-tools) test_tools=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

ORT_VERSION=1.31.1
data_dir="${FORMCHECK_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/formcheck}"
ort_lib="$data_dir/lib/libonnxruntime.so.$ORT_VERSION"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- 1. System packages (only what is missing) ------------------------------------------
packages=(ca-certificates clang libclang-dev libopencv-dev ffmpeg python3 python3-pip pkg-config)
[ "$test_tools" -eq 1 ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  say "Debian packages already installed"
fi

# --- 2. ONNX Runtime shared library (from PyPI's onnxruntime wheel) -----------------------
# Debian has no onnxruntime package; the wheel ships the plain C library, which formcheck
# loads at run time. The wheel is fetched with pip (the registry's normal client) and only
# the library is kept.
if [ ! -f "$ort_lib" ]; then
  say "installing ONNX Runtime $ORT_VERSION into $data_dir/lib"
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: \
    --python-version 3.11 --platform manylinux_2_28_x86_64 \
    -d "$tmp" "onnxruntime==$ORT_VERSION"
  mkdir -p "$data_dir/lib"
  python3 - "$tmp" "$ort_lib" "$ORT_VERSION" <<'PY'
import glob, sys, zipfile
tmp, dest, version = sys.argv[1:4]
wheel = glob.glob(f"{tmp}/onnxruntime-*.whl")[0]
with zipfile.ZipFile(wheel) as z, open(dest + ".part", "wb") as out:
    out.write(z.read(f"onnxruntime/capi/libonnxruntime.so.{version}"))
PY
  mv "$ort_lib.part" "$ort_lib"
else
  say "ONNX Runtime already installed ($ort_lib)"
fi

[ "$deps_only" -eq 1 ] && exit 0

# --- 3. Build ----------------------------------------------------------------------------
say "building formcheck (release)"
cargo build --release --locked

# --- 4. Analyse a bundled sample ------------------------------------------------------------
sample="sample_videos/clean_3rep.mp4"
out="out/$(basename "$sample" .mp4)"
say "analysing $sample"
./target/release/formcheck analyze "$sample" --out "out" 
say "done: JSON $out.json, bar path $out.bar_path.png"
