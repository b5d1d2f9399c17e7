package dev.mcugen.ir.fixed;

/**
 * A real scale or value that no integer of the required width can represent (a multiplier beyond
 * 2^30, a folded bias beyond int64). Thrown by the fixed-point helpers; the quantizer turns it into a
 * rejection of the model or data ({@code MCG_QUANT_RANGE}) naming the layer, since it comes from
 * calibrated ranges far from the weights' scale, not from a bug.
 */
public final class ScaleRangeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ScaleRangeException(String message) {
        super(message);
    }
}
