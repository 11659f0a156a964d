#!/usr/bin/env python3
"""Extract the MediaPipe pose graph configs (with all calculator options) that are
compiled into the @mediapipe/pose npm package's wasm binary (and, optionally, into
the PyPI mediapipe wheel's native library), and write them as readable .pbtxt.

Run with the mediapipe venv (it needs mediapipe's generated protobuf classes to name
the option fields):
    models/.work/venv-mp/bin/python scripts/models/extract_graph_options.py \
        --wasm models/.work/npm/package/pose_solution_simd_wasm_bin.wasm \
        --top  models/.work/npm/package/pose_web.binarypb \
        --out  models/mediapipe_graphs

How: every registered subgraph is stored as a serialized CalculatorGraphConfig that
ends with its `type` field (tag 0xa2 0x01, field 20). For each such end marker we
walk backwards over candidate start offsets and keep the longest byte range that is a
well-formed sequence of top-level CalculatorGraphConfig fields ending exactly at the
marker and that protobuf parses.
"""
import argparse
import importlib
import os
import pkgutil
import re
import sys

import mediapipe  # noqa: F401
from google.protobuf import text_format
from mediapipe.framework import calculator_pb2

# Import every generated *_pb2 module in mediapipe so that all calculator option
# extensions are registered and print with their names.
for mod in pkgutil.walk_packages(mediapipe.__path__, "mediapipe."):
    if mod.name.endswith("_pb2"):
        try:
            importlib.import_module(mod.name)
        except Exception:
            pass

GRAPH_FIELDS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 20, 1001, 1002}


def read_varint(d, i):
    v = 0
    sh = 0
    while True:
        if i >= len(d) or sh > 63:
            return None, i
        b = d[i]
        i += 1
        v |= (b & 0x7F) << sh
        sh += 7
        if not b & 0x80:
            return v, i


def walks_to(d, s, end):
    i = s
    n = 0
    while i < end:
        tag, i = read_varint(d, i)
        if tag is None:
            return False
        field, wt = tag >> 3, tag & 7
        if field not in GRAPH_FIELDS:
            return False
        if wt == 2:
            ln, i = read_varint(d, i)
            if ln is None:
                return False
            i += ln
        elif wt == 0:
            _, i = read_varint(d, i)
            if _ is None:
                return False
        elif wt == 5:
            i += 4
        elif wt == 1:
            i += 8
        else:
            return False
        n += 1
    return i == end and n > 0


def extract(d, max_back=30000):
    out = {}
    for m in re.finditer(rb"\xa2\x01([\x01-\x7f])", d):
        ln = m.group(1)[0]
        name = d[m.end():m.end() + ln]
        if not re.fullmatch(rb"[A-Za-z][A-Za-z0-9_]*", name or b"-"):
            continue
        end = m.end() + ln
        best = None
        for s in range(m.start() - 1, max(0, m.start() - max_back), -1):
            if d[s] != 0x0A:
                continue
            if walks_to(d, s, m.start()):
                try:
                    g = calculator_pb2.CalculatorGraphConfig.FromString(d[s:end])
                except Exception:
                    continue
                if g.type == name.decode() and len(g.node) > 0:
                    best = g
        if best is not None:
            out[best.type] = best
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm", action="append", default=[], help="binary(ies) to scan")
    ap.add_argument("--top", action="append", default=[], help="top-level .binarypb graph(s)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--filter", default="Pose", help="keep graphs whose type contains this")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    graphs = {}
    for path in a.wasm:
        graphs.update(extract(open(path, "rb").read()))
    for path in a.top:
        g = calculator_pb2.CalculatorGraphConfig.FromString(open(path, "rb").read())
        graphs["top_" + os.path.basename(path).split(".")[0]] = g
    kept = 0
    for name, g in sorted(graphs.items()):
        if a.filter not in name and not name.startswith("top_"):
            continue
        txt = text_format.MessageToString(g, print_unknown_fields=True)
        with open(os.path.join(a.out, name + ".pbtxt"), "w") as f:
            f.write("# Extracted from the compiled MediaPipe binary by scripts/models/extract_graph_options.py\n")
            f.write(txt)
        kept += 1
        print(f"{name}: {len(g.node)} nodes")
    print(f"wrote {kept} graphs to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
