package dev.mcugen.ir.json;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The value ranges of op attributes in mcugen graph JSON, checked on read and on write (so that
 * mcugen never writes a file it would refuse to read). Messages name the attribute as the file
 * spells it ({@code attrs.units}).
 */
final class OpRules {
    private OpRules() {
    }

    /** Names of the element-wise activations, for messages. */
    static final String ELEMENTWISE = Arrays.stream(Activation.values()).filter(Activation::isElementwise)
            .map(Activation::kerasName).collect(Collectors.joining(", "));

    /** @throws McugenException {@link Diag#MCG_GRAPH_ATTR} or {@link Diag#MCG_IMPORT_ACTIVATION_UNSUPPORTED} naming {@code who} */
    static void check(String who, Op op) {
        if (op instanceof Op.Dense d) {
            atLeast(who, "units", d.units(), 1);
        } else if (op instanceof Op.Conv1D c) {
            atLeast(who, "filters", c.filters(), 1);
            atLeast(who, "kernel_size", c.kernelSize(), 1);
            atLeast(who, "strides", c.stride(), 1);
            atLeast(who, "dilation_rate", c.dilation(), 1);
        } else if (op instanceof Op.Conv2D c) {
            atLeast(who, "filters", c.filters(), 1);
            atLeast(who, "kernel_size", List.of(c.kernelH(), c.kernelW()), 1);
            atLeast(who, "strides", List.of(c.strideH(), c.strideW()), 1);
            atLeast(who, "dilation_rate", List.of(c.dilationH(), c.dilationW()), 1);
        } else if (op instanceof Op.DepthwiseConv c) {
            atLeast(who, "depth_multiplier", c.multiplier(), 1);
            if (c.spatialRank() == 1) {
                atLeast(who, "kernel_size", c.kernelW(), 1);
                atLeast(who, "strides", c.strideW(), 1);
                atLeast(who, "dilation_rate", c.dilationW(), 1);
            } else {
                atLeast(who, "kernel_size", List.of(c.kernelH(), c.kernelW()), 1);
                atLeast(who, "strides", List.of(c.strideH(), c.strideW()), 1);
                atLeast(who, "dilation_rate", List.of(c.dilationH(), c.dilationW()), 1);
            }
        } else if (op instanceof Op.Pool p) {
            atLeast(who, "pool_size", p.size(), 1);
            atLeast(who, "strides", p.strides(), 1);
        } else if (op instanceof Op.UpSampling u) {
            atLeast(who, "size", u.size(), 1);
        } else if (op instanceof Op.RepeatVector r) {
            atLeast(who, "n", r.n(), 1);
        } else if (op instanceof Op.ConvTranspose c) {
            atLeast(who, "filters", c.filters(), 1);
            atLeast(who, "kernel_size", c.kernel(), 1);
            atLeast(who, "strides", c.strides(), 1);
            atLeast(who, "output_padding", c.outputPadding(), 0);
        } else if (op instanceof Op.GlobalPool g) {
            if (g.spatialRank() != 1 && g.spatialRank() != 2) {
                throw attr(who, "spatial_rank", "must be 1 ([steps, channels]) or 2 ([height, width, channels]), got "
                        + g.spatialRank());
            }
        } else if (op instanceof Op.Reshape r) {
            for (int d : r.target().dims()) {
                if (d == 0) {
                    throw attr(who, "target_shape", "has a 0 dimension in " + r.target()
                            + "; dimensions are >= 1, or null for the one to infer");
                }
            }
        } else if (op instanceof Op.Dropout d) {
            if (!(d.rate() >= 0f && d.rate() < 1f)) {
                throw attr(who, "rate", "must be in [0, 1), got " + d.rate());
            }
        } else if (op instanceof Op.BatchNorm b) {
            if (!(b.epsilon() >= 0f && Float.isFinite(b.epsilon()))) {
                throw attr(who, "epsilon", "must be a finite number >= 0, got " + b.epsilon());
            }
        } else if (op instanceof Op.Elementwise e) {
            atLeast(who, "constant_operand", e.constantOperand(), -1);
        } else if (op instanceof Op.LeakyRelu l) {
            finite(who, "alpha", l.alpha());
        } else if (op instanceof Op.Elu e) {
            finite(who, "alpha", e.alpha());
        } else if (op instanceof Op.HardSigmoid h) {
            finite(who, "alpha", h.alpha());
            finite(who, "beta", h.beta());
        } else if (op instanceof Op.PRelu p) {
            atLeast(who, "shared_axes", p.sharedAxes(), 0);
            if (p.sharedAxes().stream().distinct().count() != p.sharedAxes().size()) {
                throw attr(who, "shared_axes", "must not repeat an axis, got " + p.sharedAxes());
            }
        } else if (op instanceof Op.Reverse r) {
            atLeast(who, "axis", r.axis(), 0);
        } else if (op instanceof Op.LayerNorm l) {
            if (!(l.epsilon() >= 0f && Float.isFinite(l.epsilon()))) {
                throw attr(who, "epsilon", "must be a finite number >= 0, got " + l.epsilon());
            }
        } else if (op instanceof Op.Embedding e) {
            atLeast(who, "input_dim", e.inputDim(), 1);
            if (e.inputDim() > 1 << 24) {
                throw attr(who, "input_dim", "is " + e.inputDim() + "; mcugen holds token ids exactly up to 2^24 (16777216)");
            }
            atLeast(who, "output_dim", e.outputDim(), 1);
        } else if (op instanceof Op.SimpleRnn r) {
            atLeast(who, "units", r.units(), 1);
            elementwise(who, "activation", r.activation());
        } else if (op instanceof Op.Lstm l) {
            atLeast(who, "units", l.units(), 1);
            atLeast(who, "projection_units", l.projectionUnits(), 0);
            elementwise(who, "activation", l.activation());
            elementwise(who, "recurrent_activation", l.recurrentActivation());
        } else if (op instanceof Op.Gru g) {
            atLeast(who, "units", g.units(), 1);
            elementwise(who, "activation", g.activation());
            elementwise(who, "recurrent_activation", g.recurrentActivation());
        }
    }

    /** Dimensions of a shape written in a file: >= 1, or open ({@link Shape#UNKNOWN}) where allowed. */
    static boolean validDim(int d) {
        return d >= 1 || d == Shape.UNKNOWN;
    }

    static McugenException attr(String who, String name, String detail) {
        return new McugenException(Diag.MCG_GRAPH_ATTR, who, "attrs." + name + " " + detail);
    }

    private static void finite(String who, String name, float v) {
        if (!Float.isFinite(v)) {
            throw attr(who, name, "must be a finite number, got " + v);
        }
    }

    private static void atLeast(String who, String name, int v, int min) {
        if (v < min) {
            throw attr(who, name, "must be >= " + min + ", got " + v);
        }
    }

    private static void atLeast(String who, String name, List<Integer> v, int min) {
        for (int x : v) {
            if (x < min) {
                throw attr(who, name, "must hold values >= " + min + ", got " + v);
            }
        }
    }

    private static void elementwise(String who, String name, Activation a) {
        if (!a.isElementwise()) {
            throw new McugenException(Diag.MCG_IMPORT_ACTIVATION_UNSUPPORTED, who, "attrs." + name + " \""
                    + a.kerasName() + "\" is not element-wise; a recurrent layer needs one of " + ELEMENTWISE);
        }
    }
}
