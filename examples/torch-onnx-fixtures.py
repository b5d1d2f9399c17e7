#!/usr/bin/python3
"""Makes the PyTorch ONNX fixtures of ir/src/test/resources/onnx/: small seeded models exported with
torch.onnx.export at opset 13 and 17, their inputs and PyTorch's outputs as .npy (PyTorch's layout:
NCHW images, [N, T, F] sequences). Run with Debian's python3-torch from the repository root:

    /usr/bin/python3 examples/torch-onnx-fixtures.py [name ...]

(names: only those models, e.g. `layernorm embedding_gru`).

Deterministic: fixed seeds, CPU, eval mode; the .onnx files embed torch's version in producer_version.
"""
import os
import sys
import zlib

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ir", "src", "test", "resources", "onnx")
N = 5  # samples per fixture


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 4)

    def forward(self, x):
        return torch.softmax(self.fc2(nn.functional.relu6(self.fc1(x))), dim=1)


class Cnn(nn.Module):
    """Conv2d + ReLU + BatchNorm (after the ReLU, so the exporter cannot fold it into the Conv) + MaxPool, then x.view(x.size(0), -1): a shape sub-graph before the Gemm.
    conv2 (stride 2, padding 1) sees 5x5, where PyTorch's symmetric padding is TensorFlow's 'same'."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.pool = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(8, 6, 3, stride=2, padding=1)
        self.fc = nn.Linear(6 * 3 * 3, 5)

    def forward(self, x):
        x = self.pool(self.bn1(torch.relu(self.conv1(x))))
        x = torch.tanh(self.conv2(x))
        return self.fc(x.view(x.size(0), -1))


class Conv1dNet(nn.Module):
    """Input [N, T, F] as a sequence model takes it; x.transpose(1, 2) makes it Conv1d's [N, C, L]."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 8, 3, padding=1)
        self.conv2 = nn.Conv1d(8, 8, 3)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = torch.relu(self.conv(x.transpose(1, 2)))
        x = torch.sigmoid(self.conv2(x))
        return self.fc(x.mean(dim=2))


class LstmNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1, :])


class LstmSeqFirst(nn.Module):
    """A seq-first nn.LSTM (batch_first=False) inside a model taking [N, T, F]: x.transpose(0, 1), out[-1]."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        out, _ = self.lstm(x.transpose(0, 1))
        return torch.tanh(self.fc(out[-1]))


class GruNet(nn.Module):
    """PyTorch's GRU is ONNX linear_before_reset 1 (Keras reset_after); the final state h_n feeds the head."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 8, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        _, h = self.gru(x)
        return self.fc(h[-1])


class RnnNet(nn.Module):
    """Elman RNN returning its whole sequence (a returnSequences output), then a Linear per step."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 6, batch_first=True)
        self.fc = nn.Linear(6, 2)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.fc(out)


class GapNet(nn.Module):
    """Conv2d + avg_pool2d + AdaptiveAvgPool2d(1) + Flatten + Linear + Softmax."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 6, 3, padding=1)
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        # F.avg_pool2d exports a zero-width Pad before its AveragePool.
        x = self.gap(nn.functional.avg_pool2d(torch.relu(self.conv(x)), 2))
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=1)


class ResNet(nn.Module):
    """A residual block (Add of two computed tensors) and a channel concatenation (Concat on axis 1)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, padding=1)
        self.conv_a = nn.Conv2d(4, 4, 3, padding=1)
        self.conv_b = nn.Conv2d(4, 4, 3, padding=1)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        s = torch.relu(self.stem(x))
        r = torch.relu(self.conv_b(torch.relu(self.conv_a(s))) + s)
        x = torch.cat([r, s], dim=1)
        return self.head(nn.functional.adaptive_avg_pool2d(x, 1).flatten(1))


class HardSigmoidNet(nn.Module):
    """nn.Hardsigmoid is relu6(x + 3) / 6: ONNX HardSigmoid alpha 1/6, which mcugen's hard_sigmoid (0.2) is not."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        self.act = nn.Hardsigmoid()

    def forward(self, x):
        return self.act(self.fc(x))


class PadNet(nn.Module):
    """nn.ZeroPad2d with asymmetric amounts, then F.pad (constant 0) before a Conv: ONNX Pad nodes."""

    def __init__(self):
        super().__init__()
        self.pad = nn.ZeroPad2d((1, 2, 0, 3))
        self.conv1 = nn.Conv2d(3, 5, 3)
        self.conv2 = nn.Conv2d(5, 4, 2)

    def forward(self, x):
        x = torch.relu(self.conv1(self.pad(x)))
        return self.conv2(nn.functional.pad(x, (2, 1, 1, 0)))


