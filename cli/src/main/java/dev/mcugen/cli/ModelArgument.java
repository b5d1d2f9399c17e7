package dev.mcugen.cli;

import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The MODEL argument every command takes first. */
final class ModelArgument {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "model.json (TF.js layers or mcugen graph JSON), or the folder holding it")
    Path model;
}
