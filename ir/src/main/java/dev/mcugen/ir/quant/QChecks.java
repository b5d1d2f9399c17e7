package dev.mcugen.ir.quant;

import java.util.List;

/** Argument checks shared by the integer op records. */
final class QChecks {
    private QChecks() {
    }

    static void bias(String name, IntTensor bias, int channels, int accShift) {
        if (bias.shape().rank() != 1 || bias.size() != channels) {
            throw new IllegalArgumentException(name + ": bias must be [" + channels + "], not " + bias);
        }
        if (accShift < 0 || accShift > 32) {
            throw new IllegalArgumentException(name + ": accumulator shift " + accShift + " outside [0, 32]");
        }
        int want = accShift > 0 ? 64 : 32;
        if (bias.bits() != want) {
            throw new IllegalArgumentException(name + ": bias must be int" + want + " with accShift " + accShift);
        }
    }

    static void rescales(String name, List<Rescale> rescale, int channels) {
        if (rescale.size() != 1 && rescale.size() != channels) {
            throw new IllegalArgumentException(name + ": " + rescale.size() + " rescales for " + channels + " channels");
        }
    }

    static void clamp(String name, QuantType type, int lo, int hi) {
        if (lo > hi || lo < type.qmin() || hi > type.qmax()) {
            throw new IllegalArgumentException(name + ": clamp [" + lo + ", " + hi + "] outside " + type);
        }
    }
}
