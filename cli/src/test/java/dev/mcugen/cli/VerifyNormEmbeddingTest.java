package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.json.GraphJson;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import dev.mcugen.qemu.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * LayerNormalization and Embedding through {@code mcugen verify}: a keyword classifier on token ids
 * (Embedding -> LayerNormalization -> LSTM -> Dense softmax) and a layer normalization on real values with
 * constant rows (variance 0) and a large epsilon, bit-exact with the simulator on the host and under QEMU
 * at int8 and int16 (the token classifier also streamed one id per {@code _step}); data with token ids
 * outside [0, input_dim) refused naming file, sample and value.
 */
class VerifyNormEmbeddingTest {
    static final int VOCAB = 40;
    static final int STEPS = 9;

    @TempDir
    Path tmp;

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "token classifier {0} {1}")
    @CsvSource({"host, int8", "host, int16", "cortex-m0, int8"})
    void tokenClassifierIsBitExact(String target, String precision) throws Exception {
        VerifyCommandTest.requireTools(Target.fromId(target));
        Path model = tokenClassifier(tmp);
        Path data = tokens(tmp.resolve("tokens.npy"), new Random(3), 12, VOCAB);
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", model.toString(), "--target", target, "--precision", precision,
                "--calibration", data.toString(), "--data", data.toString(), "--samples", "3", "--out", out.toString(),
                "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.at("/metrics/top1_agreement").asDouble()).isEqualTo(1.0);
        // one token id per _step: _reset + STEPS x _step equals _invoke on the target
        assertThat(j.at("/streaming/samples_checked").asInt()).isEqualTo(3);
        String h = Files.readString(out.resolve("token_classifier.h"));
        assertThat(h).contains("typedef int32_t token_classifier_input_t;")
                .contains("#define TOKEN_CLASSIFIER_INPUT_QMIN 0").contains("#define TOKEN_CLASSIFIER_INPUT_QMAX " + (VOCAB - 1))
                .contains("#define TOKEN_CLASSIFIER_STEP_INPUT_SIZE 1");
        String c = Files.readString(out.resolve("token_classifier.c"));
        assertThat(c).contains("mcu_embedding_s" + precision.substring(3) + "(").contains("mcu_layer_norm_s"
                + precision.substring(3) + "(");
    }

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "layer norm {0} {1}")
    @CsvSource({"host, int8", "host, int16", "cortex-m3, int16"})
    void layerNormWithConstantRowsAndLargeEpsilonIsBitExact(String target, String precision) throws Exception {
        VerifyCommandTest.requireTools(Target.fromId(target));
        Random r = new Random(5);
        int f = 10;
        GraphBuilder b = new GraphBuilder("norm_rows");
        b.input("x", Shape.of(6, f));
        b.add("ln_small", new Op.LayerNorm(1e-5f), List.of("x"), Map.of("gamma", FloatTensor.of(Shape.of(f),
                gaussian(r, f, 1, 0.3)), "beta", FloatTensor.of(Shape.of(f), gaussian(r, f, 0, 0.2))));
        b.add("ln_large_eps", new Op.LayerNorm(4f), List.of("ln_small"), Map.of("gamma", FloatTensor.of(Shape.of(f),
                gaussian(r, f, 1, 0.3)), "beta", FloatTensor.of(Shape.of(f), gaussian(r, f, 0, 0.2))));
        b.output("ln_large_eps");
        Path model = tmp.resolve("norm_rows.json");
        GraphJson.write(b.build(), model);
        float[] x = gaussian(r, 8 * 6 * f, 0, 2);
        for (int i = 0; i < f; i++) {
            x[i] = 1.25f; // sample 0, row 0: constant, variance 0
            x[6 * f + 2 * f + i] = -3f; // sample 1, row 2: constant
        }
        Path data = tmp.resolve("x.npy");
        Npy.write(data, NpyArray.ofFloat32(List.of(8, 6, f), x));
        Path out = tmp.resolve("out");
        CliTest.Result res = CliTest.run("verify", model.toString(), "--target", target, "--precision", precision,
                "--calibration", data.toString(), "--data", data.toString(), "--samples", "3", "--out", out.toString(),
                "--no-progress");
        assertThat(res.code()).as("stdout %s%nstderr %s", res.out(), res.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        // the integers follow the float reference (a constant row normalizes to beta)
        assertThat(j.at("/metrics/cosine").asDouble()).isGreaterThan(0.999);
        assertThat(j.at("/metrics/sqnr_db").asDouble()).isGreaterThan(precision.equals("int16") ? 40 : 25);
    }

    @Test
    void tokenIdsOutsideTheTableAreRefusedNamingFileSampleAndValue() throws Exception {
        Path model = tokenClassifier(tmp);
        Path bad = tmp.resolve("bad.npy");
        int[] ids = new int[3 * STEPS];
        ids[STEPS + 4] = VOCAB; // sample 1
        Npy.write(bad, NpyArray.ofInts(NpyDtype.INT32, List.of(3, STEPS), ids));
        CliTest.Result r = CliTest.run("simulate", model.toString(), "--data", bad.toString(), "--mode", "float",
                "--out", tmp.resolve("y.npy").toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("bad.npy").contains("sample 1").contains("holds " + VOCAB).contains("[0, " + VOCAB + ")")
                .contains("MCG_DATA_TOKEN_ID");
        float[] fractional = new float[3 * STEPS];
        fractional[2 * STEPS] = 2.5f;
        Path half = tmp.resolve("half.npy");
        Npy.write(half, NpyArray.ofFloat32(List.of(3, STEPS), fractional));
        r = CliTest.run("simulate", model.toString(), "--data", half.toString(), "--mode", "float",
                "--out", tmp.resolve("y.npy").toString(), "--no-progress");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("half.npy").contains("sample 2").contains("2.5").contains("MCG_DATA_TOKEN_ID");
    }

    /** Embedding(VOCAB, 8) -> LayerNormalization -> LSTM(10) -> Dense(3, softmax) on token ids [STEPS]. */
    static Path tokenClassifier(Path dir) {
        Random r = new Random(11);
        int d = 8;
        int u = 10;
        GraphBuilder b = new GraphBuilder("token_classifier");
        b.input("tokens", Shape.of(STEPS));
        b.add("embedding", new Op.Embedding(VOCAB, d), List.of("tokens"),
                Map.of("embeddings", FloatTensor.of(Shape.of(VOCAB, d), gaussian(r, VOCAB * d, 0, 0.6))));
        b.add("norm", new Op.LayerNorm(1e-3f), List.of("embedding"), Map.of(
                "gamma", FloatTensor.of(Shape.of(d), gaussian(r, d, 1, 0.2)),
                "beta", FloatTensor.of(Shape.of(d), gaussian(r, d, 0, 0.1))));
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("kernel", FloatTensor.of(Shape.of(d, 4 * u), gaussian(r, d * 4 * u, 0, 0.3)));
        w.put("recurrent_kernel", FloatTensor.of(Shape.of(u, 4 * u), gaussian(r, u * 4 * u, 0, 0.3)));
        w.put("bias", FloatTensor.of(Shape.of(4 * u), gaussian(r, 4 * u, 0, 0.1)));
        b.add("lstm", new Op.Lstm(u, Activation.TANH, Activation.SIGMOID, true, false, false, false, false, false, 0),
                List.of("norm"), w);
        b.add("classes", new Op.Dense(3, Activation.SOFTMAX, true), List.of("lstm"), Map.of(
                "kernel", FloatTensor.of(Shape.of(u, 3), gaussian(r, u * 3, 0, 0.5)),
                "bias", FloatTensor.of(Shape.of(3), gaussian(r, 3, 0, 0.1))));
        b.output("classes");
        Path file = dir.resolve("token_classifier.json");
        GraphJson.write(b.build(), file);
        return file;
    }

    /** int64 token ids [n, STEPS] in [0, vocab), sample 0 starting with 0 and vocab - 1. */
    static Path tokens(Path file, Random r, int n, int vocab) {
        int[] ids = new int[n * STEPS];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(vocab);
        }
        ids[0] = 0;
        ids[1] = vocab - 1;
        Npy.write(file, NpyArray.ofInts(NpyDtype.INT64, List.of(n, STEPS), ids));
        return file;
    }

    private static float[] gaussian(Random r, int n, double mean, double std) {
        return VerifyLstmVariantsTest.gaussian(r, n, mean, std);
    }
}
