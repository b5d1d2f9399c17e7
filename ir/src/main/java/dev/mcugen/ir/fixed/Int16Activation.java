package dev.mcugen.ir.fixed;

/**
 * Integer sigmoid and tanh on int16 (seed 000 §3.2.1): the input {@code x} is in
 * {@code Qm.(15-m)}, i.e. real value {@code x / 2^(15 - m)} for {@code integerBits = m} in
 * {@code [0, 7]} ({@code m = 3}, Q3.12, range [-8, 8), for gate pre-activations; the cell state's
 * power-of-two format for {@code tanh(c)}); the output is Q0.15, real value {@code y / 32768}:
 * sigmoid in {@code [0, 32767]}, tanh in {@code [-32768, 32767]}.
 *
 * <p>Implementations are pure integer, deterministic and mirrored 1:1 by the C runtime; each is
 * within 2^-11 of the true function over every int16 input and every {@code m} (checked
 * exhaustively by the tests; measured errors in {@code docs/activations.md}).
 */
public interface Int16Activation {
    /** Q3.12, the format of gate pre-activations. */
    int GATE_INTEGER_BITS = 3;
    /** Largest supported {@code integerBits}. */
    int MAX_INTEGER_BITS = 7;

    /** Sigmoid of {@code x} in {@code Q integerBits.(15 - integerBits)}, in Q0.15. */
    int sigmoid(int x, int integerBits);

    /** Tanh of {@code x} in {@code Q integerBits.(15 - integerBits)}, in Q0.15. */
    int tanh(int x, int integerBits);

    /** Sigmoid of {@code x} in Q3.12, in Q0.15. */
    default int sigmoid(int x) {
        return sigmoid(x, GATE_INTEGER_BITS);
    }

    /** Tanh of {@code x} in Q3.12, in Q0.15. */
    default int tanh(int x) {
        return tanh(x, GATE_INTEGER_BITS);
    }
}
