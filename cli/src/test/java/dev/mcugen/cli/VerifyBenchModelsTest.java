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
 * The per-target kernels (DSP on cortex-m4/m7/m33/m55, the four-row kernel on cortex-m3, the 32-bit shift-only
 * path on cortex-m0, NEON) proved bit-exact by {@code mcugen verify} on the benchmark models whose
 * figures the README publishes, with both forms of rescaling: the target's default ({@code auto}:
 * shift-only on cortex-m0, multiplier elsewhere) and the other one. {@code fc256}/{@code fc64} and
 * {@code lstm64}/{@code lstm128} run the same kernels at two sizes, so on each target one of each pair
 * (alternating from target to target) also runs the other rescaling; {@code conv1d} and {@code gru64}
 * run both everywhere. The convolution layer models ({@link #CONV_MODELS}: pairs of im2col, pointwise and
 * depthwise shapes) run with the default rescaling, their 2 test samples, each pair covering host,
 * cortex-m4 (DSP), cortex-m3, cortex-m0 and neon once.
 */
class VerifyBenchModelsTest {
    static final List<String> MODELS = List.of("fc256", "fc64", "conv1d", "lstm64", "lstm128", "gru64");
    static final List<String> CONV_MODELS = List.of("kws_conv", "res3x3", "pw64", "pw16", "dw_s1", "dw_s2");
    static final List<Target> CONV_TARGETS = List.of(Target.HOST, Target.CORTEX_M4, Target.CORTEX_M3, Target.NEON,
            Target.CORTEX_M0);

    @TempDir
    Path tmp;

    static Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (int k = 0; k < MODELS.size(); k++) {
            String m = MODELS.get(k);
            boolean pair = m.startsWith("fc") || m.startsWith("lstm");
            for (Target t : Target.values()) {
                all.add(Arguments.of(m, t.id(), "auto"));
                if (!pair || (k + t.ordinal()) % 2 == 0) {
                    all.add(Arguments.of(m, t.id(), t == Target.CORTEX_M0 ? "multiplier" : "pot"));
                }
            }
        }
        for (int k = 0; k < CONV_MODELS.size(); k++) {
            // pairs of the same kernel split the targets: the first of a pair on host, cortex-m3 and cortex-m0
            // (pw16 and res3x3, 18 and 16 KB of tensors, do not fit the microbit's 16 KiB of RAM), the second
            // on cortex-m4 and neon
            for (int i = 0; i < CONV_TARGETS.size(); i++) {
                if (i % 2 == k % 2) {
                    all.add(Arguments.of(CONV_MODELS.get(k), CONV_TARGETS.get(i).id(), "auto"));
                }
            }
        }
        return all.stream();
    }

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} {1} --rescale {2}")
    @MethodSource("matrix")
    void bitExact(String model, String target, String rescale) throws Exception {
        Target t = Target.fromId(target);
        VerifyCommandTest.requireTools(t);
        // test.npy holds 4 samples (2 for the convolution layer models)
        int samples = t == Target.HOST && !CONV_MODELS.contains(model) ? 4 : 2;
        Path dir = CliTest.ROOT.resolve("qemu-tests/bench/models").resolve(model);
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", dir.resolve("model.json").toString(), "--target", target,
                "--rescale", rescale, "--data", dir.resolve("test.npy").toString(), "--samples",
                Integer.toString(samples), "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("samples").asInt()).isEqualTo(samples);
        boolean recurrent = model.startsWith("lstm") || model.startsWith("gru");
        assertThat(j.at("/streaming/samples_checked").asInt()).isEqualTo(recurrent ? samples : 0);
        assertThat(j.at("/quantization/options/rescale").asText()).isEqualTo(rescale);
        if (t.isCortexM()) {
            assertThat(j.get("soft_float_symbols").asInt()).as("no __aeabi_f*/__aeabi_d* in the image").isZero();
        }
    }
}
