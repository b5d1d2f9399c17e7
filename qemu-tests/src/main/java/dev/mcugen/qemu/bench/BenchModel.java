package dev.mcugen.qemu.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * A benchmark model: a folder with the model file (a TF.js layers {@code model.json}, or a Keras
 * {@code .h5} for the real models), {@code calibration.npy} and {@code test.npy}.
 *
 * @param name       the short name used on the command line and in the table
 * @param folder     the model's folder
 * @param file       the model file's name in the folder
 * @param perChannel whether the model is quantized with per-channel weight scales (the real
 *                   convolutional models, as their own int8 files are)
 */
public record BenchModel(String name, Path folder, String file, boolean perChannel) {
    /** A TF.js folder quantized per tensor. */
    public BenchModel(String name, Path folder) {
        this(name, folder, "model.json", false);
    }

    /** The models of issue 6 (qemu-tests/bench/models) and then the bundled examples, in table order. */
    public static final List<String> BENCHMARKS = List.of("fc256", "fc64", "conv1d", "lstm64", "lstm128", "gru64",
            "kws_conv", "dw_s1", "dw_s2", "pw64", "pw16", "res3x3");
    public static final List<String> EXAMPLES = List.of("har_lstm", "kws_gru", "gesture_conv1d", "stacked_rnn");
    /**
     * Whole real models (MLPerf Tiny image classification, visual wake words, anomaly detection), read
     * from the shared model zoo beside the checkout ({@code ../shared/zoo}, or the system property
     * {@code mcugen.zoo}); not in the default run. Name -> folder and Keras file.
     */
    public static final java.util.Map<String, List<String>> ZOO = new java.util.LinkedHashMap<>();

    static {
        ZOO.put("resnet8", List.of("resnet8", "pretrainedResnet.h5"));
        ZOO.put("vww", List.of("vww", "vww_96.h5"));
        ZOO.put("ad01", List.of("ad01", "ad01.h5"));
    }

    public Path modelFile() {
        return folder.resolve(file);
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
        if (ZOO.containsKey(name)) {
            String z = System.getProperty("mcugen.zoo");
            Path zoo = z != null ? Path.of(z) : root.resolve("../shared/zoo").normalize();
            Path folder = zoo.resolve(ZOO.get(name).get(0));
            if (!java.nio.file.Files.isRegularFile(folder.resolve(ZOO.get(name).get(1)))) {
                throw new IllegalArgumentException("model '" + name + "' is read from the model zoo, but " + folder
                        .resolve(ZOO.get(name).get(1)) + " does not exist (give the zoo's folder with -Dmcugen.zoo=DIR)");
            }
            return new BenchModel(name, folder, ZOO.get(name).get(1), true);
        }
        Path p = Path.of(name);
        if (java.nio.file.Files.isRegularFile(p.resolve("model.json"))) {
            return new BenchModel(p.getFileName().toString(), p);
        }
        throw new IllegalArgumentException("unknown model '" + name + "': expected one of " + BENCHMARKS + " " + EXAMPLES
                + " " + ZOO.keySet() + " or a folder with model.json, calibration.npy and test.npy");
    }
}
