package dev.mcugen.scale;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.calib.TensorRange;
import dev.mcugen.ir.fixed.FixedPoint;
import dev.mcugen.ir.quant.QFeedForward;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tiny test-scope recipes (Dense with linear/ReLU, Add in the equal-scale form) and an integer
 * interpreter for their ops, so that the quantizer driver, the solver and the report can be
 * exercised end to end without the feed-forward branch's recipes.
 */
final class TestRecipes {
    private TestRecipes() {
    }

    /** Dense, Add; null for everything else. */
    static Recipe of(Op op) {
        if (op instanceof Op.Dense) {
            return new DenseRecipe();
        }
        if (op instanceof Op.Add) {
            return new AddRecipe();
        }
        return null;
    }

    /** Declares the output of {@code node}: int8 asymmetric or int16 symmetric over its calibrated range. */
    static void declareOutput(Node node, RecipeContext ctx) {
        TensorRange r = ctx.range(node.name());
        boolean int16 = ctx.options().precision() == QuantOptions.Precision.INT16;
        ctx.system().tensor(new TensorSpec(node.name(), int16 ? 16 : 8,
                int16 ? TensorSpec.Symmetry.SYMMETRIC : TensorSpec.Symmetry.ASYMMETRIC, r.min(), r.max()));
        ctx.system().add(new Contract.Coverage(node.name(), r.min(), r.max()));
    }

    static double min(FloatTensor t) {
        double m = Double.POSITIVE_INFINITY;
        for (float v : t.toArray()) {
            m = Math.min(m, v);
        }
        return m;
    }

    static double max(FloatTensor t) {
        double m = Double.NEGATIVE_INFINITY;
        for (float v : t.toArray()) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** y = clamp(zp_y + rescale(bias' + Σ w x)), zero point of x folded into bias'. */
    record TQDense(String name, List<String> inputs, Shape outputShape, QuantType outputType, int[] weights,
                   long[] bias, int units, EffectiveScale scale, int lo, int hi) implements QFeedForward {
    }

    /** y = clamp(zp + Σ (x_i - zp)) with one shared type. */
    record TQAdd(String name, List<String> inputs, Shape outputShape, QuantType outputType) implements QFeedForward {
    }

    static final class DenseRecipe implements Recipe {
        @Override
        public void declare(Node node, RecipeContext ctx) {
            String x = node.inputs().get(0);
            FloatTensor k = node.weight("kernel");
            FloatTensor b = node.weight("bias");
            ctx.system().tensor(new TensorSpec(node.name() + "/kernel", 8, TensorSpec.Symmetry.SYMMETRIC, min(k), max(k)));
            ctx.system().tensor(new TensorSpec(node.name() + "/bias", 32, TensorSpec.Symmetry.SYMMETRIC, min(b), max(b)));
            ctx.system().add(new Contract.Product(node.name() + "/bias", node.name() + "/kernel", x));
            declareOutput(node, ctx);
            if (((Op.Dense) node.op()).activation() == Activation.RELU) {
                ctx.system().add(new Contract.ExactZero(node.name()));
            }
        }

        @Override
        public List<QNode> lower(Node node, LoweringContext ctx) {
            Solution s = ctx.solution();
            String x = node.inputs().get(0);
            QuantType tx = s.type(x);
            QuantType tw = s.type(node.name() + "/kernel");
            QuantType tb = s.type(node.name() + "/bias");
            QuantType ty = s.type(node.name());
            int units = ((Op.Dense) node.op()).units();
            float[] k = node.weight("kernel").toArray();
            float[] b = node.weight("bias").toArray();
            int[] wq = new int[k.length];
            for (int i = 0; i < k.length; i++) {
                wq[i] = tw.quantize(k[i]);
            }
            long[] bq = new long[units];
            for (int o = 0; o < units; o++) {
                long sum = 0;
                for (int i = o; i < wq.length; i += units) {
                    sum += wq[i];
                }
                bq[o] = tb.quantize(b[o]) - (long) tx.zeroPoint() * sum;
            }
            EffectiveScale eff = ctx.rescale(node.name(), "output", tx.scale() * tw.scale() / ty.scale());
            ctx.bound(OverflowProof.matmul(node.name(), "matmul", wq, units, bq,
                    OverflowProof.maxAbsInput(tx, true), OverflowProof.INT32_LIMIT, "saturates"));
            boolean relu = ((Op.Dense) node.op()).activation() == Activation.RELU;
            int lo = relu ? Math.max(ty.qmin(), ty.zeroPoint()) : ty.qmin();
            return List.of(new TQDense(node.name(), node.inputs(), node.outputShape(), ty, wq, bq, units, eff, lo, ty.qmax()));
        }
    }

    static class AddRecipe implements Recipe {
        @Override
        public void declare(Node node, RecipeContext ctx) {
            declareOutput(node, ctx);
            List<String> all = new ArrayList<>(node.inputs());
            all.add(node.name());
            ctx.system().add(new Contract.EqualScale(all));
        }

        @Override
        public List<QNode> lower(Node node, LoweringContext ctx) {
            return List.of(new TQAdd(node.name(), node.inputs(), node.outputShape(), ctx.solution().type(node.name())));
        }
    }

    /** Runs the test ops on integer inputs; returns every tensor. */
    static Map<String, int[]> run(dev.mcugen.ir.quant.QGraph g, Map<String, int[]> inputs) {
        Map<String, int[]> t = new HashMap<>(inputs);
        for (QNode n : g.nodes()) {
            if (n instanceof TQDense d) {
                int[] x = t.get(d.inputs().get(0));
                int[] y = new int[d.units()];
                for (int o = 0; o < d.units(); o++) {
                    long acc = d.bias()[o];
                    for (int i = 0; i < x.length; i++) {
                        acc += (long) d.weights()[i * d.units() + o] * x[i];
                    }
                    int r = d.scale().apply((int) acc) + d.outputType().zeroPoint();
                    y[o] = FixedPoint.clamp(r, d.lo(), d.hi());
                }
                t.put(d.name(), y);
            } else if (n instanceof TQAdd a) {
                QuantType ty = a.outputType();
                int[] y = new int[t.get(a.inputs().get(0)).length];
                for (int j = 0; j < y.length; j++) {
                    long sum = ty.zeroPoint();
                    for (String in : a.inputs()) {
                        sum += t.get(in)[j] - ty.zeroPoint();
                    }
                    y[j] = (int) Math.max(ty.qmin(), Math.min(ty.qmax(), sum));
                }
                t.put(a.name(), y);
            } else {
                throw new IllegalStateException("not a test op: " + n);
            }
        }
        return t;
    }
}
