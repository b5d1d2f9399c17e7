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
import dev.mcugen.ir.tflite.TfliteDequantized;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The float model a quantized {@code .tflite} is compared with: the one given with
 * {@code verify --float-model FILE} (any model mcugen reads: the float {@code .tflite} the file was
 * converted from, its Keras model ...), else the file itself dequantized; run by the float interpreter
 * on the same samples. Inputs and outputs pair up by position; each
 * must have the quantized file's shape.
 */
final class FloatReference {
    private final Path file;
    private final Graph graph;
    private final FloatInterpreter interpreter;
    private final List<String> quantInputs;
    private final boolean dequantized;

    private FloatReference(Path file, Graph graph, List<String> quantInputs, boolean dequantized) {
        this.file = file;
        this.graph = graph;
        this.interpreter = new FloatInterpreter(graph);
        this.quantInputs = quantInputs;
        this.dequantized = dequantized;
    }

    /**
     * The quantized file itself as a float model: its weights and biases dequantized, run in float32
     * ({@link TfliteDequantized}); empty when the float importer cannot map one of its ops (then
     * there is no float reference without {@code --float-model}).
     */
    static java.util.Optional<FloatReference> dequantized(Path quantFile, QGraph g) {
        Graph fg;
        try {
            fg = TfliteDequantized.load(quantFile).graph();
        } catch (McugenException e) {
            return java.util.Optional.empty();
        }
        check(fg, quantFile, quantFile, g);
        return java.util.Optional.of(new FloatReference(quantFile, fg, g.inputs().stream().map(i -> i.name()).toList(), true));
    }

    /** Whether this is the quantized file itself, dequantized (not a float model of its own). */
    boolean isDequantized() {
        return dequantized;
    }

    /** What report.json's {@code float_reference} and the terminal say the reference is. */
    String describe() {
        return dequantized ? file + " dequantized (its own weights and biases as real numbers, run in float32; verify"
                + " --float-model FILE compares with the float model it was converted from)" : file.toString();
    }

    /** Loads {@code floatFile} and checks it against the quantized graph {@code g} of {@code quantFile}. */
    static FloatReference load(Path floatFile, Path quantFile, QGraph g) {
        Path f = ModelLoader.resolve(floatFile);
        if (CompilePipeline.loadQuantized(f).isPresent()) {
            throw new McugenException(Diag.MCG_VERIFY_FLOAT_MODEL, f.toString(), "is quantized itself; --float-model takes"
                    + " the float model " + quantFile.getFileName() + " was converted from");
        }
        Graph fg = CompilePipeline.load(f).graph();
        check(fg, f, quantFile, g);
        return new FloatReference(f, fg, g.inputs().stream().map(i -> i.name()).toList(), false);
    }

    /** Refuses a float model {@code fg} (read from {@code f}) whose inputs or outputs do not fit {@code g}'s. */
    private static void check(Graph fg, Path f, Path quantFile, QGraph g) {
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
