package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build and simulate --mode fixed, as a user runs them on the bundled examples. */
class QuantizeCliTest {
    static final Path HAR = CliTest.HAR;

    @TempDir
    Path tmp;

    @Test
    void buildWritesTheCSourcesBesideTheReport() throws Exception {
        Path model = Path.of(System.getProperty("mcugen.root", "..")).resolve("examples/gesture_conv1d/model.json");
        Path out = tmp.resolve("gesture");
        CliTest.Result r = CliTest.run("build", model.toString(), "--target", "host", "--name", "gest", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String f : new String[] {"report.json", "gest.h", "gest.c", "gest.mk", "CMakeLists.txt",
                "runtime/include/mcu_nn.h", "runtime/src/mcu_conv_s8.c"}) {
            assertThat(out.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.readString(out.resolve("gest.c"))).contains("model file: model.json sha256 ",
                "options: --target host --precision int8 --rescale auto --activation lut");
    }

    @Test
    void buildWritesTheQuantizationReport() throws Exception {
        Path out = tmp.resolve("har-m4");
        CliTest.Result r = CliTest.run("build", HAR.toString(), "--target", "cortex-m4", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertThat(report.get("target").asText()).isEqualTo("cortex-m4");
        JsonNode q = report.get("quantization");
        assertThat(q.get("options").get("rescale_resolved").asText()).isEqualTo("multiplier");
        assertThat(q.get("contracts")).isNotEmpty();
        assertThat(q.get("tensors")).isNotEmpty();
        assertThat(q.get("accumulators")).isNotEmpty();
        for (JsonNode c : q.get("contracts")) {
            assertThat(c.get("status").asText()).isIn("held", "rounded", "violated");
        }
        for (JsonNode a : q.get("accumulators")) {
            assertThat(a.get("bound").asLong()).isLessThanOrEqualTo(a.get("limit").asLong());
        }
        // The LSTM cell state is a power-of-two format (seed 000 Table 2).
        assertThat(q.get("tensors").toString()).contains("lstm/cell");
    }

    @Test
    void cortexM0BuildsShiftOnly() throws Exception {
        Path out = tmp.resolve("har-m0");
        assertThat(CliTest.run("build", HAR.toString(), "--target", "cortex-m0", "--out", out.toString()).code()).isZero();
        JsonNode q = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("quantization");
        assertThat(q.get("options").get("rescale_resolved").asText()).isEqualTo("pot");
    }

    @Test
    void rebuildReplacesItsOwnOutputButNeverTheUsersFolder() throws Exception {
        Path out = tmp.resolve("o");
        assertThat(CliTest.run("build", HAR.toString(), "--out", out.toString()).code()).isZero();
        assertThat(CliTest.run("build", HAR.toString(), "--out", out.toString(), "--precision", "int16").code()).isZero();
        assertThat(Files.readString(out.resolve("report.json"))).contains("\"int16\"");

        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "do not touch");
        CliTest.Result r = CliTest.run("build", HAR.toString(), "--out", mine.toString());
        CliTest.assertOneLineError(r, 2, "mine", "not made by mcugen");
        try (var files = Files.list(mine)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("o", "mine");
        }
    }

    @Test
    void fixedSimulationAgreesWithFloat() {
        Path out = tmp.resolve("q.npy");
        CliTest.Result r = CliTest.run("simulate", HAR.toString(), "--data", HAR.resolve("test.npy").toString(),
                "--mode", "fixed", "--compare", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Matcher m = Pattern.compile("top-1 agreement ([0-9.]+)%").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(99.0);
        NpyArray y = Npy.read(out);
        assertThat(y.dtype()).isEqualTo(NpyDtype.FLOAT32);
        assertThat(y.shape()).containsExactly(200, 4);
    }

    @Test
    void rawWritesTheIntegerOutputs() {
        Path out = tmp.resolve("raw.npy");
        CliTest.Result r = CliTest.run("simulate", HAR.toString(), "--data", HAR.resolve("test.npy").toString(),
                "--mode", "fixed", "--raw", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        NpyArray y = Npy.read(out);
        assertThat(y.dtype()).isIn(NpyDtype.INT8, NpyDtype.INT16, NpyDtype.INT32);
        assertThat(y.shape()).containsExactly(200, 4);
    }

    @Test
    void quantizationOptionMisuseExitsTwo() throws Exception {
        CliTest.assertOneLineError(CliTest.run("build", HAR.toString(), "--target", "cortex-m99"), 2, "cortex-m99", "--help");
        CliTest.assertOneLineError(CliTest.run("build", HAR.toString(), "--precision", "int4"), 2, "--precision");
        CliTest.assertOneLineError(CliTest.run("simulate", HAR.toString(), "--data", HAR.resolve("test.npy").toString(),
                "--mode", "float", "--raw", "--out", tmp.resolve("x.npy").toString()), 2, "--raw", "fixed");
        Path bare = Files.createDirectories(tmp.resolve("bare"));
        Files.copy(HAR.resolve("model.json"), bare.resolve("model.json"));
        try (var shards = Files.list(HAR)) {
            for (Path p : shards.filter(p -> p.toString().endsWith(".bin")).toList()) {
                Files.copy(p, bare.resolve(p.getFileName()));
            }
        }
        CliTest.assertOneLineError(CliTest.run("build", bare.toString(), "--out", tmp.resolve("b").toString()), 2,
                "calibration.npy", "--calibration");
    }
}
