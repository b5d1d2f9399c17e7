#!/usr/bin/python3
"""Expected outputs of the TFLite fixtures in this folder, computed by Arm NN (a TFLite reader that is
not mcugen): for every <fixture>/model.tflite, 8 seeded random inputs -> input.npy, Arm NN CpuRef's
outputs -> expected.npy. Run with Debian's python3 (apt-get install python3-pyarmnn) after
TfliteFixtures wrote the models."""
import pathlib
import sys

import numpy as np
import pyarmnn as ann

HERE = pathlib.Path(__file__).resolve().parent


def run(model: pathlib.Path, seed: int):
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(str(model))
    graph = 0
    in_name = parser.GetSubgraphInputTensorNames(graph)[0]
    out_name = parser.GetSubgraphOutputTensorNames(graph)[0]
    in_binding = parser.GetNetworkInputBindingInfo(graph, in_name)
    out_binding = parser.GetNetworkOutputBindingInfo(graph, out_name)
    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _ = ann.Optimize(network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    net_id, _ = runtime.LoadNetwork(optimized)
    shape = tuple(in_binding[1].GetShape()[i] for i in range(in_binding[1].GetNumDimensions()))
    rng = np.random.default_rng(seed)
    xs = rng.normal(0.0, 1.0, size=(8,) + shape[1:]).astype(np.float32)
    ys = []
    for x in xs:
        inputs = ann.make_input_tensors([in_binding], [x.reshape(shape)])
        outputs = ann.make_output_tensors([out_binding])
        runtime.EnqueueWorkload(net_id, inputs, outputs)
        y = ann.workload_tensors_to_ndarray(outputs)[0]
        ys.append(y.reshape(y.shape[1:]).astype(np.float32))
    return xs, np.stack(ys)


def main():
    for i, model in enumerate(sorted(HERE.glob("*/model.tflite"))):
        xs, ys = run(model, 1000 + i)
        np.save(model.parent / "input.npy", xs)
        np.save(model.parent / "expected.npy", ys)
        print(model.parent.name, xs.shape, "->", ys.shape, "max|y|", float(np.abs(ys).max()))


if __name__ == "__main__":
    sys.exit(main())
