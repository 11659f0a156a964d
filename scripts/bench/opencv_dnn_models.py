#!/usr/bin/env python3
"""Write copies of the shipped BlazePose ONNX files that OpenCV 4.6's DNN importer accepts.

OpenCV 4.6 reads Clip's bounds only from the node's attributes (the opset <= 10 form); the
files in models/ are opset 13, where `min` and `max` are inputs (tf2onnx writes every Relu6
as `Clip(x, init_min, init_max)`), and the importer rejects them. This script moves the two
constant inputs into `min`/`max` attributes. Nothing else changes: the fp16 weights + Cast
stay (OpenCV folds Casts of constants at import).

The result is NOT a valid opset-13 model any more: onnxruntime refuses it ("Unrecognized
attribute: min for operator Clip") and tract ignores the attributes and runs an unbounded
Clip, i.e. garbage. Use it with OpenCV only. The outputs go to models/.work/opencv/ (not committed) and are regenerated on
demand by benches/engines.rs and scripts/bench/run.sh; the bench checks that OpenCV's outputs
on them match onnxruntime's on the originals.

Usage (the model build venv has `onnx`):
  models/.work/venv/bin/python scripts/bench/opencv_dnn_models.py [--models DIR] [--out DIR]
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = ["pose_detection", "pose_landmark_full", "pose_landmark_lite"]


def scalar_constants(graph):
    """Name -> float for every scalar (or 1-element) initializer and Constant node output."""
    out = {}
    for t in graph.initializer:
        a = numpy_helper.to_array(t)
        if a.size == 1:
            out[t.name] = float(a.reshape(-1)[0])
    for n in graph.node:
        if n.op_type == "Constant":
            for attr in n.attribute:
                if attr.name == "value":
                    a = numpy_helper.to_array(attr.t)
                    if a.size == 1:
                        out[n.output[0]] = float(a.reshape(-1)[0])
    return out


def clip_to_attributes(model):
    g = model.graph
    consts = scalar_constants(g)
    rewritten = 0
    for n in g.node:
        if n.op_type != "Clip" or len(n.input) == 1:
            continue
        lo = n.input[1] if len(n.input) > 1 else ""
        hi = n.input[2] if len(n.input) > 2 else ""
        for name in (lo, hi):
            if name and name not in consts:
                raise SystemExit(f"Clip {n.name}: bound {name} is not a constant scalar")
        del n.input[1:]
        attrs = [a for a in n.attribute if a.name not in ("min", "max")]
        del n.attribute[:]
        n.attribute.extend(attrs)
        n.attribute.append(helper.make_attribute("min", consts[lo] if lo else float(np.finfo(np.float32).min)))
        n.attribute.append(helper.make_attribute("max", consts[hi] if hi else float(np.finfo(np.float32).max)))
        rewritten += 1
    # Drop initializers nothing reads any more (the Clip bounds).
    used = {i for n in g.node for i in n.input} | {o.name for o in g.output}
    keep = [t for t in g.initializer if t.name in used]
    del g.initializer[:]
    g.initializer.extend(keep)
    return rewritten


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", default=os.path.join(ROOT, "models"))
    ap.add_argument("--out", default=os.path.join(ROOT, "models", ".work", "opencv"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in MODELS:
        src = os.path.join(args.models, name + ".onnx")
        dst = os.path.join(args.out, name + ".opencv.onnx")
        model = onnx.load(src)
        n = clip_to_attributes(model)
        model.doc_string = (model.doc_string + "\n" if model.doc_string else "") + (
            "OpenCV 4.6 DNN copy: Clip bounds moved from inputs to attributes by "
            "scripts/bench/opencv_dnn_models.py. Not valid opset 13; OpenCV only."
        )
        tmp = dst + ".tmp"
        onnx.save(model, tmp)
        os.replace(tmp, dst)
        print(f"{dst}: {n} Clip nodes rewritten")
    return 0



if __name__ == "__main__":
    sys.exit(main())
