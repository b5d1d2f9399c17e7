#!/usr/bin/python3
"""Framework-made goldens for a Keras GRU with reset_after=True (the Keras default, which TF.js rejects).

PyTorch's torch.nn.GRU computes exactly the Keras reset_after=True cell:
    r  = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
    z  = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    n  = tanh(W_in x + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h
Keras stores the gates in the order z, r, h with kernel [F, 3u], recurrent_kernel [u, 3u] and bias [2, 3u]
(bias[0] = input bias, bias[1] = recurrent bias), so the torch weights are reordered (r, z, n -> z, r, n) and
transposed. A Dense head (torch.nn.Linear, kernel [u, k] = W.T) follows, applied by torch as well, so the
whole expected output is computed by the framework.

Writes, per fixture folder, a model.json in the layout tensorflowjs_converter writes for a Keras 2 model
(Sequential with an InputLayer, snake_case Keras config, weight names "gru/gru_cell/kernel" etc.), one
weight shard, input.npy and expected.npy, and adds the entries to fixtures.json in the output folder.

    /usr/bin/python3 examples/torch-gru-reset-after.py [--out DIR] [--seed S]

Needs python3-torch and python3-numpy (Debian bookworm: torch 1.13.1).
"""
import argparse
import json
import os
import shutil
import sys

import numpy as np
import torch

GENERATOR = "examples/torch-gru-reset-after.py"
HERE = os.path.dirname(os.path.abspath(__file__))


def torch_version():
    """Debian's python3-torch 1.13.1 reports '1.13.0a0'; name the package version when we can."""
    try:
        import subprocess
        v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-torch"], capture_output=True,
                           text=True, check=True).stdout.strip()
        if v:
            return f"{torch.__version__} (Debian python3-torch {v})"
    except (OSError, subprocess.CalledProcessError):
        pass
    return torch.__version__


def dims(seed):
    if seed is None:
        return {"batch": 6, "T": 8, "F": 5, "units": 12, "classes": 4}
    r = np.random.RandomState(seed * 7919 + 29)
    return {"batch": int(r.randint(4, 9)), "T": int(r.randint(3, 26)), "F": int(r.randint(2, 17)),
            "units": int(r.randint(4, 41)), "classes": int(r.randint(2, 11))}


def keras_topology(name, d, return_sequences):
    gru = {
        "name": "gru", "trainable": True, "dtype": "float32",
        "return_sequences": return_sequences, "return_state": False, "go_backwards": False,
        "stateful": False, "unroll": False, "time_major": False,
        "units": d["units"], "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None, "recurrent_regularizer": None, "bias_regularizer": None,
        "activity_regularizer": None, "kernel_constraint": None, "recurrent_constraint": None,
        "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0, "implementation": 2,
        "reset_after": True,
    }
    dense = {
        "name": "dense", "trainable": True, "dtype": "float32", "units": d["classes"],
        "activation": "linear", "use_bias": True,
        "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
        "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None,
    }
    return {
        "class_name": "Sequential",
        "config": {
            "name": name,
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_input_shape": [None, d["T"], d["F"]],
                                                        "dtype": "float32", "sparse": False, "ragged": False,
                                                        "name": "input_1"}},
                {"class_name": "GRU", "config": gru},
                {"class_name": "Dense", "config": dense},
            ],
        },
        "keras_version": "2.12.0",
        "backend": "tensorflow",
    }


