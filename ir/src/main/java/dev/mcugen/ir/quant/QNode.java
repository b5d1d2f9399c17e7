package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import java.util.List;

/**
 * One integer operation of a {@link QGraph}: reads the integer tensors named by {@link #inputs()}
 * and produces one integer tensor (held in an {@code int[]} whatever its width), named like the node,
 * of type {@link #outputType()}: {@code real = scale * (q - zero_point)}. Every node carries all its
 * integer parameters (weights, biases with zero points folded in, multipliers, shifts, clamps), so
 * the simulator and the generated C run exactly the same integer program. Implementations are
 * immutable records: feed-forward ops in {@link QFeedForward}, recurrent layers in {@link QRecurrent}.
 */
public interface QNode {
    String name();

    List<String> inputs();

    Shape outputShape();

    QuantType outputType();
}
