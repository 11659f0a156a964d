#!/usr/bin/env python3
"""Write copies of the shipped BlazePose ONNX files that OpenCV 4.6's DNN importer accepts.

OpenCV 4.6 reads Clip's bounds only from the node's attributes (the opset <= 10 form); the
files in models/ are opset 13, where `min` and `max` are inputs (tf2onnx writes every Relu6
as `Clip(x, init_min, init_max)`), and the importer rejects them. This script moves the two
constant inputs into `min`/`max` attributes, and stores the fp16 weights as fp32 with their
Cast nodes removed (OpenCV 4.6's importer refuses FLOAT16 tensors: "Unsupported data type:
FLOAT16 in function 'getMatFromTensor'"). The numbers are the same weights, widened.

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


def widen_fp16_weights(model):
    """fp16 initializers become fp32; the Cast(fp16 -> fp32) nodes that read them go, and their
    readers read the widened initializer instead. Returns the number of Casts removed."""
    g = model.graph
    fp16 = {t.name for t in g.initializer if t.data_type == onnx.TensorProto.FLOAT16}
    widened = []
    for t in g.initializer:
        if t.name in fp16:
            widened.append(numpy_helper.from_array(numpy_helper.to_array(t).astype(np.float32), t.name))
        else:
            widened.append(t)
    del g.initializer[:]
    g.initializer.extend(widened)
    rename = {}
    keep = []
    for n in g.node:
        to = next((a.i for a in n.attribute if a.name == "to"), None)
        if n.op_type == "Cast" and n.input[0] in fp16 and to == onnx.TensorProto.FLOAT:
            rename[n.output[0]] = n.input[0]
        else:
            keep.append(n)
    for n in keep:
        for k, i in enumerate(n.input):
            if i in rename:
                n.input[k] = rename[i]
    for o in g.output:
        if o.name in rename:
            raise SystemExit(f"graph output {o.name} is a Cast of a weight")
    del g.node[:]
    g.node.extend(keep)
    left = [t.name for t in g.initializer if t.data_type == onnx.TensorProto.FLOAT16]
    if left:
        raise SystemExit(f"fp16 initializers left: {left[:3]}")
    return len(rename)


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
        casts = widen_fp16_weights(model)
        model.doc_string = (model.doc_string + "\n" if model.doc_string else "") + (
            "OpenCV 4.6 DNN copy: Clip bounds moved from inputs to attributes by "
            "scripts/bench/opencv_dnn_models.py. Not valid opset 13; OpenCV only."
        )
        tmp = dst + ".tmp"
        onnx.save(model, tmp)
        os.replace(tmp, dst)
        print(f"{dst}: {n} Clip nodes rewritten, {casts} fp16 weights widened to fp32")
    return 0



if __name__ == "__main__":
    sys.exit(main())
