package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    static final Path ROOT = Path.of(System.getProperty("mcugen.root", ".."));
    static final Path HAR = ROOT.resolve("examples/har_lstm");

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    static void assertOneLineError(Result r, int code, String... contains) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(code);
        assertThat(r.err().strip().lines()).as("stderr is one line: %s", r.err()).hasSize(1);
        assertThat(r.err()).startsWith("mcugen: ").contains(contains);
    }

    @Test
    void inspectPrintsLayersParamsAndMacs() {
        Result r = run("inspect", HAR.resolve("model.json").toString());
        assertThat(r.code()).as(r.err()).isZero();
        // LSTM(32) on [50, 3]: 4 * (32 * 35 + 32) = 4608 params, 50 * 35 * 128 = 224000 MACs; Dense(4): 132 / 128.
        assertThat(r.out()).contains("TF.js layers").contains("[50, 3]")
                .containsPattern("lstm\\s+LSTM\\s+lstm tanh/hard_sigmoid\\s+lstm_input\\s+\\[32\\]\\s+4608\\s+224000")
                .containsPattern("output\\s+Dense\\s+dense softmax\\s+lstm\\s+\\[4\\]\\s+132\\s+128")
                .containsPattern("total\\s+4740\\s+224128");
    }

    @Test
    void inspectAcceptsTheModelFolder() {
        assertThat(run("inspect", HAR.toString()).code()).isZero();
    }

    @Test
    void inspectWithCalibrationShowsRecurrentInternals() {
        Result r = run("inspect", HAR.toString(), "--calibration", HAR.resolve("calibration.npy").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("calibrated ranges over").containsPattern("/cell\\s").containsPattern("/forget_gate\\s");
    }

    @Test
    void simulateFloatMatchesTheFrameworkGolden() {
        Path out = tmp.resolve("y.npy");
        Result r = run("simulate", HAR.resolve("model.json").toString(), "--data", HAR.resolve("test.npy").toString(),
                "--mode", "float", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        NpyArray y = Npy.read(out);
        NpyArray expected = Npy.read(HAR.resolve("expected.npy"));
        assertThat(y.shape()).isEqualTo(expected.shape());
        float[] a = y.toFloatArray();
        float[] b = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertThat((double) Math.abs(a[i] - b[i])).as("element %d", i).isLessThanOrEqualTo(1e-5);
        }
    }

    @Test
    void graphJsonModelsRunLikeTheirTfjsOriginal() throws Exception {
        Path graph = tmp.resolve("har.mcugen.json");
        dev.mcugen.ir.json.GraphJson.write(dev.mcugen.ir.ModelLoader.load(HAR), graph);
        Path fromJson = tmp.resolve("json.npy");
        Path fromTfjs = tmp.resolve("tfjs.npy");
        assertThat(run("simulate", graph.toString(), "--data", HAR.resolve("test.npy").toString(), "--mode", "float",
                "--out", fromJson.toString()).code()).isZero();
        assertThat(run("simulate", HAR.toString(), "--data", HAR.resolve("test.npy").toString(), "--mode", "float",
                "--out", fromTfjs.toString()).code()).isZero();
        assertThat(Files.readAllBytes(fromJson)).isEqualTo(Files.readAllBytes(fromTfjs));
        assertThat(run("inspect", graph.toString()).out()).contains("mcugen graph JSON").containsPattern("total\\s+4740\\s+224128");
    }

    @Test
    void convertWritesGraphJsonThatSimulatesBitIdentically() throws Exception {
        Path graph = tmp.resolve("har.json");
        Result c = run("convert", HAR.toString(), "--out", graph.toString());
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("TF.js layers").contains("2 layers").contains(graph.toString());
        Path fromJson = tmp.resolve("json.npy");
        Path fromTfjs = tmp.resolve("tfjs.npy");
        for (String[] m : new String[][] {{graph.toString(), fromJson.toString()}, {HAR.toString(), fromTfjs.toString()}}) {
            Result s = run("simulate", m[0], "--data", HAR.resolve("test.npy").toString(), "--mode", "fixed", "--raw",
                    "--calibration", HAR.resolve("calibration.npy").toString(), "--out", m[1], "--no-progress");
            assertThat(s.code()).as(s.err()).isZero();
        }
        assertThat(Files.readAllBytes(fromJson)).isEqualTo(Files.readAllBytes(fromTfjs));
        // The model file itself is never the output.
        Path model = HAR.resolve("model.json");
        assertOneLineError(run("convert", model.toString(), "--out", model.toString()), 2, "--out", "MCG_OUT_IS_INPUT");
    }

    @Test
    void filesOfOtherFormatsAreNamedInOneLine() throws Exception {
        Path npy = HAR.resolve("test.npy");
        assertOneLineError(run("inspect", npy.toString()), 3, "test.npy", "NumPy", "MCG_IMPORT_UNKNOWN_FORMAT");
        Path blob = Files.write(tmp.resolve("model.bin"), new byte[] {0x42, 0x13, 0, (byte) 0xff, 7});
        assertOneLineError(run("build", blob.toString(), "--target", "host", "--out", tmp.resolve("o").toString()), 3,
                "model.bin", "Keras .h5", ".onnx", "MCG_IMPORT_UNKNOWN_FORMAT");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    @Test
    void otherJsonIsRefusedWithAHint() throws Exception {
        Path graphModel = Files.writeString(tmp.resolve("graph-model.json"), "{\"format\": \"graph-model\", \"modelTopology\": {}}");
        assertOneLineError(run("inspect", graphModel.toString()), 3, "graph-model", ".keras", "MCG_IMPORT_FORMAT");
        Path other = Files.writeString(tmp.resolve("other.json"), "{\"hello\": [1, 2, 3]}");
        assertOneLineError(run("inspect", other.toString()), 3, "other.json", "MCG_IMPORT_FORMAT");
        Path notJson = Files.writeString(tmp.resolve("broken.json"), "{\"modelTopology\": ");
        assertOneLineError(run("inspect", notJson.toString()), 3, "broken.json", "MCG_IMPORT_JSON");
    }

    @Test
    void usageErrorsExitTwoWithAHelpHint() {
        assertOneLineError(run("simulate", HAR.toString(), "--mode", "float", "--out", "x.npy"), 2, "--data", "--help");
        assertOneLineError(run("simulate", HAR.toString(), "--data", "x.npy", "--mode", "quantum", "--out", "x.npy"), 2,
                "--mode", "--help");
        assertOneLineError(run("inspect"), 2, "MODEL", "--help");
        assertOneLineError(run("inspect", HAR.toString(), "--frobnicate"), 2, "--frobnicate");
        assertOneLineError(run("transmogrify"), 2, "transmogrify");
        assertOneLineError(run(), 2, "command");
        // misuse found after parsing: incompatible options, an unknown target, missing data
        assertOneLineError(run("simulate", HAR.toString(), "--data", HAR.resolve("test.npy").toString(), "--mode", "float",
                "--raw", "--out", "x.npy"), 2, "--raw", "MCG_CLI_USAGE", "(try 'mcugen simulate --help')");
        assertOneLineError(run("build", HAR.toString(), "--target", "cortex-m9"), 2, "cortex-m9", "--help");
        assertOneLineError(run("verify", HAR.toString(), "--target", "cortex-m4"), 2, "--data", "--help");
    }

    @Test
    void missingModelExitsThree() {
        assertOneLineError(run("inspect", tmp.resolve("nope/model.json").toString()), 3, "nope", "MCG_IO_NOT_FOUND");
    }

    @Test
    void dataOfTheWrongShapeExitsThreeAndLeavesOutputAlone() throws Exception {
        Path bad = tmp.resolve("bad.npy");
        Npy.write(bad, NpyArray.ofFloat32(List.of(2, 49, 3), new float[2 * 49 * 3]));
        Path out = tmp.resolve("keep.npy");
        Files.writeString(out, "user's file");
        Result r = run("simulate", HAR.toString(), "--data", bad.toString(), "--mode", "float", "--out", out.toString());
        assertOneLineError(r, 3, "bad.npy", "[2, 49, 3]", "[N, 50, 3]", "MCG_DATA_SHAPE");
        assertThat(Files.readString(out)).isEqualTo("user's file");
    }

    @Test
    void nonFiniteDataExitsThree() {
        Path bad = tmp.resolve("nan.npy");
        float[] v = new float[50 * 3];
        v[7] = Float.NaN;
        Npy.write(bad, NpyArray.ofFloat32(List.of(1, 50, 3), v));
        assertOneLineError(run("simulate", HAR.toString(), "--data", bad.toString(), "--mode", "float", "--out",
                tmp.resolve("y.npy").toString()), 3, "nan.npy", "NaN", "MCG_DATA_NONFINITE");
    }

    @Test
    void stackTracesOnlyOnRequest() {
        Result plain = run("inspect", tmp.resolve("missing.json").toString());
        assertThat(plain.err()).doesNotContain("\tat ");
        Result traced = run("inspect", tmp.resolve("missing.json").toString(), "--stacktrace");
        assertThat(traced.code()).isEqualTo(3);
        assertThat(traced.err()).contains("\tat dev.mcugen");
    }
}
