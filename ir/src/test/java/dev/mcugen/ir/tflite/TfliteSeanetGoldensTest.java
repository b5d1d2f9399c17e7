package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TFLite Micro's own int16x8 goldens (its "seanet" integration tests: CONV_2D with int64 bias, ADD,
 * LEAKY_RELU, PAD, QUANTIZE, STRIDED_SLICE; each case a single-operator .tflite with inputs and the
 * outputs TFLite's reference kernels computed): every golden value equal in the simulator.
 */
class TfliteSeanetGoldensTest {
    static Path seanet() {
        return SharedFiles.shared("tflite-goldens/seanet");
    }

    static Stream<String> cases() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> ops = Files.list(seanet())) {
            for (Path op : ops.sorted().toList()) {
                try (Stream<Path> files = Files.list(op)) {
                    files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".tflite")).sorted()
                            .forEach(f -> names.add(op.getFileName() + "/" + f.substring(0, f.length() - ".tflite".length())));
                }
            }
        }
        assertThat(names).hasSizeGreaterThan(100);
        return names.stream();
    }

    /** The one CSV of {@code op/<case><middle>*.csv} (its dtype suffix varies), as integers. */
    static int[] csv(String name, String middle) {
        Path dir = seanet().resolve(name).getParent();
        String prefix = seanet().resolve(name).getFileName() + middle;
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> match = files.filter(f -> f.getFileName().toString().startsWith(prefix)
                    && f.getFileName().toString().endsWith(".csv")).toList();
            if (match.isEmpty()) {
                return null;
            }
            assertThat(match).hasSize(1);
            String text = Files.readString(match.get(0)).trim();
            return Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static QGraph graph(String name) {
        return TfliteImporter.loadQuantized(seanet().resolve(name + ".tflite")).orElseThrow();
    }

    /** The inputs of case {@code name} by the graph's input names. */
    static Map<String, int[]> inputs(String name, QGraph g) {
        Map<String, int[]> in = new HashMap<>();
        for (int k = 0; k < g.inputs().size(); k++) {
            int[] v = csv(name, "_input" + k + "_");
            assertThat(v).as("input %d of %s", k, name).isNotNull();
            in.put(g.inputs().get(k).name(), v);
        }
        return in;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyGoldenValueEqualsTflites(String name) {
        QGraph g = graph(name);
        int[] golden = csv(name, "_golden_");
        assertThat(g.outputs()).hasSize(1);
        int[] got = new FixedPointSimulator(g).run(inputs(name, g), IntObserver.NONE).get(g.outputs().get(0));
        assertThat(got.length).isEqualTo(golden.length);
        int mismatches = 0;
        String first = null;
        for (int i = 0; i < got.length; i++) {
            if (got[i] != golden[i]) {
                mismatches++;
                if (first == null) {
                    first = "element " + i + ": " + got[i] + " vs TFLite " + golden[i];
                }
            }
        }
        assertThat(mismatches).as("%s: values unequal to TFLite's golden, first %s", name, first).isZero();
    }
}
