#!/usr/bin/python3
"""Quantization-aware retraining at mcugen's word lengths, exported as ONNX with DequantizeLinear weights.

The retraining loop of Shin, Hwang and Sung, "Fixed-point performance analysis of recurrent neural
networks" (ICASSP 2016): the forward pass uses every weight group quantized at its word length, the
backward pass updates the float weights as if the quantizer were the identity (the straight-through
estimator), so training moves the weights to where their quantized values work. Two steps:

    # 1. a float model (PyTorch re-implementation of an example's architecture, trained on its data)
    /usr/bin/python3 examples/qat/qat.py float --arch har_lstm --data DATA/har_lstm --out float.onnx
    # 2. mcugen chooses the word lengths, then the model is fine-tuned at them
    mcugen analyze float.onnx --data DATA/har_lstm/calibration.npy --budget top1=0.5 --out analyze.json
    /usr/bin/python3 examples/qat/qat.py qat --model float.pt --bits analyze.json --data DATA/har_lstm \\
        --out model_qat.onnx

DATA/NAME comes from `node examples/train.js --data-only --out DATA` (the examples' seeded training and test
data). See examples/qat/README.md. Needs Debian's python3-torch and python3-onnx; runs on the CPU.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn

# --------------------------------------------------------------------------------------------------------
# Architectures: PyTorch versions of the examples' models (PyTorch's LSTM / GRU gates: sigmoid, and the GRU
# applies its reset gate after the recurrent product, ONNX linear_before_reset 1).


class HarLstm(nn.Module):
    """examples/har_lstm: LSTM(32) -> Dense(4, softmax), input [N, 50, 3]."""

    def __init__(self, hidden=32):
        super().__init__()
        self.lstm = nn.LSTM(3, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 4)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


class KwsGru(nn.Module):
    """examples/kws_gru: GRU(32) -> Dense(5, softmax), input [N, 30, 13]."""

    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(13, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, 5)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.fc(out[:, -1, :])


class StackedRnn(nn.Module):
    """examples/stacked_rnn: LSTM(24, sequences) -> GRU(16) -> Dense(4, softmax), input [N, 40, 4]."""

    def __init__(self, hidden=24):
        super().__init__()
        self.lstm = nn.LSTM(4, hidden, batch_first=True)
        self.gru = nn.GRU(hidden, 16, batch_first=True)
        self.fc = nn.Linear(16, 4)

    def forward(self, x):
        seq, _ = self.lstm(x)
        out, _ = self.gru(seq)
        return self.fc(out[:, -1, :])


class GestureConv1d(nn.Module):
    """examples/gesture_conv1d: Conv1D(16, 5, relu) -> MaxPool(2) -> Conv1D(32, 3, same, relu) -> mean over time
    -> Dense(16, relu) -> Dense(5, softmax), input [N, 64, 6]."""

    def __init__(self, hidden=16):
        super().__init__()
        self.conv1 = nn.Conv1d(6, hidden, 5)
        self.pool = nn.MaxPool1d(2)
        self.conv2 = nn.Conv1d(hidden, 32, 3, padding=1)
        self.fc1 = nn.Linear(32, 16)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x.transpose(1, 2))))
        x = torch.relu(self.conv2(x)).mean(dim=2)
        return self.fc(torch.relu(self.fc1(x)))


ARCHS = {"har_lstm": HarLstm, "kws_gru": KwsGru, "stacked_rnn": StackedRnn, "gesture_conv1d": GestureConv1d}


class Exported(nn.Module):
    """The model as exported: probabilities (softmax), as the examples' models give them."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return torch.softmax(self.net(x), dim=1)


