package dev.mcugen.ir.onnx;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import java.nio.file.Path;
import java.util.List;

/**
 * Imports ONNX models as {@code torch.onnx.export} writes them (default-domain opset 11 to 18): the
 * protobuf is read by {@link OnnxProto}, tensors by {@link OnnxTensors}, and {@link OnnxGraphConverter}
 * turns the graph into the IR, converting PyTorch's channels-first tensors to the IR's channels-last
 * layout and folding shape arithmetic. The model's inputs and outputs keep PyTorch's layout for the
 * user's data: {@link ImportedModel#sourceLayout()} gives the permutation for each that differs.
 *
 * <p>Every failure is a {@link McugenException} whose subject is the model file.
 */
public final class OnnxImporter {
    /** Operation types imported into IR nodes (or folded into their neighbours), for the docs. */
    public static final List<String> SUPPORTED = List.of("Add", "AveragePool", "BatchNormalization", "Clip",
            "Concat", "Conv", "ConvTranspose", "DequantizeLinear", "Div", "Dropout", "Elu", "Flatten", "GRU", "Gather", "Gemm",
            "GlobalAveragePool", "GlobalMaxPool", "HardSigmoid", "HardSwish", "Identity", "LSTM", "LayerNormalization",
            "LeakyRelu", "MatMul", "Max", "MaxPool", "Mean", "Min", "Mul", "PRelu", "Pad", "QuantizeLinear", "RNN", "ReduceMax", "ReduceMean",
            "Relu", "Reshape", "Resize", "Sigmoid", "Softmax", "Squeeze", "Sub", "Tanh", "Transpose", "Unsqueeze", "Upsample");

    /**
     * Operation types evaluated at import when their inputs are constants (PyTorch's shape
     * sub-graphs); {@code Gather} and {@code Slice} on a recurrent layer's output sequence also take
     * its last step, and {@code Pad} of zero width on a computed tensor (PyTorch's {@code avg_pool2d}
     * writes one) is dropped.
     */
    public static final List<String> CONSTANT_FOLDED = List.of("Cast", "Concat", "Constant", "ConstantOfShape",
            "Div", "Expand", "Gather", "Mul", "Reshape", "Shape", "Slice", "Squeeze", "Sub", "Transpose", "Unsqueeze", "Add",
            "Identity", "Flatten", "Pad");

    /** Default-domain opsets read. */
    public static final int MIN_OPSET = 11;
    public static final int MAX_OPSET = 18;

    private OnnxImporter() {
    }

    public static ImportedModel load(Path file) {
        return load(file, java.util.Map.of());
    }

    /** {@link #load} with graph inputs bound to constants (conformance tests that pass weights as inputs). */
    static ImportedModel load(Path file, java.util.Map<String, OnnxTensors.Data> bound) {
        String where = file.toString();
        // The whole file is read once (a regular file, within the read cap and the heap): all later
        // sizes are checked against it.
        byte[] bytes = dev.mcugen.ir.InputFiles.readAll(file);
        OnnxProto.Model model = OnnxProto.parseModel(where, bytes);
        Path dir = file.toAbsolutePath().getParent();
        return OnnxGraphConverter.convert(where, bytes.length, dir, model, bound);
    }
}