def make_fixture(out, name, d, seed, return_sequences):
    base = 1 if seed is None else seed
    torch.manual_seed(base * 1000 + (7 if return_sequences else 3))
    u, F, T, k = d["units"], d["F"], d["T"], d["classes"]
    gru = torch.nn.GRU(input_size=F, hidden_size=u, num_layers=1, bias=True, batch_first=True)
    head = torch.nn.Linear(u, k)
    with torch.no_grad():
        # torch's default init is U(-1/sqrt(u), 1/sqrt(u)) for all weights and biases (non-zero biases);
        # widen the recurrent biases a little so the r * (W_hn h + b_hn) placement is clearly exercised.
        gru.bias_hh_l0.mul_(3.0)
        x = torch.randn(d["batch"], T, F, dtype=torch.float32)
        seq, _ = gru(x)                       # [N, T, u]
        h = seq if return_sequences else seq[:, -1, :]
        y = head(h)                           # Dense on the last axis, like Keras

    def split(w):  # torch rows r, z, n -> (z, r, n)
        r_, z_, n_ = torch.chunk(w, 3, dim=0)
        return torch.cat([z_, r_, n_], dim=0)

    kernel = split(gru.weight_ih_l0.detach()).t().contiguous().numpy()          # [F, 3u]
    recurrent = split(gru.weight_hh_l0.detach()).t().contiguous().numpy()       # [u, 3u]
    bias = np.stack([split(gru.bias_ih_l0.detach()).numpy(),
                     split(gru.bias_hh_l0.detach()).numpy()])                    # [2, 3u]
    dense_k = head.weight.detach().t().contiguous().numpy()                     # [u, k]
    dense_b = head.bias.detach().numpy()                                        # [k]
    weights = [("gru/gru_cell/kernel", kernel), ("gru/gru_cell/recurrent_kernel", recurrent),
               ("gru/gru_cell/bias", bias), ("dense/kernel", dense_k), ("dense/bias", dense_b)]

    # Independent numpy check of the Keras formula with the Keras-layout weights (float64).
    xn = x.numpy().astype(np.float64)
    hn = np.zeros((d["batch"], u))
    steps = []
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))
    for t in range(T):
        mx = xn[:, t, :] @ kernel + bias[0]
        mh = hn @ recurrent + bias[1]
        z = sig(mx[:, :u] + mh[:, :u])
        r = sig(mx[:, u:2 * u] + mh[:, u:2 * u])
        hh = np.tanh(mx[:, 2 * u:] + r * mh[:, 2 * u:])
        hn = z * hn + (1 - z) * hh
        steps.append(hn)
    hk = np.stack(steps, axis=1) if return_sequences else hn
    yk = hk @ dense_k + dense_b
    err = float(np.max(np.abs(yk - y.numpy())))
    if err > 1e-5:
        sys.exit(f"{name}: torch GRU and the Keras reset_after=True formula disagree (max |err| {err})")

    folder = os.path.join(out, name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    blob = b"".join(np.ascontiguousarray(w, dtype="<f4").tobytes() for _, w in weights)
    shard = "group1-shard1of1.bin"
    with open(os.path.join(folder, shard), "wb") as f:
        f.write(blob)
    model = {
        "format": "layers-model",
        "generatedBy": "keras v2.12.0",
        "convertedBy": "TensorFlow.js Converter v4.22.0",
        "modelTopology": keras_topology(name, d, return_sequences),
        "weightsManifest": [{"paths": [shard], "weights": [
            {"name": n, "shape": list(w.shape), "dtype": "float32"} for n, w in weights]}],
    }
    with open(os.path.join(folder, "model.json"), "w") as f:
        f.write(json.dumps(model, separators=(",", ":")) + "\n")
    np.save(os.path.join(folder, "input.npy"), np.ascontiguousarray(x.numpy(), dtype="<f4"))
    np.save(os.path.join(folder, "expected.npy"), np.ascontiguousarray(y.numpy(), dtype="<f4"))
    what = "returnSequences true, Dense per step" if return_sequences else "last state, Dense head"
    return {
        "name": name,
        "description": f"Keras-format GRU({u}, reset_after=true, recurrent sigmoid, tanh; bias [2, {3 * u}]), "
                       f"{what} on [T={T}, F={F}]; golden computed by PyTorch torch.nn.GRU + Linear (not TF.js)",
        "generator": GENERATOR,
        "golden": f"PyTorch {torch_version()} torch.nn.GRU/Linear forward, float32 (checked against a numpy "
                  f"float64 Keras reset_after=True reference, max |err| {err:.1e})",
        "inputs": ["input.npy"],
        "inputShapes": [list(x.shape)],
        "expected": "expected.npy",
        "expectedShape": list(y.shape),
        "weightGroups": 1,
        "weightShards": 1,
        "shardSizeBytes": len(blob),
        "grouping": "single",
    }


def main():
    default_out = os.path.normpath(os.path.join(HERE, "..", "ir", "src", "test", "resources", "tfjs"))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=default_out)
    p.add_argument("--seed", type=int, default=None)
    a = p.parse_args()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    d = dims(a.seed)
    os.makedirs(a.out, exist_ok=True)
    entries = [make_fixture(a.out, "gru_reset_after_keras", d, a.seed, False),
               make_fixture(a.out, "gru_reset_after_keras_seq", d, a.seed, True)]
    index_file = os.path.join(a.out, "fixtures.json")
    index = {"comment": "", "seed": a.seed, "dims": {}, "fixtures": []}
    if os.path.exists(index_file):
        with open(index_file) as f:
            index = json.load(f)
    names = {e["name"] for e in entries}
    mine = sorted([e for e in index["fixtures"] if e.get("generator") == GENERATOR and e["name"] not in names]
                  + entries, key=lambda e: e["name"])
    index["fixtures"] = [e for e in index["fixtures"] if e.get("generator") != GENERATOR] + mine
    with open(index_file, "w") as f:
        f.write(json.dumps(index, indent=1) + "\n")
    for e in entries:
        print(f"{e['name']:44s} in {e['inputShapes']} -> {e['expectedShape']}")


if __name__ == "__main__":
    main()
