package dev.mcugen.qemu.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * A benchmark model: a TF.js layers folder with {@code model.json}, {@code calibration.npy} and
 * {@code test.npy}.
 *
 * @param name   the short name used on the command line and in the table
 * @param folder the model's folder
 */
public record BenchModel(String name, Path folder) {
    /** The models of issue 6 (qemu-tests/bench/models) and then the bundled examples, in table order. */
    public static final List<String> BENCHMARKS = List.of("fc256", "fc64", "conv1d", "lstm64", "lstm128", "gru64",
            "kws_conv", "dw_s1", "dw_s2", "pw64", "pw16", "res3x3");
    public static final List<String> EXAMPLES = List.of("har_lstm", "kws_gru", "gesture_conv1d", "stacked_rnn");

    public Path modelFile() {
        return folder.resolve("model.json");
    }

    public Path calibration() {
        return folder.resolve("calibration.npy");
    }

    public Path testData() {
        return folder.resolve("test.npy");
    }

    /** Every model of the suite under the checkout {@code root}. */
    public static List<BenchModel> all(Path root) {
        return java.util.stream.Stream.concat(BENCHMARKS.stream(), EXAMPLES.stream()).map(n -> named(root, n)).toList();
    }

    /** A model by name: a benchmark model, a bundled example, or a folder path holding model.json. */
    public static BenchModel named(Path root, String name) {
        if (BENCHMARKS.contains(name)) {
            return new BenchModel(name, root.resolve("qemu-tests/bench/models").resolve(name));
        }
        if (EXAMPLES.contains(name)) {
            return new BenchModel(name, root.resolve("examples").resolve(name));
        }
        Path p = Path.of(name);
        if (java.nio.file.Files.isRegularFile(p.resolve("model.json"))) {
            return new BenchModel(p.getFileName().toString(), p);
        }
        throw new IllegalArgumentException("unknown model '" + name + "': expected one of " + BENCHMARKS + " " + EXAMPLES
                + " or a folder with model.json, calibration.npy and test.npy");
    }
}
