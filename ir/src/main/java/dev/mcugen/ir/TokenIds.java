package dev.mcugen.ir;

import java.util.OptionalInt;

/** The valid token ids of a {@link GraphInput.Dtype#TOKEN_IDS} input: {@code [0, limit)}. */
public final class TokenIds {
    private TokenIds() {
    }

    /**
     * The smallest {@code input_dim} of the embeddings reading {@code input} (the rows of their
     * tables), or empty when no embedding reads it.
     */
    public static OptionalInt limit(Graph graph, String input) {
        int limit = Integer.MAX_VALUE;
        boolean any = false;
        for (Node n : graph.nodes()) {
            if (n.op() instanceof Op.Embedding e && n.inputs().contains(input)) {
                limit = Math.min(limit, e.inputDim());
                any = true;
            }
        }
        return any ? OptionalInt.of(limit) : OptionalInt.empty();
    }
}
