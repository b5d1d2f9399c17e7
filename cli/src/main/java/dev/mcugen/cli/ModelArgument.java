package dev.mcugen.cli;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The MODEL argument every command takes first. */
final class ModelArgument {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "the model: Keras .h5 or .keras, .tflite, .onnx, TF.js layers model.json or mcugen graph JSON (or the folder holding model.json); recognized by content")
    Path model;
}