def weight_groups(net):
    """The weight groups of `net` under the names mcugen gives them ("layer/tensor"): the layer is the ONNX
    node's name made an identifier (module "lstm" inside the exported wrapper -> node "/net/lstm/LSTM" ->
    "net_lstm_LSTM", "_last" appended where only its last step is used); a recurrent layer's input kernel
    (weight_ih) apart from its recurrent kernel (weight_hh), a Linear's or Conv's weight as "kernel"."""
    groups = {}
    for name, m in net.named_modules():
        layer = "net_" + name.replace(".", "_")
        if isinstance(m, (nn.LSTM, nn.GRU)):
            op = "LSTM" if isinstance(m, nn.LSTM) else "GRU"
            groups[(f"{layer}_{op}", "kernel")] = (m, "weight_ih_l0")
            groups[(f"{layer}_{op}", "recurrent_kernel")] = (m, "weight_hh_l0")
        elif isinstance(m, nn.Linear):
            groups[(f"{layer}_Gemm", "kernel")] = (m, "weight")
        elif isinstance(m, nn.Conv1d):
            groups[(f"{layer}_Conv", "kernel")] = (m, "weight")
    return groups


def resolve(groups, group):
    """The (module, parameter) of mcugen's weight group "layer/tensor": the layer is the node name, or it with a
    suffix mcugen adds ("_last", "_2")."""
    layer, _, tensor = group.rpartition("/")
    for (prefix, t), target in groups.items():
        if t == tensor and (layer == prefix or layer.startswith(prefix + "_")):
            return target
    return None


# --------------------------------------------------------------------------------------------------------
# Weight quantizers, as mcugen's WeightQuant defines them: b bits give the symmetric narrow range of
# M = 2^b - 1 levels z * step, z in [-(2^(b-1) - 1), 2^(b-1) - 1], z = sgn(w) min(floor(|w| / step + 1/2), half)
# (rounding half away from zero).


def levels(w, step, half):
    return torch.sign(w) * torch.clamp(torch.floor(w.abs() / step + 0.5), max=half)


def l2_step(w, bits, iterations=200):
    """The least-squared-error step of Shin, Hwang and Sung (their eq. 3-4): quantize with the current step, set
    step = sum(w z) / sum(z^2), until the levels stop changing; it starts from min/max."""
    half = 2 ** (bits - 1) - 1
    w = w.detach().double()
    step = w.abs().max() / half
    if step == 0:
        return step
    z = levels(w, step, half)
    for _ in range(iterations):
        den = (z * z).sum()
        if den == 0:
            break
        step = (w * z).sum() / den
        nz = levels(w, step, half)
        if torch.equal(nz, z):
            break
        z = nz
    return step


def grid(w, bits, method, channel_axis=None):
    """(integers z, step) of `w` at `bits`: per tensor, or per output channel (axis 0) when channel_axis is 0.
    For "balanced" (He et al., "Effective quantization methods for recurrent neural networks", 2016: 2^b levels
    spread evenly over +-1.25 mean|w|, none at zero) the integers are the odd numbers -(2^b - 1) .. 2^b - 1 and
    the step is 2.5 mean|w| / (2 (2^b - 1))."""
    if channel_axis is not None:
        zs, steps = zip(*(grid(w[c], bits, method) for c in range(w.shape[0])))
        return torch.stack(zs), torch.stack([torch.as_tensor(s, dtype=torch.float64) for s in steps])
    wd = w.detach().double()
    if method == "balanced":
        top = 2 ** bits - 1
        scale = 2.5 * wd.abs().mean()
        if scale == 0:
            return torch.zeros_like(wd), torch.tensor(1.0, dtype=torch.float64)
        u = torch.clamp(wd / scale, -0.5, 0.5) + 0.5
        k = torch.floor(u * top + 0.5)
        return 2 * k - top, scale / (2 * top)
    half = 2 ** (bits - 1) - 1
    step = wd.abs().max() / half if method == "minmax" else l2_step(wd, bits)
    if step == 0:
        return torch.zeros_like(wd), torch.tensor(1.0, dtype=torch.float64)
    if POWER_OF_TWO:
        # the power of two below or above the step, whichever leaves the smaller squared error
        lo = 2.0 ** torch.floor(torch.log2(torch.as_tensor(step)))
        err = [((levels(wd, s, half) * s - wd) ** 2).sum() for s in (lo, 2 * lo)]
        step = lo if err[0] <= err[1] else 2 * lo
    return levels(wd, step, half), step


# --power-of-two: every step a power of two (what mcugen's --rescale pot, cortex-m0's default, keeps).
POWER_OF_TWO = False


