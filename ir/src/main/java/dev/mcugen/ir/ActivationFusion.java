package dev.mcugen.ir;

/**
 * Folding a stand-alone activation into the layer that produces its input, as importers of formats
 * that write activations as separate operations (TFLite, ONNX) do: {@code act(x · W + b)} is one Dense
 * or convolution node with that activation, exactly, when the layer's own activation is linear.
 */
public final class ActivationFusion {
    /**
     * Suffix of the pre-activation tensor of a Dense or convolution whose fused activation
     * {@link #calibratesPreactivation calibrates it}: the float interpreter reports it, the
     * quantizer gives it its own type.
     */
    public static final String PREACTIVATION = "/preact";

    private ActivationFusion() {
    }

    /**
     * Whether a fused {@code a} needs the layer's pre-activation range: the activations realized on
     * integers by a table or per-sign multipliers from a calibrated input (ELU, swish, hard swish, the
     * relu6 hard sigmoid, leaky ReLU).
     */
    public static boolean calibratesPreactivation(Activation a) {
        switch (a) {
            case ELU:
            case SWISH:
            case HARD_SWISH:
            case HARD_SIGMOID6:
            case LEAKY_RELU:
                return true;
            default:
                return false;
        }
    }

    /** The fused activation of a Dense or convolution {@code op}, else null. */
    public static Activation fusedActivation(Op op) {
        if (op instanceof Op.Dense d) {
            return d.activation();
        }
        if (op instanceof Op.Conv2D c) {
            return c.activation();
        }
        if (op instanceof Op.Conv1D c) {
            return c.activation();
        }
        return null;
    }

    /** Whether {@code op} is a Dense or convolution without an activation of its own. */
    public static boolean takesActivation(Op op) {
        return op instanceof Op.Dense d && d.activation() == Activation.LINEAR
                || op instanceof Op.Conv2D c && c.activation() == Activation.LINEAR
                || op instanceof Op.Conv1D c1 && c1.activation() == Activation.LINEAR
                || op instanceof Op.ConvTranspose t && t.activation() == Activation.LINEAR
                || op instanceof Op.DepthwiseConv dw && dw.activation() == Activation.LINEAR;
    }

    /** {@code op} (a Dense or convolution, see {@link #takesActivation}) with activation {@code a}. */
    public static Op withActivation(Op op, Activation a) {
        if (op instanceof Op.Dense d) {
            return new Op.Dense(d.units(), a, d.useBias());
        }
        if (op instanceof Op.Conv2D c) {
            return new Op.Conv2D(c.filters(), c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.dilationH(),
                    c.dilationW(), c.padding(), a, c.useBias());
        }
        if (op instanceof Op.Conv1D c) {
            return new Op.Conv1D(c.filters(), c.kernelSize(), c.stride(), c.dilation(), c.padding(), a, c.useBias());
        }
        if (op instanceof Op.ConvTranspose t) {
            return new Op.ConvTranspose(t.filters(), t.kernel(), t.strides(), t.padding(), t.outputPadding(), a, t.useBias());
        }
        if (op instanceof Op.DepthwiseConv c) {
            return c.with(a, c.useBias());
        }
        throw new IllegalArgumentException(op.kind() + " takes no activation");
    }
}
