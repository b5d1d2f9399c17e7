package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code mcugen verify} on Bidirectional models (TF.js fixtures of {@code examples/lib/rnn-fixtures.js}):
 * bit-exact with the simulator on the host and under QEMU, int8 and int16; the generated header has no
 * {@code _step} and says why in plain words, and verify reports streaming as not applicable with that
 * reason instead of failing.
 */
class VerifyBidirectionalTest {
    static final Path FIXTURES = CliTest.ROOT.resolve("ir/src/test/resources/tfjs");

    @TempDir
    Path tmp;

    @Execution(ExecutionMode.CONCURRENT) // cases one per processor, the class alone (junit-platform.properties)
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "bidi_stacked_go_backwards, host, int8",
            "bidi_lstm_concat_seq, cortex-m4, int8",
            "bidi_gru_sum_seq, cortex-m4, int16",
    })
    void bidirectionalIsBitExactAndStreamingIsNotApplicable(String name, String target, String precision)
            throws Exception {
        VerifyCommandTest.requireTools(Target.fromId(target));
        Path dir = FIXTURES.resolve(name);
        Path input = dir.resolve("input.npy");
        Path out = tmp.resolve("out");
        CliTest.Result r = CliTest.run("verify", dir.resolve("model.json").toString(), "--target", target,
                "--precision", precision, "--data", input.toString(), "--calibration", input.toString(),
                "--samples", "3", "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator", "streaming: not applicable");

        String header = Files.readString(out.resolve(name + ".h"));
        assertThat(header).doesNotContain(name + "_step(")
                .contains("No " + name + "_step: layer '")
                .contains("runs backwards over time", "Bidirectional", "needs the whole sequence");

        JsonNode j = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.get("samples").asInt()).isEqualTo(3);
        JsonNode s = j.get("streaming");
        assertThat(s.get("has_step").asBoolean()).isFalse();
        assertThat(s.get("status").asText()).isEqualTo("not applicable");
        // the first layer running backwards: bidi_1/forward_lstm where the wrapped LSTM itself has go_backwards
        assertThat(s.get("note").asText()).contains("layer 'bidi", "needs the whole sequence");
        assertThat(j.at("/metrics/sqnr_db").asDouble()).isGreaterThan(25.0);
        assertThat(Files.readString(out.resolve("report.html"))).contains("streaming (_step)", "not applicable");
    }
}
