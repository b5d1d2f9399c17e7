package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The float C baseline of TF.js models with several inputs and outputs (and of a single-I/O graph with
 * a concatenation): every output equals the float interpreter's (the tolerance of
 * {@link FloatCGeneratorTest}), the API takes the inputs then the outputs in the model's order.
 */
class FloatCMultiIoTest {
    static Path fixture(String name) {
        return FloatCGeneratorTest.root().resolve("ir/src/test/resources/tfjs").resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"multiio_two_heads", "multiio_concat_ranges", "functional_two_inputs_concat",
            "functional_concat_conv1d"})
    void matchesTheFloatInterpreter(String name, @TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Path f = fixture(name);
        Graph g = ModelLoader.load(f.resolve("model.json"));
        List<Path> files = new ArrayList<>();
        if (Files.exists(f.resolve("input.npy"))) {
            files.add(f.resolve("input.npy"));
        }
        for (int k = 0; Files.exists(f.resolve("input_" + k + ".npy")); k++) {
            files.add(f.resolve("input_" + k + ".npy"));
        }
        Batch data = InputData.read(g, files);
        String id = "f_" + name;
        FloatCGenerator.Output out = new FloatCGenerator().build(g, id, List.of());
        FloatView.Model m = out.view();
        assertThat(m.inputs()).hasSize(g.inputs().size());
        assertThat(m.outputs()).hasSize(g.outputs().size());
        if (g.inputs().size() > 1) {
            String h = new String(out.files().get(id + ".h"), StandardCharsets.UTF_8);
            StringBuilder sig = new StringBuilder("int " + id + "_invoke(" + id + "_ctx_t *ctx");
            m.inputs().forEach(p -> sig.append(", const float *").append(p.param()));
            m.outputs().forEach(p -> sig.append(", float *").append(p.param()));
            assertThat(h).contains(sig + ");");
        }
        FloatInterpreter fl = new FloatInterpreter(g);
        List<float[]> xs = new ArrayList<>();
        List<float[]> want = new ArrayList<>();
        for (int s = 0; s < data.size(); s++) {
            Map<String, FloatTensor> sample = data.sample(s);
            xs.add(concat(g.inputs().stream().map(i -> sample.get(i.name()).toArray()).toList()));
            Map<String, FloatTensor> y = fl.run(sample);
            want.add(concat(g.outputs().stream().map(o -> y.get(o).toArray()).toList()));
        }
        List<float[]> got = run(dir, m, out, xs);
        assertThat(got).hasSize(xs.size());
        double maxDiff = 0;
        double maxRef = 0;
        for (int s = 0; s < xs.size(); s++) {
            assertThat(got.get(s)).hasSameSizeAs(want.get(s));
            for (int k = 0; k < want.get(s).length; k++) {
                maxDiff = Math.max(maxDiff, Math.abs(got.get(s)[k] - want.get(s)[k]));
                maxRef = Math.max(maxRef, Math.abs(want.get(s)[k]));
            }
        }
        assertThat(maxRef).isGreaterThan(0);
        assertThat(maxDiff / maxRef).as(name + " max diff " + maxDiff).isLessThanOrEqualTo(FloatCGeneratorTest.TOLERANCE);
    }

    private static float[] concat(List<float[]> parts) {
        float[] all = new float[parts.stream().mapToInt(p -> p.length).sum()];
        int off = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, off, p.length);
            off += p.length;
        }
        return all;
    }

    /** Compiles with a stdin/stdout harness (hex floats both ways): every input in order, every output in order. */
    private static List<float[]> run(Path dir, FloatView.Model m, FloatCGenerator.Output out, List<float[]> inputs)
            throws Exception {
        CGenerator.write(out.files(), dir);
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include \"" + m.id() + ".h\"\n\nint main(void)\n{\n");
        c.append("    static ").append(m.id()).append("_ctx_t ctx;\n");
        for (int k = 0; k < m.inputs().size(); k++) {
            c.append("    static float in").append(k).append('[').append(m.macro()).append('_').append(m.inputs().get(k).macro())
                    .append("_SIZE];\n");
        }
        for (int k = 0; k < m.outputs().size(); k++) {
            c.append("    static float out").append(k).append('[').append(m.macro()).append('_').append(m.outputs().get(k).macro())
                    .append("_SIZE];\n");
        }
        c.append("    int n, s, i;\n    if (scanf(\"%d\", &n) != 1) {\n        return 2;\n    }\n    for (s = 0; s < n; s++) {\n");
        for (int k = 0; k < m.inputs().size(); k++) {
            c.append("        for (i = 0; i < ").append(m.macro()).append('_').append(m.inputs().get(k).macro())
                    .append("_SIZE; i++) {\n            if (scanf(\"%f\", &in").append(k)
                    .append("[i]) != 1) {\n                return 3;\n            }\n        }\n");
        }
        c.append("        if (").append(m.id()).append("_invoke(&ctx");
        for (int k = 0; k < m.inputs().size(); k++) {
            c.append(", in").append(k);
        }
        for (int k = 0; k < m.outputs().size(); k++) {
            c.append(", out").append(k);
        }
        c.append(") != 0) {\n            return 4;\n        }\n");
        for (int k = 0; k < m.outputs().size(); k++) {
            c.append("        for (i = 0; i < ").append(m.macro()).append('_').append(m.outputs().get(k).macro())
                    .append("_SIZE; i++) {\n            printf(\" %a\", (double)out").append(k).append("[i]);\n        }\n");
        }
        c.append("        printf(\"\\n\");\n    }\n    return 0;\n}\n");
        Files.writeString(dir.resolve("harness.c"), c.toString());
        return FloatCGeneratorTest.compileAndRun(dir, out, inputs);
    }
}
