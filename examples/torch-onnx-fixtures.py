#!/usr/bin/python3
"""Makes the PyTorch ONNX fixtures of ir/src/test/resources/onnx/: small seeded models exported with
torch.onnx.export at opset 13 and 17, their inputs and PyTorch's outputs as .npy (PyTorch's layout:
NCHW images, [N, T, F] sequences). Run with Debian's python3-torch from the repository root:

    /usr/bin/python3 examples/torch-onnx-fixtures.py

Deterministic: fixed seeds, CPU, eval mode; the .onnx files embed torch's version in producer_version.
"""
import os
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
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (cls, shape) in MODELS.items():
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
        x = torch.randn((N,) + shape, dtype=torch.float32)
        with torch.no_grad():
            y = model(x)
        np.save(os.path.join(OUT, name + "_x.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(OUT, name + "_y.npy"), y.numpy().astype(np.float32))
        for opset in (13, 17):
            path = os.path.join(OUT, "%s_op%d.onnx" % (name, opset))
            # Opset 13 exports keep the batch axis open (dynamic_axes), opset 17 ones fix it at 1.
            dynamic = {"x": {0: "batch"}, "y": {0: "batch"}} if opset == 13 else None
            torch.onnx.export(model, x[:1], path, opset_version=opset, input_names=["x"], output_names=["y"],
                              dynamic_axes=dynamic, do_constant_folding=True)
        print(name, tuple(x.shape), "->", tuple(y.shape))
    for name, (cls, shapes, ins, outs) in MULTI.items():
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
    main()
