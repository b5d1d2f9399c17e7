package dev.mcugen.ir.json;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.json.GraphJson.WeightEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class GraphJsonRoundTripTest {

    /** Export, import, export again: the graphs are equal and the two files byte-identical. */
    static Graph roundTrip(Graph g, WeightEncoding enc) {
        String json = GraphJson.toJson(g, enc);
        Graph back = GraphJson.fromJson(json, "roundtrip.json");
        assertThat(back).isEqualTo(g);
        assertThat(GraphJson.toJson(back, enc)).isEqualTo(json);
        assertThat(GraphJson.toJson(g, enc)).as("deterministic").isEqualTo(json);
        return back;
    }

    @ParameterizedTest
    @EnumSource(value = WeightEncoding.class, names = {"NUMBERS", "BASE64"})
    void everyOpRoundTrips(WeightEncoding enc) {
        Graph g = TestGraphs.everyOp(1);
        Set<String> kinds = g.nodes().stream().map(n -> n.op().kind()).collect(Collectors.toSet());
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(GraphJsonReader.KINDS);
        roundTrip(g, enc);
    }

    @Test
    void readerKnowsEveryOpRecord() {
        // Every Op record has a writer (attrs does not throw) and a reader kind.
        assertThat(Op.class.getPermittedSubclasses()).isNotEmpty();
        Graph g = TestGraphs.everyOp(2);
        for (Node n : g.nodes()) {
            GraphJsonWriter.attrs(n.op());
        }
        long records = Stream.of(Op.class.getPermittedSubclasses())
                .flatMap(c -> c.isInterface() ? Stream.of(c.getPermittedSubclasses()) : Stream.of(c))
                .count();
        Set<Class<?>> used = g.nodes().stream().map(n -> n.op().getClass()).collect(Collectors.toSet());
        assertThat(used).hasSize((int) records);
    }

    @ParameterizedTest
    @EnumSource(value = WeightEncoding.class, names = {"NUMBERS", "BASE64"})
    void allSixteenLstmVariantsRoundTrip(WeightEncoding enc) {
        Graph g = TestGraphs.lstmVariants(7);
        Graph back = roundTrip(g, enc);
        // the eight of seed 000 Table 2 plus CIFG with and without peephole are among them
        for (Node n : back.nodes()) {
            Op.Lstm l = (Op.Lstm) n.op();
            assertThat(n.name().contains("_ph")).isEqualTo(l.peephole());
            assertThat(n.name().contains("_proj")).isEqualTo(l.projectionUnits() > 0);
            assertThat(n.name().contains("_ln")).isEqualTo(l.layerNorm());
            assertThat(n.name().contains("_cifg")).isEqualTo(l.cifg());
        }
        Node full = back.node("lstm_ph_proj_ln_cifg").orElseThrow();
        assertThat(full.weights().keySet()).containsExactly("kernel", "recurrent_kernel", "bias", "cell_to_forget",
                "cell_to_output", "forget_layer_norm", "cell_layer_norm", "output_layer_norm", "projection_kernel",
                "projection_bias");
        assertThat(full.weight("kernel").shape()).isEqualTo(Shape.of(3, 12));
        assertThat(full.weight("recurrent_kernel").shape()).isEqualTo(Shape.of(2, 12));
    }

    @Test
    void lstmVariantAttributesAreWrittenExplicitly() {
        String json = GraphJson.toJson(TestGraphs.lstmVariants(3));
        assertThat(json).contains("\"peephole\": true", "\"peephole\": false", "\"layer_norm\": true",
                "\"cifg\": true", "\"projection_units\": 2", "\"projection_units\": 0",
                "\"recurrent_activation\": \"sigmoid\"", "\"go_backwards\": false");
    }

    @Test
    void gruBothVariantsRoundTrip() {
        Random r = new Random(5);
        GraphBuilder b = new GraphBuilder("gru");
        b.input("x", Shape.of(Shape.UNKNOWN, 2));
        TestGraphs.add(b, r, "after", new Op.Gru(3, Activation.TANH, Activation.SIGMOID, true, true, false, true), "x");
        TestGraphs.add(b, r, "before", new Op.Gru(3, Activation.TANH, Activation.HARD_SIGMOID, true, false, true, false), "after");
        b.output("before");
        Graph back = roundTrip(b.build(), WeightEncoding.NUMBERS);
        assertThat(back.node("after").orElseThrow().weight("bias").shape()).isEqualTo(Shape.of(2, 9));
        assertThat(back.node("before").orElseThrow().weight("bias").shape()).isEqualTo(Shape.of(9));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void writesToFilesInEveryEncoding(long seed, @TempDir Path dir) throws Exception {
        Graph g = TestGraphs.everyOp(seed);
        for (WeightEncoding enc : WeightEncoding.values()) {
            Path f = dir.resolve(enc.name().toLowerCase() + "/model.json");
            GraphJson.write(g, f, enc);
            assertThat(GraphJson.read(f)).isEqualTo(g);
            byte[] first = Files.readAllBytes(f);
            GraphJson.write(GraphJson.read(f), f, enc);
            assertThat(Files.readAllBytes(f)).isEqualTo(first);
            try (Stream<Path> files = Files.list(f.getParent())) {
                List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
                assertThat(names).isEqualTo(enc == WeightEncoding.EXTERNAL
                        ? List.of("model.json", "model.weights.bin") : List.of("model.json"));
            }
            if (f.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // the default permissions, as any other file the user creates (not a temp file's owner-only mode)
                Path plain = Files.writeString(dir.resolve("plain-" + enc), "x");
                assertThat(Files.getPosixFilePermissions(f)).isEqualTo(Files.getPosixFilePermissions(plain));
            }
            if (enc == WeightEncoding.EXTERNAL) {
                assertThat(Files.size(f.resolveSibling("model.weights.bin"))).isEqualTo(4 * g.parameterCount());
                assertThat(Files.readString(f)).doesNotContain("\"data");
            }
        }
    }

    @Test
    void streamVariantMatchesString() throws Exception {
        Graph g = TestGraphs.everyOp(4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GraphJson.write(g, out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(GraphJson.toJson(g));
        assertThat(GraphJson.read(new java.io.ByteArrayInputStream(out.toByteArray()), "s.json", null)).isEqualTo(g);
    }

    @Test
    void layoutIsCanonical() {
        String json = GraphJson.toJson(TestGraphs.everyOp(6));
        assertThat(json).doesNotContain("\r").doesNotContain("\t").endsWith("}\n");
        assertThat(json).startsWith("{\n  \"format\": \"mcugen-graph\",\n  \"version\": 1,\n  \"name\": ");
        // one line per weight tensor
        for (String line : json.split("\n")) {
            if (line.contains("\"data\"")) {
                assertThat(line).matches(" {8}\"[a-z_]+\": \\{\"shape\": \\[[0-9, ]+\\], \"data\": \\[.*\\]\\},?");
            }
        }
        assertThat(json).contains("\"shape\": [null, 4]", "\"target_shape\": [null, 2]");
    }
}
