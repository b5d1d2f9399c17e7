package dev.mcugen.ir;

/** A model input: a named tensor of the given shape (batch dimension excluded). */
public record GraphInput(String name, Shape shape) {
}
