package dev.mcugen.cli;

import static dev.mcugen.cli.CliTest.HAR;
import static dev.mcugen.cli.CliTest.assertOneLineError;
import static dev.mcugen.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.qemu.Target;
import dev.mcugen.qemu.Tools;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 17 parts 3, 5 and 6 as the command line meets them: each probe of the issue is refused in one
 * line with its key and exit code, bounded in time.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputsCliTest {
    private static final Path GESTURE = CliTest.ROOT.resolve("examples/gesture_conv1d");

    @TempDir
    Path tmp;

    private CliTest.Result simulate(Path data) {
        return run("simulate", HAR.toString(), "--data", data.toString(), "--mode", "float", "--out",
                tmp.resolve("y.npy").toString(), "--no-progress");
    }

    @Test
    void dataSymlinkToDevZeroIsRefused() throws Exception {
        assumeThat(Path.of("/dev/zero")).exists();
        Path link = Files.createSymbolicLink(tmp.resolve("zero.npy"), Path.of("/dev/zero"));
        assertOneLineError(simulate(link), ExitCodes.REJECTED, "zero.npy", "not a regular file", "[MCG_IO_NOT_REGULAR]");
    }

    @Test
    void dataFifoIsRefusedWithoutBlocking() throws Exception {
        Path fifo = tmp.resolve("fifo.npy");
        assumeThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertOneLineError(simulate(fifo), ExitCodes.REJECTED, "fifo.npy", "[MCG_IO_NOT_REGULAR]");
    }

    @Test
    void npyHeaderOf100MbIsNotEchoed() throws Exception {
        // A v2 header whose length field says 100 MB, of 100 MB of text (sparse on disk).
        Path f = tmp.resolve("header.npy");
        try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0});
            raf.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(100 << 20).array());
            raf.write("{'descr': 'AAAA".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            raf.setLength(12 + (100L << 20));
        }
        CliTest.Result r = simulate(f);
        assertOneLineError(r, ExitCodes.REJECTED, "[MCG_NPY_FORMAT]");
        assertThat(r.err().length()).isLessThan(ExitCodes.MAX_LINE + 100);
    }

    @Test
    void controlBytesNeverReachTheTerminal() throws Exception {
        Path f = tmp.resolve("ctl.npy");
        String header = "{'descr': '\u001b[2J\u001b]0;pwned\u0007', 'fortran_order': False, 'shape': (3,), }";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.write(f, b.array());
        CliTest.Result r = simulate(f);
        assertOneLineError(r, ExitCodes.REJECTED, "[MCG_NPY_FORMAT]");
        assertThat(r.err()).doesNotContain("\u001b").doesNotContain("\u0007");
    }

    /** A command whose work exhausts the heap. */
    @CommandLine.Command(name = "oom")
    static final class Oom implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void outOfMemoryErrorIsOneLineWithItsOwnKeyAndNoTrace() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Oom());
        cl.setErr(new PrintWriter(err, true));
        ExitCodes.install(cl);
        int code = Main.execute(cl, new PrintWriter(err, true));
        assertThat(code).isEqualTo(ExitCodes.ENVIRONMENT).isEqualTo(5);
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(err.toString()).startsWith("mcugen: ").contains("[MCG_ENV_OUT_OF_MEMORY]").contains("-Xmx")
                .doesNotContain("\tat ");
    }

    @Test
    void environmentFailuresHaveTheirOwnExitCode() {
        assertThat(ExitCodes.of(Diag.MCG_ENV_TOOL_MISSING.kind())).isEqualTo(5);
        assertThat(ExitCodes.of(Diag.MCG_ENV_NO_SPACE.kind())).isEqualTo(5);
        assertThat(ExitCodes.of(Diag.MCG_ENV_OUT_OF_MEMORY.kind())).isEqualTo(5);
    }

    @Test
    void missingQemuIsReportedAsTheEnvironmentNotAsAnInternalError() throws Exception {
        // A PATH without QEMU and the cross compilers, whatever this machine has.
        Tools.pathOverride = Files.createDirectories(tmp.resolve("empty-path")).toString();
        try {
            assumeThat(System.getenv(dev.mcugen.qemu.TargetRunners.ENV)).as("local runner").isIn(null, "", "local", "auto");
            CliTest.Result r = run("verify", HAR.toString(), "--target", "cortex-m4", "--data", HAR.resolve("test.npy").toString(),
                    "--samples", "2", "--out", tmp.resolve("v").toString(), "--no-progress");
            assertOneLineError(r, ExitCodes.ENVIRONMENT, "cortex-m4", "missing", "arm-none-eabi-gcc", "[MCG_ENV_TOOL_MISSING]");
        } finally {
            Tools.pathOverride = null;
        }
    }

    /** gesture_conv1d as graph JSON with {@code edit} applied to layer {@code layer}'s attributes. */
    private Path gestureWith(String layer, String attr, long value) throws Exception {
        Path json = tmp.resolve("g.json");
        assertThat(run("convert", GESTURE.toString(), "--out", json.toString()).code()).isZero();
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(json.toFile());
        for (JsonNode n : root.get("nodes")) {
            ((ObjectNode) n).remove("output_shape");
            if (n.get("name").asText().equals(layer)) {
                ((ObjectNode) n.get("attrs")).put(attr, value);
            }
        }
        Path edited = tmp.resolve("edited.json");
        om.writeValue(edited.toFile(), root);
        return edited;
    }

    @Test
    void conv1dStridesNear2to31AreRefusedNamingTheLayer() throws Exception {
        for (long stride : new long[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 63}) {
            Path m = gestureWith("conv2", "strides", stride);
            CliTest.Result r = run("build", m.toString(), "--calibration", GESTURE.resolve("calibration.npy").toString(),
                    "--out", tmp.resolve("o").toString(), "--no-progress");
            assertOneLineError(r, ExitCodes.REJECTED, "conv2", "[MCG_GRAPH_SHAPE]");
        }
    }

    @Test
    void flattenOf70000x70000IsRefusedNamingTheLayer() throws Exception {
        Path m = tmp.resolve("flat.json");
        Files.writeString(m, "{\"format\": \"mcugen-graph\", \"version\": 1, \"name\": \"flat\","
                + " \"inputs\": [{\"name\": \"x\", \"shape\": [70000, 70000]}],"
                + " \"nodes\": [{\"name\": \"flat\", \"op\": \"flatten\", \"inputs\": [\"x\"], \"attrs\": {}}],"
                + " \"outputs\": [\"flat\"]}");
        assertOneLineError(run("inspect", m.toString()), ExitCodes.REJECTED, "flat", "[70000, 70000]", "[MCG_GRAPH_SHAPE]");
    }

    @Test
    void calibrationScaledBy1e30IsRefusedAsAQuantizationRange() throws Exception {
        NpyArray cal = Npy.read(GESTURE.resolve("calibration.npy"));
        float[] v = cal.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= 1e-30f;
        }
        Path tiny = tmp.resolve("tiny.npy");
        Npy.write(tiny, NpyArray.ofFloat32(cal.shape(), v));
        CliTest.Result r = run("build", GESTURE.toString(), "--calibration", tiny.toString(), "--out",
                tmp.resolve("o").toString(), "--no-progress");
        assertOneLineError(r, ExitCodes.REJECTED, "layer 'conv1'", "does not fit int64", "calibrate with data",
                "[MCG_QUANT_RANGE]");
    }

    private Path harWithOneOutlier(float value) {
        NpyArray cal = Npy.read(HAR.resolve("calibration.npy"));
        float[] v = cal.toFloatArray();
        v[0] = value;
        Path f = tmp.resolve("outlier.npy");
        Npy.write(f, NpyArray.ofFloat32(cal.shape(), v));
        return f;
    }

    @Test
    void oneCalibrationOutlierIsWarnedAboutAndReported() throws Exception {
        Path cal = harWithOneOutlier(1e6f);
        Path out = tmp.resolve("b");
        CliTest.Result r = run("build", HAR.toString(), "--calibration", cal.toString(), "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("mcugen: warning: ").contains("'lstm_input' (max |x| 1.00e+06")
                .contains("--calibration-method percentile or mse");
        JsonNode c = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("calibration");
        assertThat(c.get("method").asText()).isEqualTo("minmax");
        assertThat(c.get("warning").asText()).contains("lstm_input");
        JsonNode input = c.get("tensors").get(0);
        assertThat(input.get("tensor").asText()).isEqualTo("lstm_input");
        assertThat(input.get("dominated").asBoolean()).isTrue();
        assertThat(Files.readString(out.resolve(ReportHtml.FILE))).contains("Calibration ranges (method: minmax)")
                .contains("Warning: ");
    }

    @Test
    void oneCalibrationOutlierIsClippedByPercentileAndVerifiesAccurately() throws Exception {
        VerifyCommandTest.requireTools(Target.HOST);
        Path cal = harWithOneOutlier(1e6f);
        Path out = tmp.resolve("v");
        CliTest.Result r = run("verify", HAR.toString(), "--calibration", cal.toString(), "--calibration-method",
                "percentile", "--data", HAR.resolve("test.npy").toString(), "--out", out.toString(), "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("warning");
        JsonNode root = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode input = root.get("calibration").get("tensors").get(0);
        assertThat(input.get("seen_max").asDouble()).isEqualTo(1e6);
        assertThat(input.get("max").asDouble()).isLessThan(2);
        assertThat(input.get("clipped_fraction").asDouble()).isGreaterThan(0).isLessThan(1e-3);
        assertThat(root.get("metrics").get("top1_agreement").asDouble()).isGreaterThanOrEqualTo(0.95);
        // The C says what made it: other ranges, other constants.
        assertThat(Files.readString(out.resolve("har_lstm.h"))).contains("calibration method: percentile");
    }

    @Test
    void picocliUsageErrorsCarryTheUsageKey() {
        assertOneLineError(run("build", HAR.toString(), "--bogus"), ExitCodes.USAGE, "--bogus", "[MCG_CLI_USAGE]", "--help");
        assertOneLineError(run("build", HAR.toString(), "--calibration-method", "median"), ExitCodes.USAGE, "[MCG_CLI_USAGE]");
    }

    @Test
    void tooLargeSamplesIsRefusedNotClamped() {
        CliTest.Result r = run("verify", HAR.toString(), "--data", HAR.resolve("test.npy").toString(), "--samples", "100000",
                "--out", tmp.resolve("v").toString(), "--no-progress");
        assertOneLineError(r, ExitCodes.USAGE, "--samples", "100000", "[MCG_CLI_USAGE]");
        assertThat(tmp.resolve("v")).doesNotExist();
    }
}
