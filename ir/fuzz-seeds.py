#!/usr/bin/env python3
"""Writes the seed corpora of ir's fuzz tests (docs/fuzzing.md) from the committed fixtures.

Seeds are small real files plus a few minimized variants each (truncated, header only, one field
broken), so the fuzzer starts from every branch of every format. Findings are not written here:
Jazzer saves them into the same folders and they are committed as they are.
Run from the checkout root: python3 ir/fuzz-seeds.py
"""
import io
import json
import pathlib
import re
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
RES = ROOT / "ir/src/test/resources"
OUT = RES / "dev/mcugen/ir/fuzz/ImporterFuzzTestInputs"
MARK = b"\0FILE\0"


def put(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / ("seed-" + name)).write_bytes(data)


def variants(target, name, data):
    """The file, its first half, its first 64 bytes: the importer's early refusals."""
    put(target, name, data)
    put(target, name + "-half", data[: len(data) // 2])
    put(target, name + "-head", data[:64])


def tfjs_input(folder):
    js = (folder / "model.json").read_bytes()
    paths = [p for g in json.loads(js).get("weightsManifest", []) for p in g["paths"]]
    return js + b"".join(MARK + (folder / p).read_bytes() for p in paths)


def stored(keras_bytes):
    """A .keras archive re-packed without compression, so that mutations reach config.json and the HDF5 inside."""
    src = zipfile.ZipFile(io.BytesIO(keras_bytes))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for info in src.infolist():
            z.writestr(info.filename, src.read(info.filename))
    return buf.getvalue()


TFJS = ["dense_relu", "activation_softmax", "conv1d_same_s2_nobias", "conv2d_valid_s22_nobias",
        "batchnorm_dense", "functional_add", "functional_concat_conv1d", "gru_reset_after_keras",
        "lstm_default_seq", "simplernn_tanh_last", "maxpool2d_same_p3x2_s2x1", "reshape_dense_conv1d",
        "flatten_conv2d_dense", "dropout_dense", "relu_layer_max6"]
for t in TFJS:
    variants("tfjs", t, tfjs_input(RES / "tfjs" / t))
for ex in ["gesture_conv1d", "har_lstm"]:
    put("tfjs", "example-" + ex, tfjs_input(ROOT / "examples" / ex))
# The model.json alone: the importer's refusal of missing shards.
put("tfjs", "dense_relu-no-shards", (RES / "tfjs/dense_relu/model.json").read_bytes())

graph = (RES / "graphs/peephole_projection_lstm.json").read_bytes()
variants("graphJson", "peephole_projection_lstm", graph)
put("graphJson", "minimal", json.dumps({"format": "mcugen-graph", "version": 1, "name": "m",
    "inputs": [{"name": "x", "shape": [None, 2]}],
    "nodes": [{"name": "d", "op": "dense", "inputs": ["x"], "attrs": {"units": 1},
               "weights": {"kernel": {"shape": [2, 1], "data": [0.5, -0.5]}, "bias": {"shape": [1], "data": [0]}}}],
    "outputs": ["d"]}).encode())

for f in sorted((RES / "npy").glob("*.npy")):
    put("npy", f.stem, f.read_bytes())
put("npy", "v2-header", b"\x93NUMPY\x02\x00" + (118).to_bytes(4, "little")
    + b"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".ljust(117) + b"\n" + bytes(24))

for f in sorted((RES / "keras").glob("*.h5")):
    if "positional" not in f.name or f.name.startswith("dense"):
        variants("kerasH5", f.stem, f.read_bytes())

for f in sorted((RES / "keras").glob("*.keras")):
    put("kerasArchive", f.stem, stored(f.read_bytes()))
variants("kerasArchive", "dense_relu-deflated", (RES / "keras/dense_relu.keras").read_bytes())

for f in sorted((RES / "tflite").glob("*/model.tflite")):
    variants("tflite", f.parent.name, f.read_bytes())

for f in sorted((RES / "onnx").glob("*_op1[37].onnx")):
    if f.name.endswith("op13.onnx") or f.stem in ("mlp_op17", "lstm_op17"):
        variants("onnx", f.stem, f.read_bytes())

# Detection: one small file of each kind, and things that are no model.
ml = {
    "tfjs": (RES / "tfjs/dense_relu/model.json").read_bytes(),
    "graph": graph,
    "h5": (RES / "keras/dense_relu.legacy.h5").read_bytes(),
    "keras": stored((RES / "keras/dense_relu.keras").read_bytes()),
    "tflite": (RES / "tflite/fc_reshape_softmax/model.tflite").read_bytes(),
    "onnx": (RES / "onnx/mlp_op13.onnx").read_bytes(),
    "npy": (RES / "npy/f32_2x3.npy").read_bytes(),
    "graph-model": b'{"format": "graph-model", "modelTopology": null}',
    "json-array": b"[1, 2]",
    "empty": b"",
    "pickle": b"\x80\x04\x95",
    "zip-torch": b"",
}
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", b"\x80\x02")
ml["zip-torch"] = buf.getvalue()
for k, v in ml.items():
    put("modelLoader", k, v)