def dequantize(z, step):
    """z * step in float32, as ONNX DequantizeLinear computes it (int8 times a float32 scale)."""
    s = torch.as_tensor(step).float()
    if s.dim() == 1:
        s = s.view(-1, *([1] * (z.dim() - 1)))
    return z.float() * s


class FakeQuant:
    """Fake quantization of the chosen weight groups: during the forward pass each weight is replaced by its
    quantized value, the gradient passes through unchanged (straight-through estimator)."""

    def __init__(self, net, bits, method, per_channel):
        self.targets = []
        groups = weight_groups(net)
        for group, b in bits.items():
            if group.rpartition("/")[2] not in ("kernel", "recurrent_kernel"):
                # a bias (a GRU's recurrent bias is its own group in mcugen analyze): it stays float here, mcugen
                # quantizes biases with the accumulator's scale
                print(f"note: '{group}' stays float (a bias)")
                continue
            target = resolve(groups, group)
            if target is None:
                raise SystemExit(f"qat.py: weight group '{group}' of the word lengths is not a weight of this model "
                                 f"(its groups: {', '.join(l + '/' + t for l, t in groups)})")
            if not 2 <= b <= 8:
                raise SystemExit(f"qat.py: weight group '{group}': {b} bits; mcugen's weights take 2 to 8")
            m, p = target
            # The output layer feeds the softmax, whose logits mcugen quantizes with one scale: per tensor.
            axis = 0 if per_channel and isinstance(m, (nn.Linear, nn.Conv1d)) and m is not net.fc else None
            self.targets.append((group, m, p, b, axis))
        self.method = method

    def integers(self):
        """Per group: (integers, step) of the weights as they are now."""
        out = {}
        for group, m, p, b, axis in self.targets:
            z, step = grid(getattr(m, p), b, self.method, axis)
            if z.abs().max() > 127:
                raise SystemExit(f"qat.py: weight group '{group}' at {b} bits needs integers beyond int8 ({self.method})")
            out[group] = (z, step, b, axis)
        return out

    def __enter__(self):
        self.saved = []
        for group, m, p, b, axis in self.targets:
            w = getattr(m, p)
            z, step = grid(w, b, self.method, axis)
            q = dequantize(z, step)
            self.saved.append((m, p, w.data.clone()))
            # straight-through: the forward pass sees q, the gradient reaches w as if unquantized
            w.data.copy_(q)
        return self

    def __exit__(self, *exc):
        for m, p, data in self.saved:
            getattr(m, p).data.copy_(data)


# --------------------------------------------------------------------------------------------------------
# Data, training, export


def load_data(folder):
    def npy(name):
        path = os.path.join(folder, name)
        if not os.path.exists(path):
            raise SystemExit(f"qat.py: {path} is missing (make it with node examples/train.js --data-only --out DIR)")
        return np.load(path)

    return (torch.from_numpy(npy("train.npy")).float(), torch.from_numpy(npy("train_labels.npy")).long(),
            torch.from_numpy(npy("test.npy")).float(), torch.from_numpy(npy("labels.npy")).long())


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        return float((net(x).argmax(dim=1) == y).float().mean()) * 100


def train(net, x, y, epochs, lr, batch, seed, fake=None, log=None):
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(epochs):
        net.train()
        perm = torch.randperm(len(x), generator=gen)
        total = 0.0
        for k in range(0, len(x), batch):
            idx = perm[k:k + batch]
            opt.zero_grad()
            if fake is not None:
                with fake:
                    loss = loss_fn(net(x[idx]), y[idx])
                    loss.backward()
            else:
                loss = loss_fn(net(x[idx]), y[idx])
                loss.backward()
            opt.step()
            total += float(loss) * len(idx)
        if log:
            log(epoch, total / len(x))


def export(net, x, path):
    """ONNX at opset 13, batch axis dynamic, input "x" [N, T, F], output "y" probabilities."""
    model = Exported(net).eval()
    torch.onnx.export(model, x[:1], path, opset_version=13, input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "n"}, "y": {0: "n"}}, do_constant_folding=True)


