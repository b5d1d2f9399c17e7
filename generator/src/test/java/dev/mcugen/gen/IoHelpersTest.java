package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.fixed.IoConversion;
import dev.mcugen.ir.fixed.IoFormat;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code <id>_quantize_input} and {@code <id>_dequantize_output} compiled on the host (strict
 * warnings, UBSan) give {@link IoConversion}'s integers on every value of a 16-bit or 8-bit
 * container, every model output value, and the extremes and random values of an int32 container.
 */
class IoHelpersTest {
    private static final String HARNESS = """
            #include <stdio.h>
            #include <stdint.h>
            #include "m.h"

            static SRC_T in[70000];
            static m_input_t q[70000];
            static m_output_t y[70000];
            static DST_T out[70000];

            int main(void)
            {
                long n, m, i, v;
                /* everything is read before anything is printed (the pipes hold little) */
                if (scanf("%ld", &n) != 1 || n > 70000) {
                    return 1;
                }
                for (i = 0; i < n; i++) {
                    if (scanf("%ld", &v) != 1) {
                        return 1;
                    }
                    in[i] = (SRC_T)v;
                }
                if (scanf("%ld", &m) != 1 || m > 70000) {
                    return 1;
                }
                for (i = 0; i < m; i++) {
                    if (scanf("%ld", &v) != 1) {
                        return 1;
                    }
                    y[i] = (m_output_t)v;
                }
                m_quantize_input(in, q, (int32_t)n);
                m_dequantize_output(y, out, (int32_t)m);
                for (i = 0; i < n; i++) {
                    printf("%ld\\n", (long)q[i]);
                }
                for (i = 0; i < m; i++) {
                    printf("%ld\\n", (long)out[i]);
                }
                return 0;
            }
            """;

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({"INT8, q7.8, q15", "INT8, int16:scale=1/1000, q7", "INT16, q3.12, int32:frac=20",
            "INT16, int32:frac=24, int16:scale=0.01", "INT8, int8:frac=0, int8:frac=-2"})
    void theCHelpersGiveTheJavaReferenceBitForBit(QuantOptions.Precision precision, String inFormat, String outFormat,
                                                  @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        QuantizedModel qm = quantize(precision);
        IoFormat fi = IoFormat.parse(inFormat);
        IoFormat fo = IoFormat.parse(outFormat);
        GenOptions opts = new GenOptions("m", List.of()).withIoFormats(fi, fo);
        CGenerator.Output o = new CGenerator().build(qm.graph(), opts);
        SortedMap<String, byte[]> files = o.files();
        View.Model view = o.view();
        IoConversion toModel = IoHelpers.reference(view.input(), fi, true);
        IoConversion fromModel = IoHelpers.reference(view.output(), fo, false);

        List<Long> xs = containerValues(fi);
        List<Long> ys = new ArrayList<>();
        for (long v = Long.parseLong(view.output().qmin()); v <= Long.parseLong(view.output().qmax()); v++) {
            ys.add(v);
        }
        CGenerator.write(files, dir);
        Files.writeString(dir.resolve("harness.c"), HARNESS);
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(HostC.FLAGS);
        cmd.addAll(List.of("-DSRC_T=" + fi.ctype(), "-DDST_T=" + fo.ctype(), "-I" + dir, "-I" + dir.resolve("runtime/include"),
                "-o", dir.resolve("h").toString(), dir.resolve("harness.c").toString(), dir.resolve("m.c").toString()));
        files.keySet().stream().filter(f -> f.startsWith("runtime/src/") && f.endsWith(".c"))
                .forEach(f -> cmd.add(dir.resolve(f).toString()));
        HostC.exec(cmd, null, dir);
        StringBuilder stdin = new StringBuilder().append(xs.size()).append('\n');
        xs.forEach(v -> stdin.append(v).append('\n'));
        stdin.append(ys.size()).append('\n');
        ys.forEach(v -> stdin.append(v).append('\n'));
        String[] got = HostC.exec(List.of(dir.resolve("h").toString()), stdin.toString(), dir).split("\n");
        assertThat(got).hasSize(xs.size() + ys.size());
        int saturatedLow = 0;
        int saturatedHigh = 0;
        for (int i = 0; i < xs.size(); i++) {
            long want = toModel.apply(xs.get(i));
            assertThat(Long.parseLong(got[i])).as("%s_quantize_input(%d)", "m", xs.get(i)).isEqualTo(want);
            saturatedLow += want == toModel.min() ? 1 : 0;
            saturatedHigh += want == toModel.max() ? 1 : 0;
        }
        for (int i = 0; i < ys.size(); i++) {
            assertThat(Long.parseLong(got[xs.size() + i])).as("m_dequantize_output(%d)", ys.get(i))
                    .isEqualTo(fromModel.apply(ys.get(i)));
        }
        // The values reached both ends of the model's range: the saturation was exercised.
        assertThat(saturatedLow).isPositive();
        assertThat(saturatedHigh).isPositive();

        String h = new String(files.get("m.h"), StandardCharsets.UTF_8);
        assertThat(h).contains("void m_quantize_input(const " + fi.ctype() + " *src, m_input_t *dst, int32_t count);",
                "void m_dequantize_output(const m_output_t *src, " + fo.ctype() + " *dst, int32_t count);");
        String c = new String(files.get("m.c"), StandardCharsets.UTF_8);
        assertThat(c).contains("half away from zero");
    }

