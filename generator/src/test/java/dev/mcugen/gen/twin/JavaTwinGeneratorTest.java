package dev.mcugen.gen.twin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.gen.CGenerator;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.View;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.ir.sim.FixedPointSimulator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JavaTwinGeneratorTest {
    /** {@code x [in] -> Dense(units)} with random int8 weights: {@code in * units} bytes of weights. */
    static QGraph dense(int in, int units, long seed) {
        Random r = new Random(seed);
        int[] w = new int[in * units];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(255) - 127;
        }
        int[] b = new int[units];
        for (int i = 0; i < units; i++) {
            b[i] = r.nextInt(20001) - 10000;
        }
        QuantType tx = new QuantType(8, -128, 127, 0.02, 5);
        QuantType ty = new QuantType(8, -128, 127, 0.5, -3);
        QFullyConnected fc = new QFullyConnected("dense", "x", Shape.of(units), ty, in, units,
                IntTensor.of(Shape.of(in, units), 8, w), IntTensor.of(Shape.of(units), 32, b),
                List.of(Rescale.forReal(0.02 * 0.01 / 0.5, false)), 0, -128, 127);
        return new QGraph("big dense", List.of(new QInput("x", Shape.of(in), tx)), List.of(fc), List.of("dense"));
    }

    private static JavaTwinGenerator.Output twin(QGraph g, String pkg) {
        View.Model view = new CGenerator().build(g, new GenOptions("big_dense", List.of())).view();
        return JavaTwinGenerator.generate(g, view, pkg, List.of("options: test"));
    }

    @Test
    void largeWeightsCompileAsStringChunksAndRunBitExact() {
        // 400 x 300 int8 weights: 160 000 Base64 characters, three string constants.
        QGraph g = dense(400, 300, 7);
        JavaTwinGenerator.Output t = twin(g, JavaTwinGenerator.DEFAULT_PACKAGE);
        Matcher m = Pattern.compile("\"[A-Za-z0-9+/=]{" + TwinValues.CHUNK + "}\"").matcher(t.source());
        int full = 0;
        while (m.find()) {
            full++;
        }
        assertThat(full).isEqualTo(2);
        Class<?> cls = TwinCompiler.compile(t);
        TwinRunner run = new TwinRunner(cls, 1, new int[] {300});
        FixedPointSimulator sim = new FixedPointSimulator(g);
        Random r = new Random(3);
        for (int s = 0; s < 3; s++) {
            int[] x = r.ints(400, -128, 128).toArray();
            assertThat(run.invoke(List.of(x))).containsExactly(sim.run(Map.of("x", x), IntObserver.NONE).get("dense"));
        }
        assertThat(run.streams()).isFalse();
    }

    @Test
    void deterministicFloatFreeAndCutToWhatTheModelCalls() {
        QGraph g = dense(20, 7, 1);
        String a = twin(g, "com.example").source();
        String b = twin(g, "com.example").source();
        assertThat(b).isEqualTo(a);
        assertThat(FloatFree.violations(a)).isEmpty();
        assertThat(a).startsWith("package com.example;").contains("public final class BigDense {")
                .contains("model 'big dense'").contains("options: test")
                .contains("public static final int INPUT_ZERO_POINT = 5;")
                .contains("public void invoke(int[] x, int[] y)").doesNotContain("public void step(")
                .contains("private static final class FeedForwardKernels")
                // a dense model carries no recurrent kernel and no model-importer code
                .doesNotContain("class LstmCell").doesNotContain("ShapeInference.outputShape").doesNotContain("import dev.");
        assertThat(twin(g, "").source()).startsWith("import ");
    }

    @Test
    void floatFreeFindsEveryKindOfFloatingPoint() {
        String src = "class A { double d; int f(float x) { return (int) Math.sqrt(2); } Object o = Double.valueOf(1);"
                + " long g() { return Math.round(1.5); } int h() { return Math.max(1, 2); } }";
        List<String> v = FloatFree.violations(src);
        assertThat(v).anyMatch(s -> s.startsWith("double")).anyMatch(s -> s.startsWith("float"))
                .anyMatch(s -> s.startsWith("Math.sqrt")).anyMatch(s -> s.startsWith("Double"))
                .anyMatch(s -> s.startsWith("literal 1.5")).noneMatch(s -> s.contains("max"));
        assertThat(FloatFree.violations("class B { int f(int x) { return Math.max(x, 0) >> 1; } }")).isEmpty();
    }

    @Test
    void classNamesAndPackages() {
        assertThat(JavaTwinGenerator.className("har_lstm", Set.of())).isEqualTo("HarLstm");
        assertThat(JavaTwinGenerator.className("m_2x", Set.of())).isEqualTo("M2x");
        assertThat(JavaTwinGenerator.className("math", Set.of())).isEqualTo("MathModel");
        assertThat(JavaTwinGenerator.className("shape", Set.of("Shape"))).isEqualTo("ShapeModel");
        assertThat(JavaTwinGenerator.checkPackage("com.example.kws")).isNull();
        assertThat(JavaTwinGenerator.checkPackage("")).isNull();
        assertThat(JavaTwinGenerator.checkPackage("com.class")).contains("'class'");
        assertThat(JavaTwinGenerator.checkPackage("a..b")).isNotNull();
        assertThat(JavaTwinGenerator.checkPackage("java.util")).contains("JDK");
        assertThat(JavaTwinGenerator.checkPackage("caf\u00e9")).isNotNull();
        assertThatThrownBy(() -> twin(dense(2, 2, 1), "1bad")).isInstanceOf(IllegalArgumentException.class);
    }
}
