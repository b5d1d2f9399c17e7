package dev.mcugen.cli;

import dev.mcugen.gen.GenOptions;
import dev.mcugen.qemu.ModelPipeline;
import dev.mcugen.qemu.Target;
import dev.mcugen.scale.QuantOptions;
import java.nio.file.Path;

/** What {@code build} and {@code verify} tell the C generator: the banner and the board's memory (ModelPipeline, shared with the benchmark suite). */
final class Generation {
    private Generation() {
    }

    /**
     * Generator options for {@code id}: the banner records the model file's hash and every option
     * (so a folder says what made it), and a Cortex-M target brings its board's memory budget.
     */
    static GenOptions options(String id, Path modelFile, QuantOptions o, Target target) {
        return ModelPipeline.genOptions(id, modelFile, o, target);
    }

    /** The quantization options as a command line. */
    static String optionsLine(QuantOptions o) {
        return ModelPipeline.optionsLine(o);
    }
}