class UpsampleNet(nn.Module):
    """nn.Upsample(scale_factor=2, nearest) and F.interpolate(scale_factor=(2, 3), nearest): ONNX Resize."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, padding=1)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.conv2 = nn.Conv2d(4, 3, 3)

    def forward(self, x):
        x = self.up(torch.tanh(self.conv1(x)))
        return self.conv2(nn.functional.interpolate(x, scale_factor=(2, 3), mode="nearest"))


class MeanNet(nn.Module):
    """x.mean(dim=(2, 3)) (ReduceMean keepdims 0) and amax over H, W with keepdim (ReduceMax keepdims 1)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3)
        self.fc = nn.Linear(12, 4)

    def forward(self, x):
        x = torch.relu(self.conv(x))
        m = x.mean(dim=(2, 3))
        k = torch.amax(x, dim=(2, 3), keepdim=True).flatten(1)
        return self.fc(torch.cat([m, k], dim=1))


class ConvTransposeNet(nn.Module):
    """ConvTranspose2d with stride 2, padding 1, output_padding 1, then one with stride 2 and no padding."""

    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1)
        self.up2 = nn.ConvTranspose2d(4, 2, 2, stride=2)

    def forward(self, x):
        return self.up2(torch.relu(self.up1(x)))


class StridedPadNet(nn.Module):
    """padding=1 with stride 2 on an even size (8x8), which TensorFlow's 'same' does not split that way:
    Conv, MaxPool (after a ReLU) and AvgPool (count_include_pad) with explicit pads."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, stride=2, padding=1)
        self.pool = nn.MaxPool2d(3, stride=2, padding=1)
        self.avg = nn.AvgPool2d(3, stride=2, padding=1)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        x = self.avg(self.pool(torch.relu(self.conv(x))))
        return self.fc(x.flatten(1))


class DepthwiseNet(nn.Module):
    """Depthwise convolutions (groups = in_channels): multiplier 2 with 'same' padding, then multiplier 1,
    stride 2, no padding ('valid'), as MobileNet's blocks; ONNX Conv with group = C and W [C*m, 1, kh, kw]."""

    def __init__(self):
        super().__init__()
        self.dw1 = nn.Conv2d(3, 6, 3, padding=1, groups=3)
        self.dw2 = nn.Conv2d(6, 6, 3, stride=2, groups=6)
        self.fc = nn.Linear(6 * 3 * 3, 4)

    def forward(self, x):
        x = torch.relu(self.dw1(x))
        x = self.dw2(x)
        return self.fc(x.reshape(x.size(0), -1))
class EltwiseNet(nn.Module):
    """Two conv branches of an NCHW image meet in Mul, Sub, Max and Min; a per-channel constant
    ([C, 1, 1], which the channels-last IR holds as one value per channel) is added, multiplied and
    divided by; torch.maximum with a scalar, then a Gemm head."""

    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(3, 6, 3, padding=1)
        self.b = nn.Conv2d(3, 6, 1)
        self.scale = nn.Parameter(torch.rand(6, 1, 1) + 0.5, requires_grad=False)
        self.shift = nn.Parameter(torch.randn(6, 1, 1) * 0.3, requires_grad=False)
        self.fc = nn.Linear(6 * 5 * 5, 4)

    def forward(self, x):
        a = torch.tanh(self.a(x))
        b = self.b(x)
        y = a * b - torch.maximum(a, b) + torch.minimum(a, b)
        y = (y + self.shift) * self.scale / 1.5
        y = torch.maximum(y, torch.tensor(-0.25))
        return self.fc(y.flatten(1))


class ActivationsMlp(nn.Module):
    """Linear layers each followed by one activation: LeakyReLU (negative slope), ELU (alpha 1, fused by
    mcugen), ELU (alpha 0.5, stand-alone), SiLU (exported as x * Sigmoid(x)), Hardswish, Hardsigmoid, and a
    PReLU with one learned slope per unit."""

    def __init__(self):
        super().__init__()
        self.fc = nn.ModuleList([nn.Linear(8, 12)] + [nn.Linear(12, 12) for _ in range(6)])
        self.acts = nn.ModuleList([nn.LeakyReLU(-0.125), nn.ELU(), nn.ELU(alpha=0.5), nn.SiLU(), nn.Hardswish(),
                                   nn.Hardsigmoid(), nn.PReLU(12)])
        with torch.no_grad():
            self.acts[6].weight.uniform_(-0.5, 0.8)

    def forward(self, x):
        for fc, act in zip(self.fc, self.acts):
            x = act(fc(x))
        return x


