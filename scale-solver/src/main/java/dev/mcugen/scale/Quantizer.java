package dev.mcugen.scale;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.TokenIds;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.calib.CalibrationResult;
import dev.mcugen.ir.calib.TensorRange;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The quantizer driver (DESIGN §5, seed 001 steps 1–2): declare, solve, lower.
 *
 * <ol>
 *   <li>Each model input is declared with its calibrated range and a {@link Contract.Coverage}:
 *       int8 asymmetric, or int16 symmetric under {@code --precision int16} (DESIGN §3).</li>
 *   <li>Each node, in graph order, gets its {@link Recipe} from the registry ({@link Recipes#of} by
 *       default) and declares its tensors and contracts.</li>
 *   <li>{@link HeuristicSolver#solve} fixes every type.</li>
 *   <li>Each node is lowered to integer ops; recipes record accumulator bounds and effective scales
 *       in the {@link LoweringContext}.</li>
 * </ol>
 * The result is checked to be wired (every integer op reads model inputs or earlier ops, names are
 * unique, the outputs exist); a recipe failing with anything but a {@link McugenException} is
 * reported as {@link Diag#MCG_INTERNAL} naming the layer.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** Quantizes {@code graph} with the standard recipes ({@link Recipes#of}). */
    public static QuantizedModel quantize(Graph graph, CalibrationResult calibration, QuantOptions options) {
        return quantize(graph, calibration, options, Recipes::of);
    }

    /** Quantizes {@code graph} with the recipes {@code recipes} gives for each op (null: unsupported). */
    public static QuantizedModel quantize(Graph graph, CalibrationResult calibration, QuantOptions options,
                                          Function<Op, Recipe> recipes) {
        return quantize(graph, calibration, options, recipes, null);
    }

    /**
     * {@link #quantize(Graph, CalibrationResult, QuantOptions, Function)} with the calibration data
     * replayed through the integer layers as they are lowered ({@link LayerReplay}, for the
     * {@code sequential} weight rounding); {@code replay} may be null.
     */
    public static QuantizedModel quantize(Graph graph, CalibrationResult calibration, QuantOptions options,
                                          Function<Op, Recipe> recipes, LayerReplay replay) {
        ContractSystem system = new ContractSystem();
        RecipeContext declaring = new RecipeContext(graph, calibration, options, system);
        for (GraphInput in : graph.inputs()) {
            declareInput(in, declaring);
        }
        List<Recipe> chosen = new ArrayList<>();
        for (Node node : graph.nodes()) {
            Recipe r = recipe(recipes, node);
            chosen.add(r);
            guarded(node, () -> r.declare(node, declaring));
        }

        Solution solution;
        try {
            solution = HeuristicSolver.solve(system, options);
        } catch (dev.mcugen.ir.fixed.ScaleRangeException e) {
            throw rangeRejection("model '" + graph.name() + "'", e);
        }

        LoweringContext lowering = new LoweringContext(graph, solution, options, calibration, replay);
        List<QInput> inputs = graph.inputs().stream()
                .map(in -> new QInput(in.name(), in.shape(), in.isTokenIds() ? tokenType(graph, in)
                        : solution.type(in.name())))
                .toList();
        if (replay != null) {
            replay.start(inputs);
        }
        List<QNode> qnodes = new ArrayList<>();
        for (int i = 0; i < graph.nodes().size(); i++) {
            Node node = graph.nodes().get(i);
            Recipe r = chosen.get(i);
            guarded(node, () -> {
                List<QNode> lowered = r.lower(node, lowering);
                qnodes.addAll(lowered);
                if (replay != null) {
                    replay.lowered(node, lowered);
                }
            });
        }
        QGraph qgraph = new QGraph(graph.name(), inputs, qnodes, graph.outputs());
        checkWired(qgraph);
        return new QuantizedModel(qgraph, solution, lowering.bounds(), lowering.rescales(), system.tensors(), options);
    }

    /**
     * A token-id input: int32 with scale 1 and zero point 0 on {@code [0, input_dim - 1]}, the ids as
     * they are (the C API takes {@code int32_t} ids).
     */
    static QuantType tokenType(Graph graph, GraphInput in) {
        int limit = TokenIds.limit(graph, in.name()).orElseThrow();
        if (limit < 2) {
            throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, "input '" + in.name() + "'", "holds token ids of an"
                    + " embedding with input_dim " + limit + "; a one-row table is a constant, mcugen needs input_dim >= 2");
        }
        return new QuantType(32, 0, limit - 1, 1.0, 0);
    }

    /**
     * int8 asymmetric (int16 symmetric under {@code --precision int16}) over the calibrated range; a
     * token-id input is int32 Q31.0 (FixedFormat: scale 1, zero point 0).
     */
    static void declareInput(GraphInput in, RecipeContext ctx) {
        if (in.isTokenIds()) {
            int limit = TokenIds.limit(ctx.graph(), in.name()).orElseThrow();
            ctx.system().tensor(new TensorSpec(in.name(), 32, TensorSpec.Symmetry.SYMMETRIC, 0, limit - 1));
            ctx.system().add(new Contract.FixedFormat(in.name(), 32, 0));
            return;
        }
        TensorRange r = ctx.calibration().find(in.name()).orElseThrow(() -> new McugenException(
                Diag.MCG_INTERNAL, "input '" + in.name() + "'", "has no calibrated range"));
        boolean int16 = ctx.options().precision() == QuantOptions.Precision.INT16;
        ctx.system().tensor(new TensorSpec(in.name(), int16 ? 16 : 8,
                int16 ? TensorSpec.Symmetry.SYMMETRIC : TensorSpec.Symmetry.ASYMMETRIC, r.min(), r.max()));
        ctx.system().add(new Contract.Coverage(in.name(), r.min(), r.max()));
    }

    /** The node's recipe; a registry's null or {@link IllegalArgumentException} means the op is not supported. */
    private static Recipe recipe(Function<Op, Recipe> recipes, Node node) {
        Recipe r;
        try {
            r = recipes.apply(node.op());
        } catch (IllegalArgumentException e) {
            r = null;
        }
        if (r == null) {
            throw new McugenException(Diag.MCG_QUANT_UNSUPPORTED, layer(node),
                    "cannot be quantized yet: mcugen has no integer recipe for " + node.op().kind());
        }
        return r;
    }

    private static void guarded(Node node, Runnable step) {
        try {
            step.run();
        } catch (McugenException e) {
            throw e;
        } catch (dev.mcugen.ir.fixed.ScaleRangeException e) {
            throw rangeRejection(layer(node), e);
        } catch (RuntimeException e) {
            throw new McugenException(Diag.MCG_INTERNAL, layer(node), "quantization failed: " + e.getMessage(), e);
        }
    }

    private static void checkWired(QGraph g) {
        Set<String> seen = new HashSet<>();
        g.inputs().forEach(in -> seen.add(in.name()));
        for (QNode n : g.nodes()) {
            for (String src : n.inputs()) {
                if (!seen.contains(src)) {
                    throw new McugenException(Diag.MCG_INTERNAL, "integer op '" + n.name() + "'",
                            "reads '" + src + "', which no earlier integer op produces");
                }
            }
            if (!seen.add(n.name())) {
                throw new McugenException(Diag.MCG_INTERNAL, "integer op '" + n.name() + "'", "name used twice");
            }
        }
        for (String out : g.outputs()) {
            if (!seen.contains(out)) {
                throw new McugenException(Diag.MCG_INTERNAL, "output '" + out + "'", "no integer op produces it");
            }
        }
    }

    /** A scale no integer can hold: the calibrated ranges, not mcugen, are off (data scaled by 1e-30, an outlier). */
    static McugenException rangeRejection(String subject, RuntimeException e) {
        return new McugenException(Diag.MCG_QUANT_RANGE, subject, e.getMessage() + ": the calibrated ranges are far"
                + " from the weights' scale; calibrate with data of the model's real scale (not rescaled, no extreme"
                + " outliers; see --calibration-method)", e);
    }

    private static String layer(Node node) {
        return "layer '" + node.name() + "' (" + node.op().kind() + ")";
    }
}
