package dev.mcugen.cli;

import static dev.mcugen.cli.CliTest.ROOT;
import static dev.mcugen.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.cli.CliTest.Result;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.data.Layouts;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command takes Keras .h5 / .keras, .tflite and .onnx files directly, as a user gives them:
 * the formats' real files (the zoo's, read in place) and framework-made fixtures, end to end through
 * build and verify (the C equal to the simulator on the host), with data in the framework's layout.
 */
class FormatsCliTest {
    private static final Path ONNX = ROOT.resolve("ir/src/test/resources/onnx");

    @TempDir
    Path tmp;

    @Test
    void tfliteIsInspectedWithItsOperatorsAndVerified() {
        Path model = SharedFiles.zoo("hello_world", "hello_world_float.tflite");
        Result i = run("inspect", model.toString());
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(i.out()).contains("(TFLite, ").contains("FULLY_CONNECTED");
        Result v = run("verify", model.toString(), "--target", "host", "--data",
                SharedFiles.zoo("hello_world", "test.npy").toString(), "--out", tmp.resolve("hw").toString(), "--no-progress");
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.out()).contains("bit-exact with the simulator");
    }

    @Test
    void kerasH5IsBuiltAndVerified() {
        Path model = SharedFiles.zoo("resnet8", "pretrainedResnet.h5");
        Result v = run("verify", model.toString(), "--target", "host", "--samples", "3", "--data",
                SharedFiles.zoo("resnet8", "test.npy").toString(), "--out", tmp.resolve("r8").toString(), "--no-progress");
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.out()).contains("bit-exact with the simulator").contains("top-1 agreement 100.00%");
    }

    @Test
    void kerasArchiveIsBuilt() throws Exception {
        Path model = ROOT.resolve("ir/src/test/resources/keras/functional_resblock_conv1d.keras");
        Path cal = randomData(ModelLoader.load(model), 16, tmp.resolve("cal.npy"));
        Path out = tmp.resolve("keras");
        Result b = run("build", model.toString(), "--target", "cortex-m4", "--calibration", cal.toString(),
                "--out", out.toString(), "--no-progress");
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(out.resolve("report.json")).exists();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".c"));
        }
    }

    /** NCHW data in, NCHW-layout results out; the graph JSON convert writes takes the very same files. */
    @Test
    void onnxTakesPytorchLayoutAndConvertKeepsIt() throws Exception {
        Path model = ONNX.resolve("cnn_op17.onnx");
        Path x = ONNX.resolve("cnn_x.npy");
        Result v = run("verify", model.toString(), "--target", "host", "--data", x.toString(), "--calibration",
                x.toString(), "--out", tmp.resolve("v").toString(), "--no-progress");
        assertThat(v.code()).as(v.err()).isZero();
        assertThat(v.out()).contains("bit-exact with the simulator");

        Path json = tmp.resolve("cnn.json");
        assertThat(run("convert", model.toString(), "--out", json.toString()).code()).isZero();
        for (String mode : List.of("float", "fixed")) {
            List<byte[]> outs = new ArrayList<>();
            for (Path m : List.of(model, json)) {
                Path out = tmp.resolve(mode + "-" + m.getFileName() + ".npy");
                Result s = run("simulate", m.toString(), "--data", x.toString(), "--calibration", x.toString(),
                        "--mode", mode, "--out", out.toString(), "--no-progress");
                assertThat(s.code()).as(s.err()).isZero();
                outs.add(Files.readAllBytes(out));
            }
            assertThat(outs.get(1)).as(mode).isEqualTo(outs.get(0));
        }
        // The float outputs are PyTorch's, in PyTorch's layout.
        NpyArray got = Npy.read(tmp.resolve("float-cnn_op17.onnx.npy"));
        NpyArray want = Npy.read(ONNX.resolve("cnn_y.npy"));
        assertThat(got.shape()).isEqualTo(want.shape());
        float[] g = got.toFloatArray();
        float[] w = want.toFloatArray();
        for (int i = 0; i < g.length; i++) {
            assertThat(Math.abs(g[i] - w[i])).as("element %d", i).isLessThanOrEqualTo(1e-5f + 1e-4f * Math.abs(w[i]));
        }
        // Channels-last data where PyTorch's NCHW is expected is refused, naming the shape the model takes.
        NpyArray nchw = Npy.read(x);
        FloatTensor nhwc = Layouts.toIr(FloatTensor.of(new Shape(nchw.shape()), nchw.toFloatArray()), new int[] {1, 2, 0});
        Path wrongFile = tmp.resolve("nhwc.npy");
        Npy.write(wrongFile, NpyArray.ofFloat32(nhwc.shape().dims(), nhwc.toArray()));
        Result wrong = run("simulate", model.toString(), "--data", wrongFile.toString(), "--mode", "float",
                "--out", tmp.resolve("w.npy").toString());
        assertThat(wrong.code()).isEqualTo(3);
        assertThat(wrong.err()).contains("MCG_DATA_SHAPE").contains("[N, 3, 10, 10]");
    }

    private static Path randomData(Graph g, int n, Path file) {
        List<Integer> shape = new ArrayList<>();
        shape.add(n);
        shape.addAll(g.inputs().get(0).shape().dims());
        int size = shape.stream().reduce(1, (a, b) -> a * b);
        float[] v = new float[size];
        Random r = new Random(12);
        for (int i = 0; i < size; i++) {
            v[i] = (float) r.nextGaussian();
        }
        Npy.write(file, NpyArray.ofFloat32(shape, v));
        return file;
    }
}
