#!/usr/bin/python3
"""Keras 3 `.keras` archives and Keras 3 legacy `.h5` files made from mcugen's TF.js fixtures.

No Keras can be installed here (no TensorFlow in Debian), so this script writes the files the way
Keras 3 does, with h5py and the standard library only:

- `.keras` (keras/src/saving/saving_lib.py): an uncompressed zip (ZIP_STORED, Keras' default) holding
  `metadata.json`, `config.json` and `model.weights.h5`. config.json is `serialize_keras_object(model)`:
  `{"module", "class_name", "config", "registered_name", "build_config", "compile_config"}`, layers as
  nested objects with `module` / `class_name` / `config` / `registered_name`, dtype policies as
  `DTypePolicy` objects, functional inbound nodes as `{"args": [...], "kwargs": {}}` with
  `__keras_tensor__` entries. model.weights.h5 is what `_save_state` walks: a `vars` group per saveable
  (empty for the model and for layers without variables), container items named by snake_case class and
  a per-name counter (`layers/dense`, `layers/dense_1`, ...; never the layer's own name), an RNN's
  variables under its `cell`, a nested model's layers under `layers/<model>/layers/...`, and the
  variables as datasets `0..N` in creation order (kernel, recurrent_kernel, bias; gamma, beta,
  moving_mean, moving_variance). Each `vars` group carries the saveable's `name` as Keras >= 3.6 does.
- Keras 3 legacy `.h5` (keras/src/legacy/saving/legacy_h5_format.py): root attributes `backend`,
  `keras_version`, `model_config` (JSON encoded to bytes: a fixed-length string); group
  `model_weights` with `layer_names`, and per layer a group whose `weight_names` lists the variable
  paths (`dense_1/kernel`, no `:0`), each a dataset at that path. The `_positional` variant names them
  `<layer>/vars/<i>`, as some Keras 3 versions do.

Tensor shapes in `__keras_tensor__` entries and per-layer `build_config`s, which mcugen does not read,
are left out. Inputs and goldens stay those of the TF.js fixture: the tests compare against them.

Run from the repository root:  /usr/bin/python3 examples/keras3-fixtures.py
"""
import copy
import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TFJS = os.path.join(ROOT, "ir", "src", "test", "resources", "tfjs")
OUT = os.path.join(ROOT, "ir", "src", "test", "resources", "keras")
KERAS_VERSION = "3.6.0"
# A fixed date keeps the archives byte-identical from run to run.
DATE_SAVED = "2024-10-03@12:00:00"
ZIP_TIME = (2024, 10, 3, 12, 0, 0)

# name -> (TF.js fixture, how to rebuild it); "nested" wraps the first layers in a Sequential backbone.
FIXTURES = {
    "dense_relu": ("dense_relu", None),
    "conv2d_same_s11": ("conv2d_same_s11", None),
    "flatten_conv2d_dense": ("flatten_conv2d_dense", None),
    "batchnorm_conv2d": ("batchnorm_conv2d", None),
    "lstm_sigmoid_relu_seq": ("lstm_sigmoid_relu_seq", None),
    "gru_reset_after_keras": ("gru_reset_after_keras", None),
    "simplernn_relu_seq": ("simplernn_relu_seq", None),
    "functional_resblock_conv1d": ("functional_resblock_conv1d", None),
    "functional_concat_conv1d": ("functional_concat_conv1d", None),
    "functional_two_inputs_concat": ("functional_two_inputs_concat", None),
    "multiio_two_heads": ("multiio_two_heads", None),
    "nested_sequential_backbone": ("flatten_conv2d_dense", "nested"),
}
LEGACY_H5 = ["dense_relu", "lstm_sigmoid_relu_seq", "functional_resblock_conv1d", "nested_sequential_backbone",
             "multiio_two_heads"]

