package dev.mcugen.ir.onnx;

import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.floats;
import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.msg;
import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.tensor;
import static dev.mcugen.ir.onnx.OnnxImportErrorsTest.valueInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.data.Layouts;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX LSTM / GRU / RNN forms PyTorch does not export (GRU linear_before_reset 0 with biases, reverse
 * direction, RNN with Relu) against ONNX's equations (operator spec, computed here in double), and the
 * forms the IR cannot express refused by name.
 */
class OnnxRecurrentTest {
    static final int T = 5;
    static final int F = 3;
    static final int H = 4;

    @TempDir
    Path dir;

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * 0.5);
        }
        return v;
    }

    /** Row {@code g*H + u} of W [G*H, F] (or R [G*H, H]) times v. */
    private static double dot(float[] m, int row, int cols, double[] v) {
        double s = 0;
        for (int i = 0; i < cols; i++) {
            s += m[row * cols + i] * v[i];
        }
        return s;
    }

    /** The final hidden state per the ONNX operator spec; {@code seq} receives h after each step (input order). */
    static double[] reference(String op, float[] x, float[] w, float[] r, float[] b, boolean reverse, boolean lbr,
                              String act, double[][] seq) {
        int g = op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
        double[] h = new double[H];
        double[] c = new double[H];
        for (int s = 0; s < T; s++) {
            int t = reverse ? T - 1 - s : s;
            double[] xt = new double[F];
            for (int i = 0; i < F; i++) {
                xt[i] = x[t * F + i];
            }
            double[] nh = new double[H];
            for (int u = 0; u < H; u++) {
                double[] pre = new double[g];
                for (int k = 0; k < g; k++) {
                    pre[k] = dot(w, k * H + u, F, xt) + b[k * H + u];
                }
                if (op.equals("LSTM")) {
                    double[] gate = new double[4];
                    for (int k = 0; k < 4; k++) {
                        gate[k] = pre[k] + dot(r, k * H + u, H, h) + b[g * H + k * H + u];
                    }
                    double i = sig(gate[0]);
                    double o = sig(gate[1]);
                    double f = sig(gate[2]);
                    double cc = Math.tanh(gate[3]);
                    c[u] = f * c[u] + i * cc;
                    nh[u] = o * Math.tanh(c[u]);
                } else if (op.equals("GRU")) {
                    double z = sig(pre[0] + dot(r, u, H, h) + b[g * H + u]);
                    double rr = sig(pre[1] + dot(r, H + u, H, h) + b[g * H + H + u]);
                    double hh;
                    if (lbr) {
                        hh = Math.tanh(pre[2] + rr * (dot(r, 2 * H + u, H, h) + b[g * H + 2 * H + u]));
                    } else {
                        double[] rh = new double[H];
                        // (r ⊙ h) needs r of every unit: computed below per unit of the product.
                        for (int v = 0; v < H; v++) {
                            double rv = sig(dot(w, H + v, F, xt) + b[H + v] + dot(r, H + v, H, h) + b[g * H + H + v]);
                            rh[v] = rv * h[v];
                        }
                        hh = Math.tanh(pre[2] + dot(r, 2 * H + u, H, rh) + b[g * H + 2 * H + u]);
                    }
                    nh[u] = (1 - z) * hh + z * h[u];
                } else {
                    double a = pre[0] + dot(r, u, H, h) + b[H + u];
                    nh[u] = "Relu".equals(act) ? Math.max(0, a) : Math.tanh(a);
                }
            }
            h = nh;
            if (seq != null) {
                seq[t] = h.clone();
            }
        }
        return h;
    }

    /** A model of one recurrent node with layout 1 (batch first), X [1, T, F]; output Y_h or Y. */
    private Path model(String op, float[] w, float[] r, float[] b, String direction, boolean lbr, String act,
                       boolean sequence) throws IOException {
        int g = op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
        byte[] node = msg(o -> {
            o.writeString(1, "X");
            o.writeString(1, "W");
            o.writeString(1, "R");
            o.writeString(1, "B");
            o.writeString(2, sequence ? "Y" : "");
            o.writeString(2, sequence ? "" : "Y_h");
            o.writeString(3, "/rec/" + op);
            o.writeString(4, op);
            o.writeByteArray(5, msg(a -> {
                a.writeString(1, "hidden_size");
                a.writeInt64(3, H);
                a.writeInt32(20, 2);
            }));
            o.writeByteArray(5, msg(a -> {
                a.writeString(1, "layout");
                a.writeInt64(3, 1);
                a.writeInt32(20, 2);
            }));
            o.writeByteArray(5, msg(a -> {
                a.writeString(1, "direction");
                a.writeBytes(4, com.google.protobuf.ByteString.copyFromUtf8(direction));
                a.writeInt32(20, 3);
            }));
            if (lbr) {
                o.writeByteArray(5, msg(a -> {
                    a.writeString(1, "linear_before_reset");
                    a.writeInt64(3, 1);
                    a.writeInt32(20, 2);
                }));
            }
            if (act != null) {
                o.writeByteArray(5, msg(a -> {
                    a.writeString(1, "activations");
                    a.writeBytes(9, com.google.protobuf.ByteString.copyFromUtf8(act));
                    a.writeInt32(20, 8);
                }));
            }
        });
        byte[] graph = msg(o -> {
            o.writeByteArray(1, node);
            o.writeByteArray(5, tensor("W", new long[] {1, g * H, F}, floats(w)));
            o.writeByteArray(5, tensor("R", new long[] {1, g * H, H}, floats(r)));
            o.writeByteArray(5, tensor("B", new long[] {1, 2 * g * H}, floats(b)));
            o.writeByteArray(11, valueInfo("X", 1, T, F));
            o.writeByteArray(12, sequence ? valueInfo("Y", 1, T, 1, H) : valueInfo("Y_h", 1, 1, H));
        });
        byte[] model = msg(o -> {
            o.writeInt64(1, 8);
            o.writeByteArray(8, msg(s -> s.writeInt64(2, 17)));
            o.writeByteArray(7, graph);
        });
        return Files.write(dir.resolve(op + direction + lbr + act + sequence + ".onnx"), model);
    }

    private void check(String op, String direction, boolean lbr, String act, boolean sequence, long seed) throws IOException {
        int g = op.equals("LSTM") ? 4 : op.equals("GRU") ? 3 : 1;
        Random rnd = new Random(seed);
        float[] w = random(rnd, g * H * F);
        float[] r = random(rnd, g * H * H);
        float[] b = random(rnd, 2 * g * H);
        float[] x = random(rnd, T * F);
        ImportedModel m = OnnxImporter.load(model(op, w, r, b, direction, lbr, act, sequence));
        String out = m.graph().outputs().get(0);
        FloatTensor y = new FloatInterpreter(m.graph()).runBatch(FloatTensor.of(Shape.of(1, T, F), x));
        int[] perm = Layouts.samplePerm(m, out);
        FloatTensor got = perm == null ? y : Layouts.toSource(y, perm);
        double[][] seq = new double[T][];
        double[] h = reference(op, x, w, r, b, direction.equals("reverse"), lbr, act, seq);
        double[] want = new double[sequence ? T * H : H];
        for (int k = 0; k < want.length; k++) {
            want[k] = sequence ? seq[k / H][k % H] : h[k];
        }
        assertThat(got.size()).isEqualTo(want.length);
        for (int k = 0; k < want.length; k++) {
            assertThat((double) got.get(k)).as("%s %s lbr %s %s element %d", op, direction, lbr, act, k)
                    .isCloseTo(want[k], org.assertj.core.api.Assertions.within(1e-5 + 1e-4 * Math.abs(want[k])));
        }
    }

    @Test
    void gruWithoutLinearBeforeResetSumsItsBiasesExactly() throws IOException {
        check("GRU", "forward", false, null, false, 1);
        check("GRU", "forward", false, null, true, 2);
    }

    @Test
    void gruWithLinearBeforeResetKeepsTheRecurrentBiasInsideTheReset() throws IOException {
        check("GRU", "forward", true, null, false, 3);
    }

    @Test
    void reverseDirectionGivesTheFinalStateAsGoBackwards() throws IOException {
        check("LSTM", "reverse", false, null, false, 4);
        check("GRU", "reverse", true, null, false, 5);
        check("RNN", "reverse", false, null, false, 6);
        Op op = OnnxImporter.load(dir.resolve("LSTMreversefalsenullfalse.onnx")).graph().nodes().get(0).op();
        assertThat(op).isInstanceOfSatisfying(Op.Lstm.class, l -> assertThat(l.goBackwards()).isTrue());
    }

    @Test
    void rnnWithReluAndSequenceOutput() throws IOException {
        check("RNN", "forward", false, "Relu", true, 7);
        check("LSTM", "forward", false, null, true, 8);
    }

    @Test
    void reverseSequenceOutputIsRefusedAndBidirectionalNeedsTwoDirectionsOfWeights() throws IOException {
        float[] w = new float[3 * H * F];
        float[] r = new float[3 * H * H];
        float[] b = new float[6 * H];
        Path rev = model("GRU", w, r, b, "reverse", false, null, true);
        assertThatThrownBy(() -> OnnxImporter.load(rev)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_IMPORT_UNSUPPORTED);
            assertThat(e.detail()).contains("reverse").contains("/rec/GRU");
        });
        // bidirectional layers import (TorchBidirectionalTest); this one holds one direction's weights only
        Path bi = model("GRU", w, r, b, "bidirectional", false, null, false);
        assertThatThrownBy(() -> OnnxImporter.load(bi)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.detail()).contains("/rec/GRU", "W [1, 12, 3]", "2 directions");
        });
    }
}
