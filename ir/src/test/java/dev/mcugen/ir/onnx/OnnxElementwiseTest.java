package dev.mcugen.ir.onnx;

import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.floats;
import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.oneNode;
import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.tensor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX element-wise ops the PyTorch fixtures do not write: Mean of three, Sub of a constant first, refusals. */
class OnnxElementwiseTest {
    @TempDir
    Path tmp;

    private ImportedModel load(String name, byte[] model) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, model);
        return OnnxImporter.load(p);
    }

    @Test
    void meanOfThreeIsAnAverage() throws IOException {
        ImportedModel m = load("mean.onnx", oneNode("Mean", new String[] {"x", "x", "x"}, new byte[0][],
                new long[] {1, 4}, new long[] {1, 4}));
        assertThat(m.graph().nodes()).singleElement().satisfies(n -> {
            assertThat(n.op()).isEqualTo(new Op.Average());
            assertThat(n.inputs()).hasSize(3);
        });
        float[] y = new FloatInterpreter(m.graph()).run(FloatTensor.of(Shape.of(4), new float[] {3, -6, 9, 0.5f})).toArray();
        assertThat(y).containsExactly(3, -6, 9, 0.5f);
    }

    @Test
    void constantMinusTensorKeepsTheConstantFirst() throws IOException {
        byte[] c = tensor("c", new long[] {4}, floats(1, 2, 3, 4));
        ImportedModel m = load("sub.onnx", oneNode("Sub", new String[] {"c", "x"}, new byte[][] {c},
                new long[] {1, 4}, new long[] {1, 4}));
        assertThat(m.graph().nodes().get(0).op()).isEqualTo(new Op.Subtract(0));
        float[] y = new FloatInterpreter(m.graph()).run(FloatTensor.of(Shape.of(4), new float[] {1, 1, 1, 1})).toArray();
        assertThat(y).containsExactly(0, 1, 2, 3);
    }

    @Test
    void divByAConstantIsAMultiplyByItsReciprocal() throws IOException {
        byte[] c = tensor("c", new long[] {1}, floats(4));
        ImportedModel m = load("div.onnx", oneNode("Div", new String[] {"x", "c"}, new byte[][] {c},
                new long[] {1, 3}, new long[] {1, 3}));
        assertThat(m.graph().nodes().get(0).op()).isEqualTo(new Op.Multiply(1));
        assertThat(m.graph().nodes().get(0).weight("constant").toArray()).containsExactly(0.25f, 0.25f, 0.25f);
    }

    @Test
    void otherBroadcastsAndDivisionsAreRefused() throws IOException {
        byte[] c = tensor("c", new long[] {2, 4}, floats(1, 2, 3, 4, 5, 6, 7, 8));
        byte[] bad = oneNode("Mul", new String[] {"x", "c"}, new byte[][] {c}, new long[] {1, 2, 4}, new long[] {1, 2, 4});
        assertThatThrownBy(() -> load("mul.onnx", bad)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_UNSUPPORTED);
            assertThat(e.getMessage()).contains("node '/net/Mul'", "constant of shape [2, 4]", "per-channel vectors");
        });
        byte[] div = oneNode("Div", new String[] {"x", "x"}, new byte[0][], new long[] {1, 4}, new long[] {1, 4});
        assertThatThrownBy(() -> load("div2.onnx", div)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_UNSUPPORTED);
            assertThat(e.getMessage()).contains("divides a tensor by a float constant only");
        });
    }
}