    /** The Java reference against values computed by hand. */
    @Test
    void referenceByHand() {
        // q7 to an int8 input of scale 1/64 (num 2^30, shift 36), zero point -3: q = v / 2 - 3, ties away from 0.
        IoConversion c = IoConversion.toModel(IoFormat.parse("q7"), 1L << 30, 36, -3, -128, 127);
        assertThat(c.apply(0)).isEqualTo(-3);
        assertThat(c.apply(1)).isEqualTo(-2); // 0.5 -> 1
        assertThat(c.apply(-1)).isEqualTo(-4); // -0.5 -> -1
        assertThat(c.apply(127)).isEqualTo(61); // 63.5 -> 64
        assertThat(c.apply(-128)).isEqualTo(-67);
        // milli-g to an input of scale 1/256, zero point 0: q = round(v * 0.256), saturating.
        IoConversion g = IoConversion.toModel(IoFormat.parse("int16:scale=1/1000"), 1L << 30, 38, 0, -128, 127);
        assertThat(g.apply(6)).isEqualTo(2); // 1.536
        assertThat(g.apply(2)).isEqualTo(1); // 0.512
        assertThat(g.apply(-2)).isEqualTo(-1);
        assertThat(g.apply(1)).isEqualTo(0); // 0.256
        assertThat(g.apply(32767)).isEqualTo(127);
        assertThat(g.apply(-32768)).isEqualTo(-128);
        // From an output of scale 1/256, zero point -128, to q15: v = (q + 128) * 128.
        IoConversion o = IoConversion.fromModel(IoFormat.parse("q15"), 1L << 30, 38, -128);
        assertThat(o.apply(-128)).isEqualTo(0);
        assertThat(o.apply(127)).isEqualTo(255 * 128);
    }

    @Test
    void formatsParseAndRefuseClearly() {
        assertThat(IoFormat.parse("Q15")).satisfies(f -> {
            assertThat(f.bits()).isEqualTo(16);
            assertThat(f.meaning()).isEqualTo("real = v / 2^15");
        });
        assertThat(IoFormat.parse("q3.12").bits()).isEqualTo(16);
        assertThat(IoFormat.parse("int16:scale=0.001").meaning()).isEqualTo("real = v * 1/1000");
        assertThat(IoFormat.parse("int32:frac=-3").meaning()).isEqualTo("real = v * 2^3");
        assertThatThrownBy(() -> IoFormat.parse("q3.13")).hasMessageContaining("17 bits");
        assertThatThrownBy(() -> IoFormat.parse("int12:frac=3")).hasMessageContaining("is not a format");
        assertThatThrownBy(() -> IoFormat.parse("int16:scale=-1")).hasMessageContaining("positive");
        assertThatThrownBy(() -> IoFormat.parse("int16:frac=99")).hasMessageContaining("between -31 and 62");
    }

