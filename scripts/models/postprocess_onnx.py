#!/usr/bin/env python3
"""Post-process a tf2onnx conversion for shipping in models/.

- renames tf2onnx's run-dependent constant names so rebuilds are byte-identical;
- keeps only the listed graph outputs (onnx.utils.extract_model, which also drops the
  nodes that only fed the removed outputs, e.g. the segmentation decoder);
- optionally stores the float weights as float16 initializers followed by a Cast to
  float32. This is lossless here: every weight in the MediaPipe TFLite files is fp16
  behind a DEQUANTIZE op, so tf2onnx's fp32 constants are exactly fp16 values; the
  script checks that for every tensor it converts and leaves any other tensor as is.
  onnxruntime folds the Casts at session creation, so inference speed is unchanged and
  the file is half the size;
- records provenance in the model's metadata_props and doc_string;
- runs onnx.checker.

Usage:
  python postprocess_onnx.py IN.onnx OUT.onnx --keep Identity,Identity_1 [--fp16-weights]
        [--meta key=value ...] [--doc TEXT]
"""
import argparse
import os
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def canonical_initializers(model):
    """tf2onnx names its folded constants with counters that change from run to run
    (const_fold_opt__991 one time, __997 the next) and emits them in varying order.
    Rename every initializer to init_<k> by first use in the (stable) node order and
    sort them the same way, so that a rebuild gives a byte-identical file."""
    g = model.graph
    inits = {t.name: t for t in g.initializer}
    order = []
    seen = set()
    for n in g.node:
        for i in n.input:
            if i in inits and i not in seen:
                seen.add(i)
                order.append(i)
    rename = {old: f"init_{k}" for k, old in enumerate(order)}
    for n in g.node:
        for j, i in enumerate(n.input):
            if i in rename:
                n.input[j] = rename[i]
    new = []
    for old in order:
        t = inits[old]
        t.name = rename[old]
        new.append(t)
    del g.initializer[:]
    g.initializer.extend(new)
    # value_info entries for initializers would carry the old names: drop them all
    # (onnxruntime re-infers shapes).
    del g.value_info[:]


def fp16_weights(model, min_elems=16):
    g = model.graph
    casts = []
    new_inits = []
    converted = 0
    for t in g.initializer:
        if t.data_type == TensorProto.FLOAT:
            a = numpy_helper.to_array(t)
            if a.size >= min_elems:
                h = a.astype(np.float16)
                if np.array_equal(h.astype(np.float32), a):
                    name16 = t.name + "__fp16"
                    new_inits.append(numpy_helper.from_array(h, name16))
                    casts.append(helper.make_node("Cast", [name16], [t.name], to=TensorProto.FLOAT,
                                                  name=t.name + "__cast"))
                    converted += 1
                    continue
        new_inits.append(t)
    del g.initializer[:]
    g.initializer.extend(new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(casts + nodes)
    return converted


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--keep", required=True, help="comma-separated output names to keep, in order")
    ap.add_argument("--fp16-weights", action="store_true")
    ap.add_argument("--meta", action="append", default=[], help="key=value metadata_props")
    ap.add_argument("--doc", default="")
    a = ap.parse_args()

    keep = [s for s in a.keep.split(",") if s]
    src_model = onnx.load(a.src)
    inputs = [i.name for i in src_model.graph.input]
    all_outputs = [o.name for o in src_model.graph.output]
    missing = [k for k in keep if k not in all_outputs]
    if missing:
        raise SystemExit(f"{a.src}: outputs {missing} not in {all_outputs}")

    with tempfile.TemporaryDirectory() as td:
        if keep != all_outputs:
            tmp = os.path.join(td, "extracted.onnx")
            onnx.utils.extract_model(a.src, tmp, inputs, keep, check_model=True)
            model = onnx.load(tmp)
        else:
            model = src_model
    # extract_model keeps producer info; restore opset imports / ir version from the source
    model.producer_name = src_model.producer_name
    model.producer_version = src_model.producer_version

    canonical_initializers(model)
    n16 = fp16_weights(model) if a.fp16_weights else 0
    del model.metadata_props[:]
    for kv in a.meta:
        k, v = kv.split("=", 1)
        model.metadata_props.append(onnx.StringStringEntryProto(key=k, value=v))
    if a.doc:
        model.doc_string = a.doc
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, a.dst)
    outs = [(o.name, [d.dim_value for d in o.type.tensor_type.shape.dim]) for o in model.graph.output]
    print(f"{a.dst}: outputs {outs}, {len(model.graph.node)} nodes, {n16} weights stored as fp16, "
          f"{os.path.getsize(a.dst)} bytes")


if __name__ == "__main__":
    main()
