package dev.mcugen.ir;

import java.util.List;
import java.util.Map;

/**
 * A model as an importer read it: the IR {@link Graph} (channels last, Keras kernel layouts), the
 * format it came from, the source operations behind each IR node (for {@code mcugen inspect}), and
 * the axis orders of the model's inputs and outputs as the source framework holds them.
 *
 * @param graph        the imported graph
 * @param format       the format of the file
 * @param sourceOps    per node name, the source framework's operation(s) it came from, e.g. {@code "Conv2D"}
 *                     (Keras), {@code "CONV_2D"} (TFLite), {@code "Conv+Relu"} (ONNX); nodes without an
 *                     entry have no single source op
 * @param sourceLayout per graph input or output name whose data the source framework lays out in
 *                     another axis order than the IR (an ONNX model from PyTorch takes NCHW, the IR
 *                     is channels last): the permutation {@code perm} (batch axis excluded) with
 *                     {@code ir = numpy.transpose(source, perm)}; tensors without an entry are laid out
 *                     alike
 * @param grids        the weight grids and activation ranges the file states (quantization-aware training),
 *                     which quantization keeps; {@link LearnedGrids#NONE} for most files
 */
public record ImportedModel(Graph graph, ModelLoader.Format format, Map<String, String> sourceOps,
                            Map<String, List<Integer>> sourceLayout, LearnedGrids grids) {
    public ImportedModel {
        sourceOps = Map.copyOf(sourceOps);
        sourceLayout = Map.copyOf(sourceLayout);
        java.util.Objects.requireNonNull(grids, "grids");
    }

    /** A model whose file states no learned grids. */
    public ImportedModel(Graph graph, ModelLoader.Format format, Map<String, String> sourceOps,
                         Map<String, List<Integer>> sourceLayout) {
        this(graph, format, sourceOps, sourceLayout, LearnedGrids.NONE);
    }

    /** A model whose data the source framework lays out as the IR does. */
    public static ImportedModel of(Graph graph, ModelLoader.Format format, Map<String, String> sourceOps) {
        return new ImportedModel(graph, format, sourceOps, Map.of());
    }
}