    @Test
    void aFormatThatCannotReachTheModelIsRefusedNamingThePort() throws Exception {
        QuantizedModel qm = quantize(QuantOptions.Precision.INT8);
        GenOptions opts = new GenOptions("m", List.of()).withIoFormats(IoFormat.parse("int32:frac=62"), null);
        assertThatThrownBy(() -> new CGenerator().build(qm.graph(), opts))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_GEN_IO_FORMAT))
                .hasMessageContaining("input '").hasMessageContaining("--input-format int32:frac=62");
    }

    /** With several inputs and outputs, one helper each, named like the port's macros, and the file compiles strictly. */
    @Test
    void aMultiIoModelGetsOneHelperPerInputAndOutput(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        dev.mcugen.ir.quant.QGraph g = MultiIoGraphTest.graph(new Random(7), 8);
        SortedMap<String, byte[]> files = new CGenerator().generate(g, new GenOptions("mio", List.of())
                .withIoFormats(IoFormat.parse("q15"), IoFormat.parse("int32:frac=16")));
        String h = new String(files.get("mio.h"), StandardCharsets.UTF_8);
        assertThat(h).contains("void mio_quantize_input_seq_a(const int16_t *src, mio_input_seq_a_t *dst, int32_t count);",
                "void mio_quantize_input_seq_b(const int16_t *src, mio_input_seq_b_t *dst, int32_t count);",
                "void mio_quantize_input_side(const int16_t *src, mio_input_side_t *dst, int32_t count);",
                "void mio_dequantize_output_probs(const mio_output_probs_t *src, int32_t *dst, int32_t count);",
                "void mio_dequantize_output_side(const mio_output_side_t *src, int32_t *dst, int32_t count);");
        CGenerator.write(files, dir);
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(HostC.FLAGS);
        cmd.addAll(List.of("-I" + dir, "-I" + dir.resolve("runtime/include"), "-c", dir.resolve("mio.c").toString(), "-o",
                dir.resolve("mio.o").toString()));
        HostC.exec(cmd, null, dir);
    }

    @Test
    void withoutFormatsThereAreNoHelpers() throws Exception {
        QuantizedModel qm = quantize(QuantOptions.Precision.INT8);
        SortedMap<String, byte[]> files = new CGenerator().generate(qm, new GenOptions("m", List.of()));
        assertThat(new String(files.get("m.h"), StandardCharsets.UTF_8)).doesNotContain("_quantize_input", "_dequantize_output");
    }

    private static QuantizedModel quantize(QuantOptions.Precision precision) throws Exception {
        QuantizedModel int8 = RuntimeFilesTest.quantize("har_lstm", QuantOptions.Target.HOST);
        if (precision == QuantOptions.Precision.INT8) {
            return int8;
        }
        return RuntimeFilesTest.quantize("har_lstm", new QuantOptions(precision, QuantOptions.Rescale.AUTO,
                QuantOptions.ActivationImpl.LUT, false, QuantOptions.Target.HOST));
    }

    /** Every value of an 8- or 16-bit container; for int32 the extremes, values around 0 and random ones. */
    private static List<Long> containerValues(IoFormat f) {
        List<Long> xs = new ArrayList<>();
        if (f.bits() <= 16) {
            for (long v = f.min(); v <= f.max(); v++) {
                xs.add(v);
            }
            return xs;
        }
        for (long v = -1000; v <= 1000; v++) {
            xs.add(v);
        }
        for (long v : new long[] {f.min(), f.min() + 1, f.max(), f.max() - 1, 1L << 30, -(1L << 30)}) {
            xs.add(v);
        }
        Random r = new Random(18);
        for (int i = 0; i < 30000; i++) {
            xs.add((long) r.nextInt() >> r.nextInt(31));
        }
        return xs;
    }
}
