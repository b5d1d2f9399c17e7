package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.fixed.IoConversion;
import dev.mcugen.ir.fixed.IoFormat;
import dev.mcugen.qemu.BoardSupport;
import dev.mcugen.qemu.RunResult;
import dev.mcugen.qemu.Target;
import dev.mcugen.qemu.TargetRunner;
import dev.mcugen.qemu.TargetRunners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated {@code _quantize_input} / {@code _dequantize_output} on a Cortex-M4 under QEMU
 * give the Java reference on every int16 sample and every model output value: the program counts
 * the values that differ from the expected table (made in Java from the header's published scale).
 */
class IoHelpersTargetTest {
    @TempDir
    Path tmp;

    @Test
    void everyValueMatchesTheJavaReferenceOnCortexM4() throws Exception {
        VerifyCommandTest.requireTools(Target.CORTEX_M4);
        Path out = tmp.resolve("gen");
        IoFormat in = IoFormat.parse("q3.12");
        IoFormat outFmt = IoFormat.parse("int16:scale=1/1000");
        CliTest.Result r = CliTest.run("build", CliTest.HAR.resolve("model.json").toString(), "--target", "cortex-m4",
                "--name", "har", "--input-format", "q3.12", "--output-format", "int16:scale=1/1000", "--out", out.toString(),
                "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        String h = Files.readString(out.resolve("har.h"));
        IoConversion toModel = IoConversion.toModel(in, macro(h, "HAR_INPUT_SCALE_NUM"), (int) macro(h, "HAR_INPUT_SCALE_SHIFT"),
                macro(h, "HAR_INPUT_ZERO_POINT"), macro(h, "HAR_INPUT_QMIN"), macro(h, "HAR_INPUT_QMAX"));
        IoConversion fromModel = IoConversion.fromModel(outFmt, macro(h, "HAR_OUTPUT_SCALE_NUM"),
                (int) macro(h, "HAR_OUTPUT_SCALE_SHIFT"), macro(h, "HAR_OUTPUT_ZERO_POINT"));
        long qmin = macro(h, "HAR_OUTPUT_QMIN");
        long qmax = macro(h, "HAR_OUTPUT_QMAX");

        StringBuilder c = new StringBuilder("#include <stdint.h>\n#include \"board.h\"\n#include \"har.h\"\n\n");
        c.append("static const har_input_t want_q[65536] = {");
        for (long v = -32768; v <= 32767; v++) {
            c.append(v % 32 == 0 ? "\n" : " ").append(toModel.apply(v)).append(',');
        }
        c.append("\n};\nstatic const int16_t want_v[").append(qmax - qmin + 1).append("] = {");
        for (long q = qmin; q <= qmax; q++) {
            c.append(q % 32 == 0 ? "\n" : " ").append(fromModel.apply(q)).append(',');
        }
        c.append("\n};\n\n").append("""
                int main(void)
                {
                    int32_t v, bad = 0;
                    for (v = -32768; v <= 32767; v++) {
                        const int16_t x = (int16_t)v;
                        har_input_t q;
                        har_quantize_input(&x, &q, 1);
                        bad += q != want_q[v + 32768];
                    }
                    board_write_kv("quantize mismatches: ", bad);
                    bad = 0;
                    for (v = HAR_OUTPUT_QMIN; v <= HAR_OUTPUT_QMAX; v++) {
                        const har_output_t q = (har_output_t)v;
                        int16_t y;
                        har_dequantize_output(&q, &y, 1);
                        bad += y != want_v[v - HAR_OUTPUT_QMIN];
                    }
                    board_write_kv("dequantize mismatches: ", bad);
                    board_exit(0);
                }
                """);
        Path main = Files.writeString(tmp.resolve("main.c"), c.toString());
        List<Path> sources = new ArrayList<>(List.of(main, out.resolve("har.c")));
        try (Stream<Path> s = Files.list(out.resolve("runtime/src"))) {
            s.filter(p -> p.toString().endsWith(".c")).sorted().forEach(sources::add);
        }
        BoardSupport boards = BoardSupport.bundled(tmp.resolve("boards"));
        RunResult run;
        try (TargetRunner runner = TargetRunners.select(boards, tmp.resolve("run"), line -> { })) {
            run = runner.run(Target.CORTEX_M4, sources, List.of(out, out.resolve("runtime/include")), Duration.ofMinutes(3));
        }
        assertThat(run.stdout()).as(run.stderr()).contains("quantize mismatches: 0", "dequantize mismatches: 0");
    }

    private static long macro(String header, String name) {
        Matcher m = Pattern.compile("#define " + name + " (-?\\d+)u?\\b").matcher(header);
        assertThat(m.find()).as(name).isTrue();
        return Long.parseLong(m.group(1));
    }
}
