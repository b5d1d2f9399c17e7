package dev.mcugen.ir.interp;

/**
 * Changes a node's output in place as the {@link FloatInterpreter} computes it, before any later
 * layer reads it (for example to quantize one layer's output while everything else stays float).
 */
@FunctionalInterface
public interface OutputRewrite {
    /**
     * @param node   the node whose output this is
     * @param values its row-major values, to change in place
     */
    void rewrite(String node, float[] values);
}
