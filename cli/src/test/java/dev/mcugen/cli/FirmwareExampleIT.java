package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.View;
import dev.mcugen.ir.fixed.IoConversion;
import dev.mcugen.ir.fixed.IoFormat;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.sim.FixedPointSimulator;
import dev.mcugen.qemu.Target;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firmware example as its README says to run it: {@code make -C examples/firmware run} (mcugen
 * from the packaged jar) builds the application around the generated har_lstm folder through its
 * Make fragment and runs it on the Cortex-M4 board under QEMU. Each window's printed scores must be
 * the simulator's outputs for the same integer inputs (the firmware quantizes milli-g readings with
 * the header's scale macros), and the code must be the one {@code mcugen build} makes.
 */
class FirmwareExampleIT {
    private static final Pattern WINDOW = Pattern.compile(
            "^window (\\d+): class (\\d+) \\((\\w+)\\), scores((?: -?\\d+)+), recorded as (\\w+)$", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    @Test
    void makeRunStreamsEveryWindowAndPrintsTheSimulatorsScores() throws Exception {
        VerifyCommandTest.requireTools(Target.CORTEX_M4);
        Path example = CliTest.ROOT.resolve("examples/firmware");
        Path build = tmp.resolve("build");
        String mcugen = "java -jar " + ShadedJarIT.JAR.toAbsolutePath();
        String out = exec(List.of("make", "-C", example.toString(), "run", "BUILD=" + build, "MCUGEN=" + mcugen), 600);

        Matcher m = WINDOW.matcher(out);
        List<int[]> scores = new ArrayList<>();
        while (m.find()) {
            assertThat(Integer.parseInt(m.group(1))).isEqualTo(scores.size());
            scores.add(Arrays.stream(m.group(4).strip().split(" ")).mapToInt(Integer::parseInt).toArray());
        }
        assertThat(scores).as(out).hasSize(8);
        assertThat(out).contains("windows matching their recorded activity: ");

        // The same model in-process: the default cortex-m4 options the Makefile's build uses (the
        // cortex-m4 weight layouts included).
        Path model = CliTest.ROOT.resolve("examples/har_lstm/model.json");
        // Through the one compile pipeline the CLI's build uses (folding, bias correction, quantization).
        Graph g = ModelLoader.load(model);
        QuantizedModel qm = CompilePipeline.quantize(g, InputData.read(g, List.of(model.resolveSibling("calibration.npy"))),
                QuantOptions.defaults(QuantOptions.Target.CORTEX_M4), Progress.NONE);
        IoFormat milliG = IoFormat.parse("int16:scale=1/1000");
        GenOptions gen = new GenOptions("har", List.of()).withTarget(QuantOptions.Target.CORTEX_M4).withIoFormats(milliG, null);
        CGenerator.Output generated = new CGenerator().build(qm.graph(), gen);
        String c = new String(generated.files().get("har.c"), StandardCharsets.UTF_8);
        String built = Files.readString(build.resolve("har/har.c"));
        assertThat(programHash(built)).as("the firmware runs the integer program mcugen builds").isEqualTo(programHash(c));

        FixedPointSimulator sim = new FixedPointSimulator(qm.graph());
        QInput in = qm.graph().inputs().get(0);
        // The firmware quantizes with the generated har_quantize_input: its Java reference.
        View.Port port = generated.view().input();
        IoConversion toModel = IoConversion.toModel(milliG, Long.parseLong(port.scaleNum().replace("u", "")),
                Integer.parseInt(port.scaleShift()), in.type().zeroPoint(), in.type().qmin(), in.type().qmax());
        int[][] windows = sensorTable(Files.readString(example.resolve("sensor_data.c")), 8, 150);
        for (int w = 0; w < 8; w++) {
            int[] q = new int[150];
            for (int i = 0; i < 150; i++) {
                q[i] = (int) toModel.apply(windows[w][i]);
                // the same integer as the exact rounding of milli_g / 1000 / scale the example computed by hand before
                assertThat(q[i]).as("reading %d of window %d", i, w).isEqualTo(quantize(windows[w][i], in.type()));
            }
            int[] want = sim.run(Map.of(in.name(), q), IntObserver.NONE).get(qm.graph().outputs().get(0));
            assertThat(scores.get(w)).as("window %d", w).containsExactly(want);
        }
    }

    private static String programHash(String c) {
        Matcher m = Pattern.compile("integer program sha256: ([0-9a-f]{64})").matcher(c);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    /** The exact quantization: round(milli_g / 1000 / scale), half away from zero, + zero point, clamped. */
    private static int quantize(int milliG, QuantType t) {
        BigDecimal q = BigDecimal.valueOf(milliG).divide(BigDecimal.valueOf(1000))
                .divide(new BigDecimal(scaleRatio(t.scale())), 0, RoundingMode.HALF_UP);
        long v = q.longValueExact() + t.zeroPoint();
        return (int) Math.max(t.qmin(), Math.min(t.qmax(), v));
    }

    /** The header's SCALE_NUM / 2^SCALE_SHIFT as an exact decimal (Lowering.port's rounding). */
    private static String scaleRatio(double scale) {
        int shift = 30 - Math.getExponent(scale);
        long num = Math.round(Math.scalb(scale, shift));
        if (num >= 1L << 31) {
            num >>= 1;
            shift -= 1;
        }
        return new BigDecimal(BigInteger.valueOf(num)).divide(new BigDecimal(BigInteger.TWO.pow(shift))).toPlainString();
    }

    /** The int16 table of sensor_data.c, comments removed, flattened per window. */
    private static int[][] sensorTable(String c, int windows, int perWindow) {
        String body = c.substring(c.indexOf("sensor_mg["), c.indexOf("};")).replaceAll("(?s)/\\*.*?\\*/", " ");
        body = body.substring(body.indexOf('=') + 1);
        int[] all = Pattern.compile("-?\\d+").matcher(body).results().mapToInt(r -> Integer.parseInt(r.group())).toArray();
        assertThat(all).hasSize(windows * perWindow);
        int[][] out = new int[windows][];
        for (int w = 0; w < windows; w++) {
            out[w] = Arrays.copyOfRange(all, w * perWindow, (w + 1) * perWindow);
        }
        return out;
    }

    private static String exec(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).isTrue();
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("%s%n%s", String.join(" ", cmd), out).isZero();
        return out;
    }
}
