package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

/** A model input and how the caller quantizes it: {@code q = clamp(round(real / scale) + zero_point)}. */
public record QInput(String name, Shape shape, QuantType type) {
}