RNN = {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell"}
VAR_ORDER = ["kernel", "recurrent_kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance"]


def snake(name):
    """keras.src.utils.naming.to_snake_case."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def dtype_policy():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def keras3_object(obj):
    """An initializer / regularizer as Keras 3 serializes it."""
    if isinstance(obj, dict) and "class_name" in obj:
        return {"module": "keras.initializers", "class_name": obj["class_name"],
                "config": obj.get("config", {}), "registered_name": None}
    return obj


def read_tfjs(fixture):
    d = os.path.join(TFJS, fixture)
    with open(os.path.join(d, "model.json")) as f:
        model = json.load(f)
    weights = {}
    for group in model["weightsManifest"]:
        data = b"".join(open(os.path.join(d, p), "rb").read() for p in group["paths"])
        at = 0
        for w in group["weights"]:
            assert w["dtype"] == "float32" and "quantization" not in w, w
            n = int(np.prod(w["shape"], dtype=np.int64))
            weights[w["name"]] = np.frombuffer(data, "<f4", n, at).reshape(w["shape"]).copy()
            at += 4 * n
    return model["modelTopology"], weights


def layer_weights(weights, name):
    """The TF.js weights of layer `name` by key (a cell segment, as in gru/gru_cell/kernel, dropped)."""
    out = {}
    for full, value in weights.items():
        if full.startswith(name + "/"):
            out[full.rsplit("/", 1)[1]] = value
    return out


def layer_config(tfjs_layer):
    cls = tfjs_layer["class_name"]
    cfg = copy.deepcopy(tfjs_layer["config"])
    if cls == "InputLayer":
        return {"module": "keras.layers", "class_name": "InputLayer",
                "config": {"batch_shape": cfg["batch_input_shape"], "dtype": "float32", "sparse": False,
                           "name": cfg["name"]}, "registered_name": None}
    cfg.pop("batch_input_shape", None)
    cfg["dtype"] = dtype_policy()
    cfg.setdefault("trainable", True)
    for k, v in list(cfg.items()):
        if k.endswith("_initializer") or k.endswith("_regularizer") or k.endswith("_constraint"):
            cfg[k] = keras3_object(v)
    return {"module": "keras.layers", "class_name": cls, "config": cfg, "registered_name": None}


def input_layer(name, batch_shape):
    return {"module": "keras.layers", "class_name": "InputLayer",
            "config": {"batch_shape": batch_shape, "dtype": "float32", "sparse": False, "name": name},
            "registered_name": None}


def keras_tensor(layer):
    return {"class_name": "__keras_tensor__", "config": {"dtype": "float32", "keras_history": [layer, 0, 0]}}


class Model:
    """A Keras model as this script rebuilds it: config plus the variables of each layer."""

    def __init__(self, kind, name, layers, inputs=None, outputs=None, input_shape=None):
        self.kind = kind          # "Sequential" or "Functional"
        self.name = name
        self.layers = layers      # list of (keras3 layer entry, {key: array} or a nested Model)
        self.inputs = inputs
        self.outputs = outputs
        self.input_shape = input_shape

    def config(self, top=True):
        entries = []
        for entry, w in self.layers:
            if isinstance(w, Model):
                e = w.config(top=False)
                for k in ("name", "inbound_nodes"):
                    if k in entry:
                        e[k] = entry[k]
                entries.append(e)
            else:
                entries.append(entry)
        cfg = {"name": self.name, "trainable": True, "dtype": dtype_policy(), "layers": entries}
        if self.kind == "Functional":
            cfg["input_layers"] = self.inputs if len(self.inputs) > 1 else self.inputs[0]
            cfg["output_layers"] = self.outputs if len(self.outputs) > 1 else self.outputs[0]
        out = {"module": "keras", "class_name": self.kind, "config": cfg,
               "registered_name": "Functional" if self.kind == "Functional" else None,
               "build_config": {"input_shape": self.input_shape}}
        if top:
            out["compile_config"] = None
        return out

    def container(self):
        """Sequential.layers leaves its InputLayer out; Functional.layers keeps them."""
        if self.kind == "Sequential":
            return [(e, w) for e, w in self.layers if e["class_name"] != "InputLayer"]
        return self.layers


def ordered(layer_entry, w):
    return [w[k] for k in VAR_ORDER if k in w]


def write_vars(group, name, values):
    v = group.create_group("vars")
    v.attrs["name"] = name
    for i, value in enumerate(values):
        v.create_dataset(str(i), data=value)


def save_state(h5, path, model):
    """saving_lib._save_state for a model: its own (empty) vars, then layers/<snake>[_n]/..."""
    root = h5.create_group(path) if path else h5
    write_vars(root, model.name, [])
    used = {}
    for entry, w in model.container():
        base = snake(entry["class_name"])
        if base in used:
            used[base] += 1
            item = "%s_%d" % (base, used[base])
        else:
            used[base] = 0
            item = base
        sub = (path + "/" if path else "") + "layers/" + item
        name = entry.get("name") or entry["config"]["name"]
        if isinstance(w, Model):
            save_state(h5, sub, w)
        elif entry["class_name"] in RNN:
            g = h5.create_group(sub)
            write_vars(g, name, [])
            write_vars(g.create_group("cell"), RNN[entry["class_name"]], ordered(entry, w))
        else:
            write_vars(h5.create_group(sub), name, ordered(entry, w))


def weights_h5(model):
    buf = io.BytesIO()
    with h5py.File(buf, "w") as h5:
        save_state(h5, "", model)
    return buf.getvalue()


def write_keras(path, model):
    metadata = json.dumps({"keras_version": KERAS_VERSION, "date_saved": DATE_SAVED})
    config = json.dumps(model.config())
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in (("metadata.json", metadata.encode()), ("config.json", config.encode()),
                           ("model.weights.h5", weights_h5(model))):
            zf.writestr(zipfile.ZipInfo(name, ZIP_TIME), data)


def legacy_weights(model, prefix=""):
    """(weight path, array) of every variable of a layer or nested model, in Keras' order."""
    out = []
    for entry, w in model.container():
        name = entry.get("name") or entry["config"]["name"]
        if isinstance(w, Model):
            out += legacy_weights(w)
        else:
            cell = RNN.get(entry["class_name"])
            for k in VAR_ORDER:
                if k in w:
                    out.append((name + ("/" + cell if cell else "") + "/" + k, w[k]))
    return out


def write_legacy_h5(path, model, positional):
    with h5py.File(path, "w") as f:
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = KERAS_VERSION
        cfg = model.config()
        text = json.dumps({"class_name": cfg["class_name"], "config": cfg["config"]}).encode("utf8")
        # Keras assigns bytes (h5py stores a variable-length string); the positional variant stores a
        # fixed-length one, as other writers do, so that both spellings are exercised.
        f.attrs["model_config"] = np.bytes_(text) if positional else text
        mw = f.create_group("model_weights")
        names = []
        for entry, w in model.layers:
            name = entry.get("name") or entry["config"]["name"]
            names.append(name)
            g = mw.create_group(name)
            if isinstance(w, Model):
                ws = legacy_weights(w)
            elif entry["class_name"] == "InputLayer":
                ws = []
            else:
                sub = Model("Sequential", name, [(entry, w)])
                ws = legacy_weights(sub)
            if positional:
                counts = {}
                renamed = []
                for n, v in ws:
                    layer = n.split("/")[0]
                    counts[layer] = counts.get(layer, -1) + 1
                    renamed.append((layer + "/vars/%d" % counts[layer], v))
                ws = renamed
            g.attrs["weight_names"] = np.array([n.encode("utf8") for n, _ in ws], dtype="S") if ws else np.array([], "f8")
            for n, v in ws:
                g.create_dataset(n, data=v)
        mw.attrs["layer_names"] = np.array([n.encode("utf8") for n in names], dtype="S")
        mw.attrs["backend"] = "tensorflow"
        mw.attrs["keras_version"] = KERAS_VERSION


def from_tfjs(fixture):
    topo, weights = read_tfjs(fixture)
    cls = topo["class_name"]
    cfg = topo["config"]
    if cls == "Sequential":
        layers = []
        tl = cfg["layers"]
        if tl[0]["class_name"] == "InputLayer":
            shape = tl[0]["config"]["batch_input_shape"]
            layers.append((layer_config(tl[0]), {}))
            tl = tl[1:]
        else:
            shape = tl[0]["config"]["batch_input_shape"]
            layers.append((input_layer(tl[0]["config"]["name"] + "_input", shape), {}))
        for l in tl:
            layers.append((layer_config(l), layer_weights(weights, l["config"]["name"])))
        return Model("Sequential", cfg["name"], layers, input_shape=shape)
    layers = []
    for l in cfg["layers"]:
        e = layer_config(l)
        e["name"] = l["name"]
        nodes = l.get("inbound_nodes", [])
        if nodes:
            tensors = [keras_tensor(ref[0]) for ref in nodes[0]]
            e["inbound_nodes"] = [{"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": {}}]
        else:
            e["inbound_nodes"] = []
        layers.append((e, {} if l["class_name"] == "InputLayer" else layer_weights(weights, l["name"])))
    ins = [list(x[:3]) for x in cfg["input_layers"]]
    outs = [list(x[:3]) for x in cfg["output_layers"]]
    return Model("Functional", cfg["name"], layers, ins, outs, input_shape=None)


def nested(fixture):
    """A Functional model: Input -> Sequential 'backbone' (all layers but the last) -> last layer."""
    flat = from_tfjs(fixture)
    assert flat.kind == "Sequential"
    inp, body, head = flat.layers[0], flat.layers[1:-1], flat.layers[-1]
    in_name = inp[0]["config"]["name"]
    shape = inp[0]["config"]["batch_shape"]
    backbone = Model("Sequential", "backbone", [(input_layer("backbone_input", shape), {})] + body, input_shape=shape)
    bb_entry = {"class_name": "Sequential", "config": {"name": "backbone"}, "name": "backbone", "inbound_nodes": [{"args": [keras_tensor(in_name)], "kwargs": {}}]}
    head_entry = dict(head[0])
    head_entry["name"] = head[0]["config"]["name"]
    head_entry["inbound_nodes"] = [{"args": [keras_tensor("backbone")], "kwargs": {}}]
    in_entry = dict(inp[0])
    in_entry["name"] = in_name
    in_entry["inbound_nodes"] = []
    return Model("Functional", flat.name, [(in_entry, {}), (bb_entry, backbone), (head_entry, head[1])],
                 [[in_name, 0, 0]], [[head_entry["name"], 0, 0]])


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (fixture, how) in FIXTURES.items():
        model = nested(fixture) if how == "nested" else from_tfjs(fixture)
        write_keras(os.path.join(OUT, name + ".keras"), model)
        if name in LEGACY_H5:
            write_legacy_h5(os.path.join(OUT, name + ".legacy.h5"), model, positional=False)
            write_legacy_h5(os.path.join(OUT, name + ".legacy_positional.h5"), model, positional=True)
        print("wrote", name, file=sys.stderr)


if __name__ == "__main__":
    main()