def attach_dequantize(path, grids):
    """Rewrites the exported file: each float initializer holding a quantized weight group (the exporter may
    have reordered it, as it reorders an LSTM's gates, so it is found by its values) becomes an int8
    initializer (the integers, zero point 0) read by a DequantizeLinear node whose output keeps the
    initializer's name. mcugen's ONNX importer recovers the integers and the step from it."""
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(path)
    g = model.graph
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    new_inits, new_nodes, done = [], [], set()
    for group, (z, step, bits, axis) in grids.items():
        values = dequantize(z, step).numpy()
        match = None
        for name, arr in inits.items():
            if name in done or arr.dtype != np.float32 or arr.size != values.size:
                continue
            if axis is None and np.array_equal(np.sort(arr.ravel()), np.sort(values.ravel())):
                match = (name, None)
            elif axis is not None and arr.shape == values.shape and np.array_equal(arr, values):
                match = (name, 0)
            elif axis is not None and arr.ndim == 2 and arr.shape == values.T.shape and np.array_equal(arr, values.T):
                match = (name, 1)
            if match:
                break
        if match is None:
            raise SystemExit(f"qat.py: the exported file holds no initializer with the values of '{group}'")
        name, onnx_axis = match
        arr = inits[name]
        steps = np.asarray(step.numpy() if torch.is_tensor(step) else step, dtype=np.float32)
        if onnx_axis is None:
            q = np.floor(np.abs(arr.astype(np.float64)) / float(steps) + 0.5) * np.sign(arr)
        else:
            shape = [1] * arr.ndim
            shape[onnx_axis] = -1
            q = np.floor(np.abs(arr.astype(np.float64)) / steps.reshape(shape) + 0.5) * np.sign(arr)
        q = q.astype(np.int8)
        check = q.astype(np.float32) * (steps if onnx_axis is None else steps.reshape(shape))
        if not np.array_equal(check.astype(np.float32), arr):
            raise SystemExit(f"qat.py: '{group}': the integers do not give the weights back exactly")
        done.add(name)
        new_inits += [numpy_helper.from_array(q, name + "_quantized"),
                      numpy_helper.from_array(steps.reshape(-1) if onnx_axis is not None else steps.reshape(()),
                                              name + "_scale"),
                      numpy_helper.from_array(np.zeros(steps.shape if onnx_axis is not None else (), np.int8),
                                              name + "_zero_point")]
        attrs = {"axis": onnx_axis} if onnx_axis is not None else {}
        new_nodes.append(helper.make_node("DequantizeLinear", [name + "_quantized", name + "_scale",
                                                               name + "_zero_point"], [name],
                                          name=f"/{group.split('/')[0]}/{group.split('/')[1]}/DequantizeLinear",
                                          **attrs))
    keep = [t for t in g.initializer if t.name not in done]
    del g.initializer[:]
    g.initializer.extend(keep + new_inits)
    nodes = list(g.node)
    del g.node[:]
    g.node.extend(new_nodes + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, path)