class PReluConv(nn.Module):
    """Conv2d -> PReLU(channels): the slope [C, 1, 1] broadcast over NCHW; then a shared-slope PReLU and SiLU."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.prelu = nn.PReLU(6)
        self.conv2 = nn.Conv2d(6, 4, 3)
        self.prelu2 = nn.PReLU()
        self.silu = nn.SiLU()
        with torch.no_grad():
            self.prelu.weight.uniform_(-0.5, 0.8)
            self.prelu2.weight.fill_(-0.2)

    def forward(self, x):
        return self.silu(self.prelu2(self.conv2(self.prelu(self.conv(x)))))


class BiLstmSeq(nn.Module):
    """Bidirectional nn.LSTM, batch_first, whole sequence [N, T, 2H] (forward then backward halves), Linear per step."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(12, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out)


class BiGruLast(nn.Module):
    """Bidirectional nn.GRU, batch_first; the head reads both final states: torch.cat((h_n[-2], h_n[-1]), 1)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 5, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(10, 3)

    def forward(self, x):
        _, h = self.gru(x)
        return self.fc(torch.cat((h[-2], h[-1]), dim=1))


class BiRnnSeq(nn.Module):
    """Bidirectional Elman nn.RNN, batch_first, whole sequence out."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 5, batch_first=True, bidirectional=True)

    def forward(self, x):
        out, _ = self.rnn(x)
        return torch.tanh(out)


class TimeDistributedLinear(nn.Module):
    """Keras' TimeDistributed(Dense) in PyTorch: nn.Linear on [N, T, F] applies to every step."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(5, 4)

    def forward(self, x):
        return torch.relu(self.fc(x))


class TimeDistributedConv(nn.Module):
    """Keras' TimeDistributed(Conv1D) in PyTorch without folding time into the batch: a Conv2d with a
    (1, k) kernel over [N, C, T, L] runs the same 1-D convolution on each of the T slices."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, (1, 3))

    def forward(self, x):
        return torch.relu(self.conv(x))


