package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.ir.tflite.TfliteImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The C generated from quantized {@code .tflite} files (the file's own parameters, TFLite's integer
 * semantics) under AddressSanitizer and UBSan on the host: the int8 zoo models on their first test
 * samples and on extreme and random integers, bit-exact with the simulator and with TFLite Micro's
 * outputs where the sample has them; one case of each op of TFLite Micro's int16x8 goldens, every
 * golden value equal; and the single-op fixtures of the other quantized ops on extreme and random
 * integers, bit-exact with the simulator.
 */
class TfliteQuantizedCTest {
    private static final int TEST_SAMPLES = 2;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"hello_world, hello_world_int8.tflite", "ad01, ad01_int8.tflite",
            "resnet8, pretrainedResnet_quant.tflite", "vww, vww_96_int8.tflite",
            "mnist_lstm, trained_lstm_int8.tflite"})
    void int8ZooModelsAreSanitizerCleanAndEqualTfliteMicro(String model, String file, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        QGraph g = TfliteImporter.loadQuantized(SharedFiles.zoo(model, file)).orElseThrow();
        QInput in = g.inputs().get(0);
        int size = in.shape().size();
        int[] test = Npy.read(SharedFiles.zoo(model, "test_int8.npy")).toIntArray();
        int[] tflm = Npy.read(SharedFiles.zoo(model, "expected_tflm_int8.npy")).toIntArray();
        List<int[]> xs = new ArrayList<>();
        for (int s = 0; s < TEST_SAMPLES; s++) {
            xs.add(Arrays.copyOfRange(test, s * size, (s + 1) * size));
        }
        xs.addAll(SanitizedModelsTest.inputs(in.type(), size, new Random(model.hashCode())).subList(0, 4));
        FixedPointSimulator sim = new FixedPointSimulator(g);
        List<int[]> want = new ArrayList<>();
        for (int[] x : xs) {
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(g.outputs().get(0)));
        }
        int outSize = want.get(0).length;
        List<int[]> got = HostC.run(dir, g, new GenOptions("m", List.of("options: test")), xs, HostC.ASAN_FLAGS);
        assertThat(got).hasSize(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("%s input %d", model, i).containsExactly(want.get(i));
            if (i < TEST_SAMPLES) {
                assertThat(got.get(i)).as("%s sample %d vs TFLite Micro", model, i)
                        .containsExactly(Arrays.copyOfRange(tflm, i * outSize, (i + 1) * outSize));
            }
        }
    }

    private static Path seanet(String name) {
        return SharedFiles.shared("tflite-goldens/seanet").resolve(name);
    }

    private static int[] csv(String name, String middle) throws IOException {
        Path dir = seanet(name).getParent();
        String prefix = seanet(name).getFileName() + middle;
        try (var files = Files.list(dir)) {
            Path f = files.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst().orElseThrow();
            return Arrays.stream(Files.readString(f).trim().split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"conv/conv0", "conv/conv3", "add/add0", "leaky_relu/leaky_relu0", "pad/pad0",
            "strided_slice/strided_slice0"})
    void int16x8GoldensAreSanitizerCleanAndEqual(String name, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        QGraph g = TfliteImporter.loadQuantized(seanet(name + ".tflite")).orElseThrow();
        List<Integer> sample = new ArrayList<>();
        Map<String, int[]> byName = new HashMap<>();
        for (int k = 0; k < g.inputs().size(); k++) {
            int[] v = csv(name, "_input" + k + "_");
            byName.put(g.inputs().get(k).name(), v);
            Arrays.stream(v).forEach(sample::add);
        }
        int[] golden = csv(name, "_golden_");
        int[] sim = new FixedPointSimulator(g).run(byName, IntObserver.NONE).get(g.outputs().get(0));
        assertThat(sim).isEqualTo(golden);
        List<int[]> got = HostC.run(dir, g, new GenOptions("m", List.of("options: test")),
                List.of(sample.stream().mapToInt(Integer::intValue).toArray()), HostC.ASAN_FLAGS);
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).as(name).containsExactly(golden);
    }

    /** The quantized op fixtures of ir's {@code src/test/resources/tflite-quant} (see TfliteQuantFixtures there). */
    private static Path opFixture(String name) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("ir/src/test/resources/tflite-quant"))) {
            p = p.getParent();
        }
        assertThat(p).as("ir/src/test/resources/tflite-quant above the working directory").isNotNull();
        return p.resolve("ir/src/test/resources/tflite-quant").resolve(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"logistic_s8", "tanh_s8", "hard_swish_s8", "relu_s8", "relu6_s16", "mul_channel_s8",
        "mul_square_s16", "sub_channel_s8", "sub_relu_s16", "add_scalar_s16", "concat_relu_s8", "tanh_dequantize_s8", "mean_keep_s8",
        "mean_s16", "mean_steps_s8", "dw_s16", "dw_fc_s16", "dw_avg_pool_s16", "dw_max_pool_s16", "dw_transpose_conv_s8",
        "dw_squeeze_excite_s8"})
    void quantizedOpFixturesAreSanitizerCleanOnExtremeAndRandomInputs(String name, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        QGraph g = TfliteImporter.loadQuantized(opFixture(name).resolve("model.tflite")).orElseThrow();
        QInput in = g.inputs().get(0);
        int size = in.shape().size();
        int[] fixture = Npy.read(opFixture(name).resolve("input.npy")).toIntArray();
        List<int[]> xs = new ArrayList<>();
        xs.add(Arrays.copyOf(fixture, size));
        xs.addAll(SanitizedModelsTest.inputs(in.type(), size, new Random(name.hashCode())).subList(0, 4));
        FixedPointSimulator sim = new FixedPointSimulator(g);
        List<int[]> got = HostC.run(dir, g, new GenOptions("m", List.of("options: test")), xs, HostC.ASAN_FLAGS);
        assertThat(got).hasSize(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("%s input %d", name, i)
                    .containsExactly(sim.run(Map.of(in.name(), xs.get(i)), IntObserver.NONE).get(g.outputs().get(0)));
        }
    }
}
