package dev.mcugen.scale.ff;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QRequant;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.RecipeContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The ops that move integers without arithmetic (pooling, reshape, concatenation, stand-alone
 * ReLU): they declare {@code EqualScale(x, layer)} with {@code layer} like {@code x}, so the solver
 * gives both one type and the op works on raw integers. Should the solver not manage (a fixed
 * format elsewhere in the group), the op runs in the input's type into {@code layer/raw} and a
 * {@link QRequant} maps that to the output's type: still correct, one rounding more.
 */
final class EqualScale {
    static final String RAW = "/raw";

    private EqualScale() {
    }

    /** Declares {@code layer} like {@code x} and {@code EqualScale(x, layer)}. */
    static void declare(RecipeContext ctx, String x, String layer) {
        Specs.like(ctx, layer, Specs.input(ctx, x));
        ctx.system().add(new Contract.EqualScale(List.of(x, layer)));
    }

    /**
     * {@code op} applied with output type {@code tin} and the given name: named {@code layer} when
     * {@code tout} equals {@code tin}, else followed by the requantization to {@code tout}.
     */
    static List<QNode> finish(LoweringContext ctx, String layer, Shape shape, QuantType tin, QuantType tout,
                              Function<String, QNode> op) {
        List<QNode> nodes = new ArrayList<>();
        if (tin.equals(tout)) {
            nodes.add(op.apply(layer));
            return nodes;
        }
        String raw = layer + RAW;
        nodes.add(op.apply(raw));
        nodes.add(new QRequant(layer, raw, shape, tout, tin.zeroPoint(), 1,
                Rescales.of(ctx, layer, "output", tin.scale() / tout.scale()), 0, tout.qmin(), tout.qmax()));
        return nodes;
    }
}
