package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mcugen verify} is bit-exact on every example model for every target, with
 * {@code --activation lut} and {@code poly}, {@code --precision int8} and {@code int16}; every
 * recurrent example also streams ({@code _reset} + T x {@code _step} == {@code _invoke}) in the
 * harness on the target itself.
 *
 * <p>The host runs all four activation x precision combinations of every example. An emulated target
 * runs two per example, chosen so that each example on each target meets both precisions and both
 * activations ({@code int8/lut + int16/poly} for one half of the examples, {@code int8/poly +
 * int16/lut} for the other, swapped from target to target), and each target meets all four
 * combinations over the examples: every pair of (example, target, activation, precision) is covered
 * at half the emulator time of the full product. A feed-forward example has no sigmoid or tanh to
 * choose an implementation for, so it runs {@code lut} only.
 */
class VerifyExamplesTest {
    static final List<String> EXAMPLES = List.of("har_lstm", "kws_gru", "gesture_conv1d", "stacked_rnn");

    @TempDir
    Path tmp;

    static Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (int e = 0; e < EXAMPLES.size(); e++) {
            String example = EXAMPLES.get(e);
            boolean tables = !example.equals("gesture_conv1d");
            for (Target t : Target.values()) {
                for (String act : tables ? List.of("lut", "poly") : List.of("lut")) {
                    for (String precision : List.of("int8", "int16")) {
                        boolean diagonal = act.equals("lut") == precision.equals("int8");
                        boolean wantDiagonal = (e + t.ordinal()) % 2 == 0;
                        if (t == Target.HOST || !tables || diagonal == wantDiagonal) {
                            all.add(Arguments.of(example, t.id(), act, precision));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("matrix")
    void bitExactAndStreaming(String example, String target, String activation, String precision) throws Exception {
        Target t = Target.fromId(target);
        VerifyCommandTest.requireTools(t);
        // Few samples on the emulators (each one also streams); the neon trace is the slowest.
        int samples = t == Target.HOST ? 20 : t == Target.NEON ? 2 : 4;
        Path dir = CliTest.ROOT.resolve("examples").resolve(example);
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", dir.resolve("model.json").toString(), "--target", target,
                "--activation", activation, "--precision", precision, "--data", dir.resolve("test.npy").toString(),
                "--samples", Integer.toString(samples), "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("samples").asInt()).isEqualTo(samples);
        boolean recurrent = !example.equals("gesture_conv1d");
        assertThat(j.at("/streaming/has_step").asBoolean()).isEqualTo(recurrent);
        assertThat(j.at("/streaming/samples_checked").asInt()).isEqualTo(recurrent ? samples : 0);
        if (recurrent) {
            assertThat(r.out()).contains("streaming: _reset + ", "x _step equals _invoke on all " + samples + " sample(s)");
        }
        assertThat(j.at("/quantization/options/activation").asText()).isEqualTo(activation);
        assertThat(j.at("/quantization/options/precision").asText()).isEqualTo(precision);
        // Accuracy vs float is the quantization issue's; here it only guards against a wrong model.
        assertThat(j.at("/metrics/top1_agreement").asDouble()).isGreaterThanOrEqualTo(0.5);
        JsonNode cost = j.get("cost");
        assertThat(cost.get("instructions_per_inference").isNull()).isEqualTo(t == Target.HOST);
        if (t.isCortexM()) {
            assertThat(j.get("soft_float_symbols").asInt()).as("no __aeabi_f*/__aeabi_d* in the image").isZero();
            assertThat(cost.get("stack_bytes").asLong()).isPositive();
            assertThat(cost.get("ram_bytes").asLong() + cost.get("stack_bytes").asLong()).isLessThan(
                    t.memory().orElseThrow().ramBytes());
        }
    }
}
