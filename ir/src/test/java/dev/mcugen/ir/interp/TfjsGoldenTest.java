package dev.mcugen.ir.interp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Shape;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The framework goldens ({@code src/test/resources/tfjs}, made by {@code examples/gen-fixtures.js}
 * and {@code examples/torch-gru-reset-after.py}, indexed by {@code fixtures.json}): each model is
 * imported, its inputs run through the interpreter and the outputs compared with
 * {@code expected.npy} within 1e-5. Another folder can be given with {@code -Dmcugen.tfjsGoldens=DIR}
 * (e.g. fixtures generated with a fresh seed).
 *
 * <p>Skipped while the goldens or the TF.js importer ({@code dev.mcugen.ir.tfjs.TfjsImporter}, on
 * its own branch) are absent; once both are merged, {@link #importer()} can call it directly.
 */
class TfjsGoldenTest {
    static final double TOLERANCE = 1e-5;
    static final String IMPORTER = "dev.mcugen.ir.tfjs.TfjsImporter";

    static Path root() {
        return Path.of(System.getProperty("mcugen.tfjsGoldens", "src/test/resources/tfjs"));
    }

    /** {@code TfjsImporter.load(Path modelJson)}, or null while it is not on the class path. */
    static Function<Path, Graph> importer() {
        Method load;
        try {
            load = Class.forName(IMPORTER).getMethod("load", Path.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return null;
        }
        return modelJson -> {
            try {
                return (Graph) load.invoke(null, modelJson);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @TestFactory
    Stream<DynamicTest> interpreterMatchesEveryGolden() throws IOException {
        Path root = root();
        assumeTrue(Files.isRegularFile(root.resolve("fixtures.json")), "no goldens in " + root.toAbsolutePath());
        Function<Path, Graph> importer = importer();
        assumeTrue(importer != null, IMPORTER + " is not on this branch yet");
        JsonNode index = new ObjectMapper().readTree(root.resolve("fixtures.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode f : index.get("fixtures")) {
            String name = f.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> check(root.resolve(name), f, importer)));
        }
        assertThat(tests).isNotEmpty();
        return tests.stream();
    }

    private static void check(Path dir, JsonNode entry, Function<Path, Graph> importer) throws IOException {
        Graph g = importer.apply(dir.resolve("model.json"));
        JsonNode files = entry.get("inputs");
        assertThat(files.size()).as("input files").isEqualTo(g.inputs().size());
        Map<String, FloatTensor> batches = new LinkedHashMap<>();
        for (int k = 0; k < files.size(); k++) {
            batches.put(g.inputs().get(k).name(), readFloat32Npy(dir.resolve(files.get(k).asText())));
        }
        FloatTensor want = readFloat32Npy(dir.resolve(entry.get("expected").asText()));
        Map<String, FloatTensor> out = new FloatInterpreter(g).runBatch(batches, Progress.NONE);
        assertThat(g.outputs()).hasSize(1);
        FloatTensor got = out.get(g.outputs().get(0));
        assertThat(got.shape()).isEqualTo(want.shape());
        double max = 0;
        int at = 0;
        for (int i = 0; i < want.size(); i++) {
            double e = Math.abs((double) got.get(i) - want.get(i));
            if (e > max) {
                max = e;
                at = i;
            }
        }
        assertThat(max).as("%s: max |error| %s at flat index %d (got %s, expected %s)", dir.getFileName(), max, at,
                got.get(at), want.get(at)).isLessThanOrEqualTo(TOLERANCE);
    }

    /** A C-ordered little-endian float32 {@code .npy} file (format 1.0-3.0). */
    static FloatTensor readFloat32Npy(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        if (b.length < 10 || b[0] != (byte) 0x93 || !new String(b, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new IOException(p + ": not a .npy file");
        }
        int major = b[6];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = major == 1 ? Short.toUnsignedInt(bb.getShort(8)) : bb.getInt(8);
        int offset = major == 1 ? 10 : 12;
        String header = new String(b, offset, headerLen, StandardCharsets.ISO_8859_1);
        if (!header.matches("(?s).*'descr':\\s*'<f4'.*") || !header.matches("(?s).*'fortran_order':\\s*False.*")) {
            throw new IOException(p + ": not C-ordered little-endian float32: " + header.trim());
        }
        String dims = header.replaceAll("(?s).*'shape':\\s*\\(([^)]*)\\).*", "$1");
        int[] shape = java.util.Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        float[] v = new float[Shape.of(shape).size()];
        bb.position(offset + headerLen);
        bb.asFloatBuffer().get(v);
        return FloatTensor.of(Shape.of(shape), v);
    }
}
