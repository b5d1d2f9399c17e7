package dev.mcugen.cli;

import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The float model a quantized {@code .tflite} is compared with ({@code verify --float-model FILE}):
 * any model mcugen reads (the float {@code .tflite} the file was converted from, its Keras model ...),
 * run by the float interpreter on the same samples. Inputs and outputs pair up by position; each
 * must have the quantized file's shape.
 */
final class FloatReference {
    private final Path file;
    private final Graph graph;
    private final FloatInterpreter interpreter;
    private final List<String> quantInputs;

    private FloatReference(Path file, Graph graph, List<String> quantInputs) {
        this.file = file;
        this.graph = graph;
        this.interpreter = new FloatInterpreter(graph);
        this.quantInputs = quantInputs;
    }

    /** Loads {@code floatFile} and checks it against the quantized graph {@code g} of {@code quantFile}. */
    static FloatReference load(Path floatFile, Path quantFile, QGraph g) {
        Path f = ModelLoader.resolve(floatFile);
        if (CompilePipeline.loadQuantized(f).isPresent()) {
            throw new McugenException(Diag.MCG_VERIFY_FLOAT_MODEL, f.toString(), "is quantized itself; --float-model takes"
                    + " the float model " + quantFile.getFileName() + " was converted from");
        }
        Graph fg = CompilePipeline.load(f).graph();
        if (fg.inputs().size() != g.inputs().size() || fg.outputs().size() != g.outputs().size()) {
            throw new McugenException(Diag.MCG_VERIFY_FLOAT_MODEL, f.toString(), "has " + fg.inputs().size() + " input(s) and "
                    + fg.outputs().size() + " output(s); " + quantFile.getFileName() + " has " + g.inputs().size() + " and "
                    + g.outputs().size());
        }
        for (int k = 0; k < g.inputs().size(); k++) {
            Shape want = g.inputs().get(k).shape();
            Shape have = fg.inputs().get(k).shape();
            if (have.size() != want.size()) {
                throw new McugenException(Diag.MCG_VERIFY_FLOAT_MODEL, f.toString(), "input " + (k + 1) + " '"
                        + Text.clip(fg.inputs().get(k).name(), 60) + "' is " + have + "; the quantized file's is " + want);
            }
        }
        for (int k = 0; k < g.outputs().size(); k++) {
            String q = g.outputs().get(k);
            Shape want = g.nodes().stream().filter(x -> x.name().equals(q)).map(QNode::outputShape).findFirst().orElseThrow();
            Shape have = fg.shapes().get(fg.outputs().get(k));
            if (have == null || have.size() != want.size()) {
                throw new McugenException(Diag.MCG_VERIFY_FLOAT_MODEL, f.toString(), "output " + (k + 1) + " '"
                        + Text.clip(fg.outputs().get(k), 60) + "' is " + have + "; the quantized file's is " + want);
            }
        }
        return new FloatReference(f, fg, g.inputs().stream().map(i -> i.name()).toList());
    }

    Path file() {
        return file;
    }

    Graph graph() {
        return graph;
    }

    /** The float model's inputs from one sample's real values (keyed by the quantized file's input names). */
    Map<String, FloatTensor> inputs(Map<String, float[]> reals) {
        Map<String, FloatTensor> in = new LinkedHashMap<>();
        for (int k = 0; k < quantInputs.size(); k++) {
            GraphInput gi = graph.inputs().get(k);
            in.put(gi.name(), FloatTensor.of(gi.shape(), reals.get(quantInputs.get(k))));
        }
        return in;
    }

    /** The float model's outputs on one sample, in output order. */
    List<float[]> run(Map<String, float[]> reals) {
        Map<String, FloatTensor> y = interpreter.run(inputs(reals));
        List<float[]> out = new ArrayList<>();
        for (String o : graph.outputs()) {
            out.add(y.get(o).toArray());
        }
        return out;
    }
}
