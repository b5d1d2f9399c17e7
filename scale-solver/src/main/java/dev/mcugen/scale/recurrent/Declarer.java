package dev.mcugen.scale.recurrent;

import dev.mcugen.ir.calib.TensorRange;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.ContractSystem;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.TensorSpec;
import dev.mcugen.scale.TensorSpec.Symmetry;
import dev.mcugen.scale.wordlength.WeightGrid;

import java.util.List;

/**
 * Declares one recurrent layer's tensors and contracts (seed 000 Table 2 rules) into the contract
 * system. Each method states the row rule it implements; the solver turns them into scales.
 */
final class Declarer {
    private final RecipeContext ctx;
    private final ContractSystem system;
    private final String layer;

    Declarer(RecipeContext ctx, String layer) {
        this.ctx = ctx;
        this.system = ctx.system();
        this.layer = layer;
    }

    String name(String part) {
        return Names.of(layer, part);
    }

    /** A weight: {@code bits}-bit symmetric, scale {@code max|w| / (2^(bits-1) - 1)} (W, R: max/127; P, L: max/32767). */
    void weight(String part, float[] values, int bits) {
        system.tensor(new TensorSpec(name(part), bits, Symmetry.SYMMETRIC, Weights.min(values), Weights.max(values)));
    }

    /**
     * A gate matrix of weight group {@code group} ("layer/kernel", "layer/recurrent_kernel"): int8 as
     * {@link #weight} when the group keeps 8 bits, else the narrowed grid of {@code --weight-bits}
     * ({@link WeightGrid#choose}), declared as the int8 range whose scale is that grid's step.
     */
    void weight(String part, float[] values, String group) {
        WeightGrid g = WeightGrid.choose(group, values, ctx.options());
        if (g == null) {
            weight(part, values, 8);
            return;
        }
        system.tensor(new TensorSpec(name(part), 8, Symmetry.SYMMETRIC, -g.declaredMaxAbs(), g.declaredMaxAbs()));
    }

    /**
     * An int32 bias: symmetric, scale {@code s_a * s_b} ({@link Contract.Product}; e.g. {@code b = h x R},
     * {@code b = L x 2^-10}, {@code b_proj = W_proj x m}).
     */
    void bias(String part, float[] values, String a, String b) {
        system.tensor(new TensorSpec(name(part), 32, Symmetry.SYMMETRIC, Weights.min(values), Weights.max(values)));
        system.add(new Contract.Product(name(part), a, b));
    }

    /**
     * An activation at the model's activation precision covering its calibrated range: int8 asymmetric
     * ({@code range / 255}, x, h, m in Table 2) or, with {@code --precision int16}, int16 symmetric. The
     * range includes 0 (the zero initial state; {@link Contract.ExactZero}).
     */
    void activation(String tensor) {
        TensorRange r = ctx.range(tensor);
        double lo = Math.min(r.min(), 0.0);
        double hi = Math.max(r.max(), 0.0);
        boolean int16 = ctx.options().precision() == QuantOptions.Precision.INT16;
        system.tensor(new TensorSpec(tensor, int16 ? 16 : 8, int16 ? Symmetry.SYMMETRIC : Symmetry.ASYMMETRIC, lo, hi));
        system.add(new Contract.Coverage(tensor, lo, hi));
        system.add(new Contract.ExactZero(tensor));
    }

    /** An int16 symmetric intermediate covering its calibrated range ({@code max / 32767}: Table 2's g rows). */
    void int16(String tensor) {
        TensorRange r = ctx.range(tensor);
        system.tensor(new TensorSpec(tensor, 16, Symmetry.SYMMETRIC, r.min(), r.max()));
        system.add(new Contract.Coverage(tensor, r.min(), r.max()));
    }

    /**
     * An int16 tensor in the fixed format Q(15-frac).frac (gate inputs Q3.12, gate outputs Q0.15,
     * normalized values Q5.10). The coverage contract is declared too, so the report shows where the
     * format clips the calibrated range (seed 000 §3.2.1: saturation at ±8 before sigmoid/tanh).
     */
    void fixed(String tensor, int fracBits) {
        TensorRange r = ctx.range(tensor);
        system.tensor(new TensorSpec(tensor, 16, Symmetry.SYMMETRIC, r.min(), r.max()));
        system.add(new Contract.FixedFormat(tensor, 16, fracBits));
        system.add(new Contract.Coverage(tensor, r.min(), r.max()));
    }

    /**
     * An int16 tensor with a power-of-two scale covering its calibrated range widened to at least
     * {@code ±minAbs} ("POT(max) / 32768", the cell state of seed 000 §3.2.2).
     */
    void powerOfTwo(String tensor, double minAbs) {
        TensorRange r = ctx.range(tensor);
        double lo = Math.min(r.min(), -minAbs);
        double hi = Math.max(r.max(), minAbs);
        system.tensor(new TensorSpec(tensor, 16, Symmetry.SYMMETRIC, lo, hi));
        system.add(new Contract.PowerOfTwo(tensor));
        system.add(new Contract.Coverage(tensor, lo, hi));
    }

    /** All {@code tensors} share one scale and zero point. */
    void equal(String... tensors) {
        system.add(new Contract.EqualScale(List.of(tensors)));
    }
}
