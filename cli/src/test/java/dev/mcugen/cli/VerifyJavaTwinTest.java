package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.gen.twin.FloatFree;
import dev.mcugen.ir.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code build|verify --target java}: the Java twin of every bundled example, of TF.js fixtures
 * covering every op family the C runs (recurrent layers in every direction and merge mode, embeddings,
 * layer norm, element-wise ops, several inputs and outputs, convolutions, pooling, data movement)
 * and of every LSTM variant, compiled in memory and proven bit-exact with the simulator, streaming
 * included; a differing output fails with exit 4.
 */
class VerifyJavaTwinTest {
    @TempDir
    Path tmp;

    /** The TF.js fixtures checked by default; {@code -Dmcugen.twin.allFixtures=true} checks all of them. */
    static final List<String> FIXTURES = List.of("bidi_lstm_concat_seq", "bidi_gru_sum_last", "time_distributed_dense",
            "embedding_lstm", "layer_norm_seq", "functional_multiply_channel_vector", "multiio_two_heads", "mobilenet_block",
            "conv2d_transpose_s2_same", "permute");

    @ParameterizedTest
    @ValueSource(strings = {"har_lstm", "kws_gru", "gesture_conv1d", "stacked_rnn"})
    void everyExampleIsBitExactAndStreams(String example) throws IOException {
        Path dir = CliTest.ROOT.resolve("examples").resolve(example);
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", dir.resolve("model.json").toString(), "--target", "java", "--data",
                dir.resolve("test.npy").toString(), "--samples", "3", "--out", out.toString(), "--junit",
                out.resolve("junit.xml").toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        String xml = Files.readString(out.resolve("junit.xml"));
        assertThat(xml).contains("bit-exact with the simulator, sample 2").contains("float-free").doesNotContain("<failure");
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("target").asText()).isEqualTo("java");
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("float_free").asBoolean()).isTrue();
        assertThat(j.get("samples").asInt()).isEqualTo(3);
        boolean recurrent = !example.equals("gesture_conv1d");
        assertThat(j.at("/streaming/status").asText()).isEqualTo(recurrent ? "checked" : "not applicable");
        assertThat(j.at("/streaming/samples_checked").asInt()).isEqualTo(recurrent ? 3 : 0);
        assertThat(j.at("/metrics/top1_agreement").asDouble()).isGreaterThan(0.5);
        // the same verdict, provenance and model memory sections as the C's report
        assertThat(j.at("/verdict/status").asText()).isEqualTo("PASS");
        assertThat(j.at("/verdict/checks/0/check").asText()).isEqualTo("bit-exact with the simulator");
        assertThat(j.at("/verdict/checks").findValuesAsText("check")).contains("float-free");
        assertThat(j.at("/provenance/files/0/role").asText()).isEqualTo("model");
        assertThat(j.at("/provenance/files/0/sha256").asText()).hasSize(64);
        assertThat(j.at("/model_memory/constants_bytes").asLong()).isPositive();
        assertThat(r.out()).contains("verdict: PASS");
        try (Stream<Path> s = Files.walk(out)) {
            List<Path> java = s.filter(p -> p.toString().endsWith(".java")).toList();
            assertThat(out.resolve(".mcugen-output")).exists();
            assertThat(java).hasSize(1);
            String source = Files.readString(java.get(0));
            assertThat(FloatFree.violations(source)).isEmpty();
            // what a user receives cites no internal document (the kernels' own comments are not copied)
            assertThat(source).doesNotContainPattern(UserTextReferencesTest.INTERNAL);
            assertThat(out.relativize(java.get(0)).toString().replace('\\', '/')).startsWith("mcugen/generated/");
        }
    }

    static Stream<String> fixtures() throws IOException {
        Path root = CliTest.ROOT.resolve("ir/src/test/resources/tfjs");
        if (!Boolean.getBoolean("mcugen.twin.allFixtures")) {
            return FIXTURES.stream();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.exists(p.resolve("model.json"))).map(p -> p.getFileName().toString()).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void tfjsFixturesAreBitExact(String fixture) throws IOException {
        Path dir = CliTest.ROOT.resolve("ir/src/test/resources/tfjs").resolve(fixture);
        List<String> args = new ArrayList<>(List.of("verify", dir.resolve("model.json").toString(), "--target", "java",
                "--samples", "2", "--out", tmp.resolve("out").toString(), "--no-progress"));
        List<Path> inputs = new ArrayList<>();
        if (Files.exists(dir.resolve("input.npy"))) {
            inputs.add(dir.resolve("input.npy"));
        } else {
            for (int k = 0; Files.exists(dir.resolve("input_" + k + ".npy")); k++) {
                inputs.add(dir.resolve("input_" + k + ".npy"));
            }
        }
        for (Path p : inputs) {
            args.addAll(List.of("--data", p.toString(), "--calibration", p.toString()));
        }
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        if (r.code() == 3 && r.err().contains("MCG_GEN_UNSUPPORTED")) {
            return; // the C refuses it too: so does the twin, from the same lowering
        }
        assertThat(r.code()).as("%s%nstdout %s%nstderr %s", fixture, r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(tmp.resolve("out/report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        if (j.at("/streaming/has_step").asBoolean()) {
            assertThat(j.at("/streaming/samples_checked").asInt()).isEqualTo(2);
        }
    }

    /** Each of CIFG, peephole, layer norm and projection on and off (all 16 combinations pass too). */
    @ParameterizedTest(name = "LSTM variant {0} (cifg, peephole, layer norm, projection bits)")
    @ValueSource(ints = {0, 9, 14})
    void everyLstmVariantIsBitExactAndStreams(int variant) throws IOException {
        Path model = VerifyLstmVariantsTest.lstmModel(tmp, variant, 13, 29, 30, (variant & 1) != 0, (variant & 2) != 0,
                (variant & 4) != 0, (variant & 8) != 0 ? 11 : 0);
        Path data = tmp.resolve("x.npy");
        BoardBudgetTest.writeNpy(data, new Random(variant), 8, 30, 13);
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", model.toString(), "--target", "java", "--precision",
                variant % 2 == 0 ? "int16" : "int8", "--activation", variant % 3 == 0 ? "poly" : "lut", "--calibration",
                data.toString(), "--data", data.toString(), "--samples", "3", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.at("/streaming/samples_checked").asInt()).isEqualTo(3);
    }

    /** A zoo model (the MLPerf Tiny style LSTM digit classifier, a float TFLite file): bit-exact. */
    @Test
    void aZooModelIsBitExact() throws IOException {
        Path model = SharedFiles.zoo("mnist_lstm", "trained_lstm.tflite");
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", model.toString(), "--target", "java", "--data",
                SharedFiles.zoo("mnist_lstm", "test.npy").toString(), "--calibration",
                SharedFiles.zoo("mnist_lstm", "calibration.npy").toString(), "--samples", "2", "--out", out.toString(),
                "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("outputs_per_sample").asInt()).isEqualTo(10);
    }

    @Test
    void aDifferingOutputFailsWithExit4NamingSampleIndexAndBothValues() throws IOException {
        Path dir = CliTest.ROOT.resolve("examples/gesture_conv1d");
        VerifyCommand.expectedHook = xs -> {
            List<int[]> changed = new ArrayList<>(xs);
            int[] s1 = changed.get(1).clone();
            s1[2] += 1;
            changed.set(1, s1);
            return changed;
        };
        try {
            Path junit = tmp.resolve("junit.xml");
            CliTest.Result r = CliTest.run("verify", dir.resolve("model.json").toString(), "--target", "java", "--data",
                    dir.resolve("test.npy").toString(), "--samples", "2", "--out", tmp.resolve("out").toString(),
                    "--junit", junit.toString(), "--no-progress");
            assertThat(r.code()).isEqualTo(4);
            assertThat(r.err()).contains("MCG_VERIFY_MISMATCH").containsPattern("sample 1, output index 2: java twin -?\\d+"
                    + " != simulator -?\\d+");
            assertThat(tmp.resolve("out")).doesNotExist();
            // the JUnit file outside --out still says which sample failed
            String xml = Files.readString(junit);
            assertThat(xml).contains("classname=\"mcugen.verify.java.gesture_conv1d\"")
                    .contains("bit-exact with the simulator, sample 1").contains("type=\"MCG_VERIFY_MISMATCH\"");
            assertThat(xml.split("<failure", -1)).hasSize(2);
        } finally {
            VerifyCommand.expectedHook = java.util.function.UnaryOperator.identity();
        }
    }

    @Test
    void buildWritesTheSameClassTwiceInTheAskedPackage() throws IOException {
        Path model = CliTest.ROOT.resolve("examples/kws_gru/model.json");
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        for (Path out : List.of(a, b)) {
            CliTest.Result r = CliTest.run("build", model.toString(), "--target", "java", "--java-package", "com.example.kws",
                    "--name", "kws", "--out", out.toString(), "--no-progress");
            assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        }
        Path rel = Path.of("com/example/kws/Kws.java");
        String source = Files.readString(a.resolve(rel));
        assertThat(Files.readString(b.resolve(rel))).isEqualTo(source);
        assertThat(source).startsWith("package com.example.kws;").contains("public final class Kws {")
                .contains("public void step(int[] x, int[] y)").contains("kws_gru");
        assertThat(a.resolve("kws.c")).doesNotExist();
        assertThat(FloatFree.violations(source)).isEmpty();
        // The Javadoc is complete and well-formed for a companion app's documentation.
        javax.tools.DocumentationTool javadoc = javax.tools.ToolProvider.getSystemDocumentationTool();
        java.io.StringWriter log = new java.io.StringWriter();
        try (javax.tools.StandardJavaFileManager fm = javadoc.getStandardFileManager(null, null, null)) {
            boolean ok = javadoc.getTask(log, fm, null, null, List.of("-Xdoclint:all", "-Werror", "-quiet", "-d",
                    tmp.resolve("doc").toString()), fm.getJavaFileObjects(a.resolve(rel))).call();
            assertThat(ok).as(log.toString()).isTrue();
        }
    }

    @Test
    void aBadPackageIsAUsageError() {
        CliTest.Result r = CliTest.run("build", CliTest.ROOT.resolve("examples/kws_gru/model.json").toString(), "--target",
                "java", "--java-package", "com.class.x", "--out", tmp.resolve("o").toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("MCG_CLI_USAGE").contains("--java-package").contains("'class'");
        CliTest.Result c = CliTest.run("build", CliTest.ROOT.resolve("examples/kws_gru/model.json").toString(),
                "--java-package", "com.example", "--out", tmp.resolve("o").toString(), "--no-progress");
        assertThat(c.code()).isEqualTo(2);
        assertThat(c.err()).contains("MCG_CLI_USAGE").contains("--target java only");
        assertThat(tmp.resolve("o")).doesNotExist();
    }
}
