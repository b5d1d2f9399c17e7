package dev.mcugen.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * Size and work of a model, per layer: parameters (weight values, as Keras counts them) and MACs
 * (multiply-accumulates of one inference).
 *
 * <p>MACs count every product with a weight: dense and convolution kernels, recurrent input and
 * recurrent kernels at every step, LSTM peephole, layer-norm and projection products, and the one
 * scale multiply per element of batch normalization. Activations, pooling, additions and the
 * element-wise products between activations inside recurrent cells are not MACs. For an LSTM this
 * gives {@code T · (F + P) · 4U} (+ variants), the figure CMSIS-NN and TFLM benchmarks quote.
 */
public record ModelStats(List<LayerStats> layers) {
    /** Returned for MACs that depend on a sequence length the model leaves open. */
    public static final long UNKNOWN = -1;

    public ModelStats {
        layers = List.copyOf(layers);
    }

    /**
     * One layer's figures. {@code macs} is {@link #UNKNOWN} when the layer's work depends on an
     * open sequence length; {@code macsPerStep} is then the work of one time step (recurrent
     * layers and layers applied per step), otherwise equal to {@code macs} for per-sample layers.
     */
    public record LayerStats(String name, String kind, Shape outputShape, long parameters, long macs, long macsPerStep) {
    }

    public static ModelStats of(Graph g) {
        var shapes = g.shapes();
        List<LayerStats> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            Shape in = shapes.get(n.inputs().get(0));
            long[] m = macs(n, in);
            out.add(new LayerStats(n.name(), n.op().kind(), n.outputShape(), n.parameterCount(), m[0], m[1]));
        }
        return new ModelStats(out);
    }

    public long parameters() {
        return layers.stream().mapToLong(LayerStats::parameters).sum();
    }

    /** MACs of one inference, or {@link #UNKNOWN} if any layer's are unknown. */
    public long macs() {
        long sum = 0;
        for (LayerStats l : layers) {
            if (l.macs() == UNKNOWN) {
                return UNKNOWN;
            }
            sum += l.macs();
        }
        return sum;
    }

    /** {macs, macsPerStep}. */
    private static long[] macs(Node n, Shape in) {
        Op op = n.op();
        Shape out = n.outputShape();
        if (op instanceof Op.Dense d) {
            long perRow = (long) in.last() * d.units();
            return rows(out, perRow);
        }
        if (op instanceof Op.Conv1D c) {
            long perPos = (long) c.kernelSize() * in.last() * c.filters();
            return rows(out, perPos);
        }
        if (op instanceof Op.Conv2D c) {
            long perPos = (long) c.kernelH() * c.kernelW() * in.last() * c.filters();
            return rows(out, perPos);
        }
        if (op instanceof Op.ConvTranspose c) {
            long perInput = (long) in.last() * c.filters();
            for (int k : c.kernel()) {
                perInput *= k;
            }
            return rows(in, perInput);
        }
        if (op instanceof Op.DepthwiseConv c) {
            long perPos = (long) c.kernelH() * c.kernelW() * out.last();
            return rows(out, perPos);
        }
        if (op instanceof Op.BatchNorm) {
            return rows(out, out.last());
        }
        if (op instanceof Op.Multiply m) {
            // One multiply per output value and further operand.
            int operands = n.inputs().size() + (m.constantOperand() >= 0 ? 1 : 0);
            return rows(out, (long) out.last() * (operands - 1));
        }
        if (op instanceof Op.Recurrent r) {
            long f = in.last();
            long u = r.units();
            long perStep;
            if (op instanceof Op.Lstm l) {
                long g = l.gateCount();
                long p = l.outputUnits();
                perStep = (f + p) * g * u;
                if (l.peephole()) {
                    perStep += (g - 1) * u;
                }
                if (l.layerNorm()) {
                    perStep += g * u;
                }
                if (l.projectionUnits() > 0) {
                    perStep += u * l.projectionUnits();
                }
            } else if (op instanceof Op.Gru) {
                perStep = (f + u) * 3 * u;
            } else {
                perStep = (f + u) * u;
            }
            int steps = in.dim(0);
            return new long[] {steps == Shape.UNKNOWN ? UNKNOWN : steps * perStep, perStep};
        }
        return new long[] {0, 0};
    }

    /** Work done once per position of all but the last output axis (the first may be open). */
    private static long[] rows(Shape out, long perRow) {
        long known = 1;
        boolean open = false;
        for (int i = 0; i < out.rank() - 1; i++) {
            if (out.dim(i) == Shape.UNKNOWN) {
                open = true;
            } else {
                known *= out.dim(i);
            }
        }
        // With an open first axis, "known" leaves it out, so known * perRow is the work of one step.
        return new long[] {open ? UNKNOWN : known * perRow, known * perRow};
    }
}
