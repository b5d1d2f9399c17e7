#!/usr/bin/python3
"""Arm NN's outputs (a TFLite reader that is not mcugen) for the float-I/O quantized fixture beside this
script: 8 seeded random float32 inputs -> input.npy, Arm NN CpuRef's float32 outputs of model.tflite ->
expected_armnn.npy. Arm NN requantizes through float, so it may differ from TFLite's integer kernels by
one output step. Run with Debian's python3 (apt-get install python3-pyarmnn) after TfliteFloatIoFixture
wrote the models."""
import pathlib
import sys

import numpy as np
import pyarmnn as ann

HERE = pathlib.Path(__file__).resolve().parent


def main():
    parser = ann.ITfLiteParser()
    network = parser.CreateNetworkFromBinaryFile(str(HERE / "model.tflite"))
    in_binding = parser.GetNetworkInputBindingInfo(0, parser.GetSubgraphInputTensorNames(0)[0])
    out_binding = parser.GetNetworkOutputBindingInfo(0, parser.GetSubgraphOutputTensorNames(0)[0])
    runtime = ann.IRuntime(ann.CreationOptions())
    optimized, _ = ann.Optimize(network, [ann.BackendId("CpuRef")], runtime.GetDeviceSpec(), ann.OptimizerOptions())
    net_id, _ = runtime.LoadNetwork(optimized)
    rng = np.random.default_rng(14)
    xs = rng.normal(0.0, 1.5, size=(8, 8)).astype(np.float32)
    ys = []
    for x in xs:
        inputs = ann.make_input_tensors([in_binding], [x.reshape(1, 8)])
        outputs = ann.make_output_tensors([out_binding])
        runtime.EnqueueWorkload(net_id, inputs, outputs)
        ys.append(ann.workload_tensors_to_ndarray(outputs)[0].reshape(3).astype(np.float32))
    np.save(HERE / "input.npy", xs)
    np.save(HERE / "expected_armnn.npy", np.stack(ys))
    print(xs.shape, "->", np.stack(ys).shape)


if __name__ == "__main__":
    sys.exit(main())
