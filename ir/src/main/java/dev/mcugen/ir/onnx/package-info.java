/**
 * ONNX import ({@link dev.mcugen.ir.onnx.OnnxImporter}): a reader over protobuf-java's wire format for the
 * messages of {@code onnx.proto} ({@code OnnxProto}; the schema itself is not in the project), tensor
 * values with bounded external data ({@code OnnxTensors}), constant folding of PyTorch's shape
 * arithmetic ({@code ConstantFolder}) and the graph conversion ({@code OnnxGraphConverter}).
 *
 * <p>Layout: ONNX tensors from PyTorch are channels first (NCHW, NCL); the IR is channels last. The
 * converter keeps, per ONNX value, which IR axis holds each ONNX axis, so Transpose / Squeeze /
 * Unsqueeze / size-1 Reshapes cost nothing, Conv / pooling / BatchNormalization / Softmax check that the
 * axes they work on sit where the IR op expects them, and a Flatten of an NCHW tensor before a Gemm
 * permutes the Gemm's weight rows. A model input's IR layout is chosen by trying (as stored, then
 * channels last); {@link dev.mcugen.ir.ImportedModel#sourceLayout()} tells the boundary how to convert
 * the user's data.
 */
package dev.mcugen.ir.onnx;
