package dev.mcugen.ir.quant;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.Int16Activation;
import dev.mcugen.ir.fixed.LutActivation;
import dev.mcugen.ir.fixed.PolyActivation;

import java.util.List;

/**
 * Element-wise sigmoid or tanh through the int16 primitives (DESIGN §3):
 * <pre>
 *   u = satInt16(R_in(x - zp_x))          Q3.12: R_in realizes s_x / 2^-12
 *   v = f(u)                              Q0.15: sigmoid or tanh, lut or poly
 *   y = clamp(zp_y + R_out(v), qmin_y, qmax_y)    R_out realizes 2^-15 / s_y
 * </pre>
 * Inputs beyond ±8 saturate to the Q3.12 extremes, where sigmoid and tanh are within 2^-11 of
 * their limits. After a Dense or Conv with a fused sigmoid/tanh the input is already Q3.12
 * ({@code zp_x = 0}, {@code R_in} identity); for an int16 Q0.15 output {@code R_out} is the identity.
 */
public record QLogistic(String name, String input, Shape outputShape, QuantType outputType, Activation function,
                        Impl impl, int inputZeroPoint, Rescale inputRescale, Rescale outputRescale)
        implements QFeedForward {
    /** The int16 implementation ({@code --activation}). */
    public enum Impl {
        /** 256-entry table with linear interpolation. */
        LUT,
        /** Table-free fixed-point evaluation. */
        POLY;

        public Int16Activation primitive() {
            return this == LUT ? LutActivation.INSTANCE : PolyActivation.INSTANCE;
        }
    }

    public QLogistic {
        if (function != Activation.SIGMOID && function != Activation.TANH) {
            throw new IllegalArgumentException(name + ": logistic op for sigmoid or tanh, not " + function);
        }
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }
}