def word_lengths(args, groups):
    if args.bits:
        with open(args.bits) as f:
            j = json.load(f)
        if "word_lengths" not in j or "bits" not in j["word_lengths"]:
            raise SystemExit(f"qat.py: {args.bits} has no word_lengths.bits (run mcugen analyze with --budget and --out)")
        return {k: int(v) for k, v in j["word_lengths"]["bits"].items()}
    return {l + "/" + t: args.uniform_bits for l, t in groups}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("float", help="train the float model, save it (.pt beside --out) and export float ONNX")
    f.add_argument("--arch", choices=sorted(ARCHS), required=True)
    f.add_argument("--hidden", type=int, default=None, help="hidden size (default: the example's)")
    q = sub.add_parser("qat", help="fine-tune with fake-quantized weights and export Q/DQ ONNX")
    q.add_argument("--model", required=True, help="the float model saved by the float step (.pt)")
    bits = q.add_mutually_exclusive_group(required=True)
    bits.add_argument("--bits", help="mcugen analyze's --out JSON (word_lengths.bits per weight group)")
    bits.add_argument("--uniform-bits", type=int, help="every weight group at this word length")
    q.add_argument("--quantizer", choices=["l2", "minmax", "balanced"], default="l2",
                   help="the step: least squared error (default), largest weight, or He et al.'s balanced")
    q.add_argument("--power-of-two", action="store_true",
                   help="steps that are powers of two (for mcugen --rescale pot, the default on cortex-m0; not balanced)")
    q.add_argument("--per-channel", action="store_true", help="one step per output channel of Linear / Conv (the output layer stays per tensor)")
    for p in (f, q):
        p.add_argument("--data", required=True, help="folder with train.npy, train_labels.npy, test.npy, labels.npy")
        p.add_argument("--out", required=True, help="the .onnx to write")
        p.add_argument("--epochs", type=int, default=None)
        p.add_argument("--lr", type=float, default=None)
        p.add_argument("--batch", type=int, default=32)
        p.add_argument("--train-samples", type=int, default=None, help="use only the first N training samples")
        p.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    x, y, xt, yt = load_data(args.data)
    if args.train_samples:
        x, y = x[:args.train_samples], y[:args.train_samples]
    say = lambda epoch, loss: print(f"  epoch {epoch + 1}: loss {loss:.4f}", flush=True)
    if args.cmd == "float":
        net = ARCHS[args.arch](**({"hidden": args.hidden} if args.hidden else {}))
        train(net, x, y, args.epochs or 15, args.lr or 0.01, args.batch, args.seed, log=say)
        acc = accuracy(net, xt, yt)
        torch.save({"arch": args.arch, "hidden": args.hidden, "state": net.state_dict()},
                   os.path.splitext(args.out)[0] + ".pt")
        export(net, xt, args.out)
        print(f"float {args.arch}: test top-1 {acc:.1f} % on {len(xt)} samples; wrote {args.out}")
        return
    ck = torch.load(args.model)
    net = ARCHS[ck["arch"]](**({"hidden": ck["hidden"]} if ck["hidden"] else {}))
    net.load_state_dict(ck["state"])
    groups = weight_groups(net)
    b = word_lengths(args, groups)
    global POWER_OF_TWO
    POWER_OF_TWO = args.power_of_two
    if POWER_OF_TWO and args.quantizer == "balanced":
        raise SystemExit("qat.py: --power-of-two takes the l2 or minmax step, not balanced")
    if args.quantizer == "balanced" and max(b.values()) > 7:
        raise SystemExit("qat.py: balanced quantization at 8 bits needs integers beyond int8: use 7 bits or fewer")
    fake = FakeQuant(net, b, args.quantizer, args.per_channel)
    with fake:
        direct = accuracy(net, xt, yt)
    train(net, x, y, args.epochs if args.epochs is not None else 5, args.lr or 0.001, args.batch, args.seed,
          fake=fake, log=say)
    grids = fake.integers()
    for group, m, p, _, _ in fake.targets:
        getattr(m, p).data.copy_(dequantize(grids[group][0], grids[group][1]))
    retrained = accuracy(net, xt, yt)
    export(net, xt, args.out)
    attach_dequantize(args.out, grids)
    weight_bits = sum(getattr(m, p).numel() * bb for _, m, p, bb, _ in fake.targets)
    values = sum(getattr(m, p).numel() for _, m, p, _, _ in fake.targets)
    print(f"word lengths: {', '.join(f'{g} {bb}' for g, _, _, bb, _ in fake.targets)} ({args.quantizer}"
          f"{', per channel' if args.per_channel else ''})")
    print(f"weights: {weight_bits} bits, {100 * weight_bits / (8 * values):.1f} % of int8, "
          f"{100 * weight_bits / (32 * values):.1f} % of float32")
    print(f"test top-1 ({len(xt)} samples, PyTorch, weights quantized): direct {direct:.1f} %, "
          f"retrained {retrained:.1f} % after {args.epochs if args.epochs is not None else 5} epochs; wrote {args.out}")
    with open(os.path.splitext(args.out)[0] + ".json", "w") as fj:
        json.dump({"groups": {g: {"bits": bb, "integers": grids[g][0].to(torch.int64).reshape(-1).tolist(),
                                  "step": torch.as_tensor(grids[g][1]).float().reshape(-1).tolist()}
                              for g, _, _, bb, _ in fake.targets},
                   "direct_top1": direct, "retrained_top1": retrained, "test_samples": len(xt)}, fj)


if __name__ == "__main__":
    sys.exit(main())
