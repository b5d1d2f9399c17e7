package dev.mcugen.scale;

/**
 * The static overflow proof of one accumulator row (DESIGN §5): {@code bound = |bias| + Σ_j |w_ij| · max|x_q|}
 * in integer units, against the accumulator's {@code limit} (2^31 - 1 for int32). When the bound
 * exceeds the limit, {@code action} says what was done (widened, saturated).
 *
 * @param layer       the layer
 * @param accumulator which accumulator of the layer (e.g. "matmul", "input_gate")
 * @param row         the output row with the largest bound
 * @param bound       its bound
 * @param limit       the largest value the accumulator holds
 * @param action      empty when {@code bound <= limit}
 */
public record AccumulatorBound(String layer, String accumulator, int row, long bound, long limit, String action) {
    public boolean safe() {
        return bound <= limit;
    }

    /**
     * How many doublings the bound could still take and stay within the limit's bit width:
     * {@code bound < 2^(w - headroom)} where {@code w} is the bit length of {@code limit} (31 for
     * int32). Negative when the bound exceeds the limit's width.
     */
    public int headroomBits() {
        return Long.numberOfLeadingZeros(bound) - Long.numberOfLeadingZeros(limit);
    }
}
