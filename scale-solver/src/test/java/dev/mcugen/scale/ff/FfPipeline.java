package dev.mcugen.scale.ff;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.Calibrator;
import dev.mcugen.ir.quant.FeedForwardKernels;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.ContractResult;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import dev.mcugen.scale.Quantizer;
import dev.mcugen.scale.Solution;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Quantizes a feed-forward graph with the {@link Quantizer} and {@link FeedForwardRecipes} (after
 * {@link BatchNormFolding}) and runs the integer nodes with {@link FeedForwardKernels}, for tests.
 */
final class FfPipeline {
    final Graph graph;
    final QuantizedModel model;
    final Solution solution;
    final QGraph qgraph;

    FfPipeline(Graph original, CalibrationResult calibration, QuantOptions options) {
        this.graph = BatchNormFolding.fold(original);
        model = Quantizer.quantize(graph, calibration, options, FeedForwardRecipes::of);
        solution = model.solution();
        qgraph = model.graph();
    }

    /** The contracts the recipes declared. */
    List<Contract> contracts() {
        return solution.results().stream().map(ContractResult::contract).toList();
    }

    static FfPipeline calibrated(Graph g, FloatTensor calibrationBatch, QuantOptions options) {
        return new FfPipeline(g, new Calibrator(g).calibrate(calibrationBatch), options);
    }
    /** Every integer tensor of one run, by name. */
    Map<String, int[]> runAll(int[] input) {
        Map<String, int[]> values = new HashMap<>();
        values.put(qgraph.inputs().get(0).name(), input);
        for (QNode n : qgraph.nodes()) {
            List<int[]> args = new ArrayList<>();
            for (String i : n.inputs()) {
                args.add(values.get(i));
            }
            values.put(n.name(), FeedForwardKernels.run(n, args));
        }
        return values;
    }

    /** Quantizes one float sample, runs it, returns the single output dequantized. */
    double[] run(float[] sample) {
        QuantType tin = qgraph.inputs().get(0).type();
        int[] q = new int[sample.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = tin.quantize(sample[i]);
        }
        String out = qgraph.outputs().get(0);
        int[] y = runAll(q).get(out);
        QuantType tout = outputType(out);
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = tout.dequantize(y[i]);
        }
        return r;
    }

    QuantType outputType(String tensor) {
        return qgraph.nodes().stream().filter(n -> n.name().equals(tensor)).findFirst().orElseThrow().outputType();
    }

    QNode node(String name) {
        return qgraph.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
}