class LayerNormNet(nn.Module):
    """nn.LayerNorm over the features of [N, T, F], then a Linear per step: opset 17 writes one
    LayerNormalization, opset 13 the decomposed form (ReduceMean, Sub, Pow, ...), which mcugen refuses."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(12)
        self.fc = nn.Linear(12, 5)

    def forward(self, x):
        return self.fc(self.norm(x))


class EmbeddingGruNet(nn.Module):
    """nn.Embedding on int64 token ids [N, T] (a Gather of the table), nn.GRU, Linear + softmax on the last step."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(30, 6)
        self.gru = nn.GRU(6, 8, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        out, _ = self.gru(self.emb(x))
        return torch.softmax(self.fc(out[:, -1, :]), dim=1)


class TwoInputs(nn.Module):
    """Two inputs, two outputs: an NCHW image through Conv2d + ReLU + global average pooling, a feature
    vector through Linear + ReLU, concatenated; a class head (softmax) and a regression head."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.meta = nn.Linear(5, 4)
        self.cls = nn.Linear(10, 3)
        self.reg = nn.Linear(10, 2)

    def forward(self, image, meta):
        a = nn.functional.adaptive_avg_pool2d(torch.relu(self.conv(image)), 1).flatten(1)
        h = torch.cat([a, torch.relu(self.meta(meta))], dim=1)
        return torch.softmax(self.cls(h), dim=1), self.reg(h)


# name -> (class, input shapes, input names, output names): files <name>_x<k>.npy per input, <name>_y<k>.npy per output.
MULTI = {
    "two_inputs": (TwoInputs, [(3, 6, 6), (5,)], ["image", "meta"], ["cls", "reg"]),
}

MODELS = {
    "mlp": (Mlp, (8,)),
    "cnn": (Cnn, (3, 10, 10)),
    "conv1d": (Conv1dNet, (12, 4)),
    "lstm": (LstmNet, (10, 4)),
    "lstm_seqfirst": (LstmSeqFirst, (9, 4)),
    "gru": (GruNet, (10, 4)),
    "rnn": (RnnNet, (7, 4)),
    "gap": (GapNet, (2, 6, 6)),
    "resnet": (ResNet, (3, 7, 7)),
    "hardsigmoid": (HardSigmoidNet, (8,)),
    "pad": (PadNet, (3, 6, 7)),
    "upsample": (UpsampleNet, (2, 4, 3)),
    "mean": (MeanNet, (3, 6, 6)),
    "conv_transpose": (ConvTransposeNet, (3, 4, 5)),
    "strided_pad": (StridedPadNet, (3, 8, 8)),
    "depthwise": (DepthwiseNet, (3, 8, 8)),
    "eltwise": (EltwiseNet, (3, 5, 5)),
    "activations": (ActivationsMlp, (8,)),
    "prelu_conv": (PReluConv, (3, 7, 7)),
    "bilstm_seq": (BiLstmSeq, (7, 4)),
    "bigru_last": (BiGruLast, (8, 4)),
    "birnn_seq": (BiRnnSeq, (6, 4)),
    "td_linear": (TimeDistributedLinear, (6, 5)),
    "td_conv": (TimeDistributedConv, (3, 4, 9)),
    "layernorm": (LayerNormNet, (7, 12)),
    "embedding_gru": (EmbeddingGruNet, (7,)),
}
# Models whose input is token ids: int64, whole numbers in [0, rows), the first sample holding 0 and rows - 1.
TOKEN_ROWS = {"embedding_gru": 30}


def main(only=None):
    os.makedirs(OUT, exist_ok=True)
    for name, (cls, shape) in MODELS.items():
        if only and name not in only:
            continue
        # Seeded by name, so adding a model leaves the others' files alone.
        torch.manual_seed(zlib.crc32(name.encode()))
        model = cls().eval()
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                # Non-trivial running statistics, as a trained model has.
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.data.uniform_(0.5, 1.5)
                m.bias.data.uniform_(-0.2, 0.2)
        if name in TOKEN_ROWS:
            x = torch.randint(0, TOKEN_ROWS[name], (N,) + shape, dtype=torch.int64)
            x[0, 0] = 0
            x[0, 1] = TOKEN_ROWS[name] - 1
        else:
            x = torch.randn((N,) + shape, dtype=torch.float32) * (3.0 if name == "activations" else 1.0)
        with torch.no_grad():
            y = model(x)
        np.save(os.path.join(OUT, name + "_x.npy"), x.numpy() if name in TOKEN_ROWS else x.numpy().astype(np.float32))
        np.save(os.path.join(OUT, name + "_y.npy"), y.numpy().astype(np.float32))
        for opset in (13, 17):
            path = os.path.join(OUT, "%s_op%d.onnx" % (name, opset))
            # Opset 13 exports keep the batch axis open (dynamic_axes), opset 17 ones fix it at 1.
            dynamic = {"x": {0: "batch"}, "y": {0: "batch"}} if opset == 13 else None
            torch.onnx.export(model, x[:1], path, opset_version=opset, input_names=["x"], output_names=["y"],
                              dynamic_axes=dynamic, do_constant_folding=True)
        print(name, tuple(x.shape), "->", tuple(y.shape))
    for name, (cls, shapes, ins, outs) in MULTI.items():
        if only and name not in only:
            continue
        torch.manual_seed(zlib.crc32(name.encode()))
        model = cls().eval()
        xs = [torch.randn((N,) + shape, dtype=torch.float32) for shape in shapes]
        with torch.no_grad():
            ys = model(*xs)
        for k, x in enumerate(xs):
            np.save(os.path.join(OUT, "%s_x%d.npy" % (name, k)), x.numpy().astype(np.float32))
        for k, y in enumerate(ys):
            np.save(os.path.join(OUT, "%s_y%d.npy" % (name, k)), y.numpy().astype(np.float32))
        for opset in (13, 17):
            path = os.path.join(OUT, "%s_op%d.onnx" % (name, opset))
            dynamic = {n: {0: "batch"} for n in ins + outs} if opset == 13 else None
            torch.onnx.export(model, tuple(x[:1] for x in xs), path, opset_version=opset, input_names=ins,
                              output_names=outs, dynamic_axes=dynamic, do_constant_folding=True)
        print(name, [tuple(x.shape) for x in xs], "->", [tuple(y.shape) for y in ys])


if __name__ == "__main__":
    # Optional model names: make only those fixtures (e.g. `depthwise`).
    main(sys.argv[1:])
