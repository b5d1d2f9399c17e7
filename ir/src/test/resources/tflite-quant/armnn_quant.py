#!/usr/bin/python3
"""Arm NN CpuRef's outputs for the quantized fixtures in this folder (a TFLite reader that is not mcugen):
for every <fixture>/model.tflite, the integer samples of input.npy -> armnn.npy (the raw integers of the
output, or float32 for a model ending in DEQUANTIZE). Arm NN's reference backend computes several int8
ops through float (dequantize, compute, requantize), so it is an independent cross-check, not TFLite's
exact integers. Run with Debian's python3 (apt-get install python3-pyarmnn) after TfliteQuantFixtures
wrote the models."""
import pathlib
import sys

import numpy as np
import pyarmnn as ann

HERE = pathlib.Path(__file__).resolve().parent


def run(model: pathlib.Path, xs: np.ndarray) -> np.ndarray:
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(str(model))
    in_binding = parser.GetNetworkInputBindingInfo(0, parser.GetSubgraphInputTensorNames(0)[0])
    out_binding = parser.GetNetworkOutputBindingInfo(0, parser.GetSubgraphOutputTensorNames(0)[0])
    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _ = ann.Optimize(network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    net_id, _ = runtime.LoadNetwork(optimized)
    shape = tuple(in_binding[1].GetShape()[i] for i in range(in_binding[1].GetNumDimensions()))
    ys = []
    for x in xs:
        inputs = ann.make_input_tensors([in_binding], [x.reshape(shape)])
        outputs = ann.make_output_tensors([out_binding])
        runtime.EnqueueWorkload(net_id, inputs, outputs)
        y = ann.workload_tensors_to_ndarray(outputs)[0]
        ys.append(y.reshape(y.shape[1:]))
    return np.stack(ys)


def main():
    for model in sorted(HERE.glob("*/model.tflite")):
        xs = np.load(model.parent / "input.npy")
        try:
            ys = run(model, xs)
        except RuntimeError as e:  # Arm NN's parser lacks some int16 forms (e.g. int16 constants)
            print(model.parent.name, "not run by Arm NN:", str(e).splitlines()[0])
            continue
        np.save(model.parent / "armnn.npy", ys)
        print(model.parent.name, xs.shape, xs.dtype, "->", ys.shape, ys.dtype)


if __name__ == "__main__":
    sys.exit(main())
