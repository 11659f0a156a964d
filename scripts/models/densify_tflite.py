#!/usr/bin/env python3
"""Rewrite a TFLite model so that every DENSIFY op is replaced by the dense constant
it produces.

tf2onnx cannot convert DENSIFY (sparse constant weights). The BlazePose person
detector (`pose_detection.tflite`) stores 38 of its fp16 conv weights sparsely, each
behind a DENSIFY op followed by DEQUANTIZE. This script

1. runs the model once in the TFLite interpreter with the plain builtin kernels
   (no XNNPACK delegate, which would swallow the DENSIFY ops) and
   experimental_preserve_all_tensors=True, and reads every DENSIFY output tensor;
2. writes those dense tensors back into the flatbuffer as ordinary constant buffers
   (sparsity cleared), so each consumer now reads a constant;
3. deletes the DENSIFY ops and drops tensors/buffers that nothing uses any more;
4. checks that the rewritten model gives bit-identical outputs to the original on
   random inputs.

Usage: python densify_tflite.py IN.tflite OUT.tflite
"""
import sys

import flatbuffers
import numpy as np
import tensorflow as tf
from tensorflow.lite.python import schema_py_generated as schema


def opcode_of(model, op):
    oc = model.operatorCodes[op.opcodeIndex]
    return max(int(oc.builtinCode), int(oc.deprecatedBuiltinCode))


def make_interpreter(path=None, content=None):
    it = tf.lite.Interpreter(
        model_path=path,
        model_content=content,
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        experimental_preserve_all_tensors=True,
        num_threads=1,
    )
    it.allocate_tensors()
    return it


def run(it, x):
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return [it.get_tensor(d["index"]).copy() for d in it.get_output_details()]


def densify(src, dst):
    buf = open(src, "rb").read()
    model = schema.ModelT.InitFromPackedBuf(bytearray(buf), 0)
    if len(model.subgraphs) != 1:
        raise SystemExit("expected one subgraph")
    sg = model.subgraphs[0]

    densify_ops = [op for op in sg.operators if opcode_of(model, op) == schema.BuiltinOperator.DENSIFY]
    if not densify_ops:
        print(f"{src}: no DENSIFY ops, copying unchanged")
        open(dst, "wb").write(buf)
        return

    it = make_interpreter(path=src)
    inp = it.get_input_details()[0]
    run(it, np.zeros(inp["shape"], dtype=inp["dtype"]))

    for op in densify_ops:
        out_idx = int(op.outputs[0])
        dense = it.get_tensor(out_idx)
        t = sg.tensors[out_idx]
        if list(t.shape) != list(dense.shape):
            raise SystemExit(f"shape mismatch for tensor {out_idx}: {list(t.shape)} vs {dense.shape}")
        b = schema.BufferT()
        b.data = np.frombuffer(np.ascontiguousarray(dense).tobytes(), dtype=np.uint8)
        model.buffers.append(b)
        t.buffer = len(model.buffers) - 1
        t.sparsity = None
    keep_ops = [op for op in sg.operators if opcode_of(model, op) != schema.BuiltinOperator.DENSIFY]
    sg.operators = keep_ops

    # Drop tensors that nothing references any more (the sparse inputs of DENSIFY).
    used = set(int(i) for i in sg.inputs) | set(int(i) for i in sg.outputs)
    for op in sg.operators:
        used |= set(int(i) for i in op.inputs if i >= 0)
        used |= set(int(i) for i in op.outputs if i >= 0)
        if op.intermediates is not None:
            used |= set(int(i) for i in op.intermediates if i >= 0)
    old_to_new = {}
    new_tensors = []
    for i, t in enumerate(sg.tensors):
        if i in used:
            old_to_new[i] = len(new_tensors)
            new_tensors.append(t)
    remap = lambda arr: [old_to_new[int(i)] if i >= 0 else int(i) for i in arr]  # noqa: E731
    sg.tensors = new_tensors
    sg.inputs = remap(sg.inputs)
    sg.outputs = remap(sg.outputs)
    for op in sg.operators:
        op.inputs = remap(op.inputs)
        op.outputs = remap(op.outputs)
        if op.intermediates is not None:
            op.intermediates = remap(op.intermediates)

    # Drop buffers that no tensor references any more (buffer 0 stays: the empty sentinel).
    used_bufs = {0} | {t.buffer for t in sg.tensors}
    if model.metadata:
        used_bufs |= {m.buffer for m in model.metadata}
    buf_map = {}
    new_bufs = []
    for i, b in enumerate(model.buffers):
        if i in used_bufs:
            buf_map[i] = len(new_bufs)
            new_bufs.append(b)
    model.buffers = new_bufs
    for t in sg.tensors:
        t.buffer = buf_map[t.buffer]
    if model.metadata:
        for m in model.metadata:
            m.buffer = buf_map[m.buffer]
    # Signature defs and metadata_buffer refer to tensor / buffer indices too.
    if model.metadataBuffer is not None:
        model.metadataBuffer = [buf_map[i] for i in model.metadataBuffer if i in buf_map]
    if model.signatureDefs:
        for sd in model.signatureDefs:
            for tm in list(sd.inputs or []) + list(sd.outputs or []):
                tm.tensorIndex = old_to_new[tm.tensorIndex]

    builder = flatbuffers.Builder(1024 * 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    out = bytes(builder.Output())
    open(dst, "wb").write(out)

    # Check: same outputs, no DENSIFY left.
    it2 = make_interpreter(content=out)
    ops_left = [o["op_name"] for o in it2._get_ops_details()]
    if "DENSIFY" in ops_left:
        raise SystemExit("DENSIFY still present")
    it1 = make_interpreter(path=src)
    rng = np.random.default_rng(0)
    worst = 0.0
    for _ in range(3):
        x = rng.uniform(-1, 1, size=inp["shape"]).astype(inp["dtype"])
        for a, b in zip(run(it1, x), run(it2, x)):
            worst = max(worst, float(np.max(np.abs(a - b))))
    print(f"{src}: replaced {len(densify_ops)} DENSIFY ops with constants -> {dst} "
          f"({len(out)} bytes); max |diff| vs original = {worst:g}")
    if worst > 1e-5:
        raise SystemExit("densified model differs from the original")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    densify(sys.argv[1], sys.argv[2])
