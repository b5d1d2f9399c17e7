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
import dev.mcugen.qemu.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The LSTM variants TF.js cannot express (seed 000 Table 2: peephole, layer norm, projection, and
 * CIFG, all 16 combinations), written as mcugen graph JSON with odd widths (13 inputs, 29 units,
 * projection to 11), each verified bit-exact through the generated C, streaming included: on the
 * host at int8 and int16, and on a Cortex-M for every fourth combination.
 */
class VerifyLstmVariantsTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        for (int v = 0; v < 16; v++) {
            all.add(Arguments.of(v, "host", "int8", "lut"));
            all.add(Arguments.of(v, "host", "int16", "poly"));
            if (v % 4 == 1) {
                all.add(Arguments.of(v, "cortex-m0", "int8", "poly"));
            }
            if (v % 4 == 2) {
                all.add(Arguments.of(v, "cortex-m4", "int16", "lut"));
            }
        }
        return all.stream();
    }

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "variant {0} (cifg, peephole, layer norm, projection bits) {1} {2} {3}")
    @MethodSource("variants")
    void bitExact(int variant, String target, String precision, String activation) throws Exception {
        Target t = Target.fromId(target);
        VerifyCommandTest.requireTools(t);
        boolean cifg = (variant & 1) != 0;
        boolean peephole = (variant & 2) != 0;
        boolean layerNorm = (variant & 4) != 0;
        int projection = (variant & 8) != 0 ? 11 : 0;
        Path model = lstmModel(tmp, variant, 13, 29, 30, cifg, peephole, layerNorm, projection);
        Path data = tmp.resolve("x.npy");
        BoardBudgetTest.writeNpy(data, new Random(variant), 8, 30, 13);
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", model.toString(), "--target", target, "--precision", precision,
                "--activation", activation, "--calibration", data.toString(), "--data", data.toString(), "--samples", "4",
                "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.at("/streaming/samples_checked").asInt()).isEqualTo(4);
        String c = Files.readString(out.resolve("lstm_variant.c"));
        assertThat(c.contains(".input_gate = NULL")).as("CIFG has no input gate").isEqualTo(cifg);
        assertThat(c.contains("_peephole[")).as("peephole weights").isEqualTo(peephole);
        assertThat(c.contains("_ln_l[")).as("layer-norm coefficients").isEqualTo(layerNorm);
        assertThat(c.contains(".projection = NULL")).as("no projection").isEqualTo(projection == 0);
    }

    /** {@code x [T, F] -> LSTM(units, variant)}: the last hidden state, random but realistic weights. */
    static Path lstmModel(Path dir, long seed, int features, int units, int steps, boolean cifg, boolean peephole,
                          boolean layerNorm, int projection) {
        Random r = new Random(seed);
        Op.Lstm op = new Op.Lstm(units, Activation.TANH, Activation.SIGMOID, true, false, false, peephole, layerNorm,
                cifg, projection);
        int gu = op.gateCount() * units;
        int p = op.outputUnits();
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        w.put("kernel", FloatTensor.of(Shape.of(features, gu), gaussian(r, features * gu, 0, Math.sqrt(2.0 / (features + gu)))));
        w.put("recurrent_kernel", FloatTensor.of(Shape.of(p, gu), gaussian(r, p * gu, 0, Math.sqrt(1.0 / p))));
        float[] bias = gaussian(r, gu, 0, 0.15);
        for (int j = 0; j < units; j++) {
            bias[(cifg ? 0 : 1) * units + j] += 1.0f; // unit forget bias
        }
        w.put("bias", FloatTensor.of(Shape.of(gu), bias));
        Shape u = Shape.of(units);
        if (peephole) {
            if (!cifg) {
                w.put("cell_to_input", FloatTensor.of(u, gaussian(r, units, 0, 0.1)));
            }
            w.put("cell_to_forget", FloatTensor.of(u, gaussian(r, units, 0, 0.1)));
            w.put("cell_to_output", FloatTensor.of(u, gaussian(r, units, 0, 0.1)));
        }
        if (layerNorm) {
            for (String g : cifg ? List.of("forget", "cell", "output") : List.of("input", "forget", "cell", "output")) {
                w.put(g + "_layer_norm", FloatTensor.of(u, gaussian(r, units, 0.5, 0.075)));
            }
        }
        if (projection > 0) {
            w.put("projection_kernel", FloatTensor.of(Shape.of(units, projection),
                    gaussian(r, units * projection, 0, Math.sqrt(2.0 / (units + projection)))));
            w.put("projection_bias", FloatTensor.of(Shape.of(projection), gaussian(r, projection, 0, 0.05)));
        }
        GraphBuilder b = new GraphBuilder("lstm_variant");
        b.input("x", Shape.of(steps, features));
        b.add("lstm", op, List.of("x"), w);
        b.output("lstm");
        Path file = dir.resolve("lstm_variant.json");
        GraphJson.write(b.build(), file);
        return file;
    }

    static float[] gaussian(Random r, int n, double mean, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + std * r.nextGaussian());
        }
        return v;
    }
}
