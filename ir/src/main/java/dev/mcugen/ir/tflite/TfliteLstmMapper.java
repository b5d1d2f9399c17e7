package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QLstmTfl;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * {@code UNIDIRECTIONAL_SEQUENCE_LSTM} of an int8 {@code .tflite} as a {@link QLstmTfl}: the parameters
 * TFLite Micro's integer LSTM prepares ({@code PrepareGateParametersInteger}, {@code CreateGateParams},
 * {@code CreateInterGateMulParams}, {@code CreateLstmCellStateInfo}), computed the same way in double
 * from the file's float32 scales. Only the standard LSTM that kernel runs is taken: all four gates (no
 * CIFG), no peephole, no projection, no layer normalization, batch-major input with one batch, int8
 * activations with int8 weights and int32 biases, an int16 cell state with a power-of-two scale.
 * Anything else is refused with {@code MCG_TFLITE_QUANT_UNSUPPORTED} / {@code MCG_TFLITE_QUANT_PARAMS}.
 */
final class TfliteLstmMapper {
    /** Input slots of the op (TFLite's lstm_shared.h). */
    private static final int X = 0;
    private static final int[] INPUT_WEIGHTS = {2, 1, 3, 4};     // forget, input, cell, output
    private static final int[] RECURRENT_WEIGHTS = {6, 5, 7, 8};
    private static final int[] BIASES = {13, 12, 14, 15};
    private static final int[] PEEPHOLE = {9, 10, 11};
    private static final int[] PROJECTION = {16, 17};
    private static final int HIDDEN_STATE = 18;
    private static final int CELL_STATE = 19;
    private static final int[] LAYER_NORM = {20, 21, 22, 23};

    /** TFLite's gates feed their activations Q3.12 ({@code nonlinear_input_scale = 2^-12}). */
    private static final double GATE_INPUT_SCALE = 1.0 / 4096;
    /** and take Q0.15 out ({@code nonlinear_output_scale = 2^-15}). */
    private static final double GATE_OUTPUT_SCALE = 1.0 / 32768;

    private final TfliteQuantMapper q;
    private final TfliteModel m;

    TfliteLstmMapper(TfliteQuantMapper q, TfliteModel m) {
        this.q = q;
        this.m = m;
    }

    /** The node of {@code op}, reading {@code x} (already mapped) and writing tensor {@code name}. */
    QLstmTfl map(TfliteModel.Operator op, TfliteModel.Tensor x, TfliteModel.Tensor y, String xName, String name) {
        int[] in = op.inputs();
        if (in.length < 20) {
            throw q.unsupported(op, "has " + in.length + " inputs; TFLite's LSTM has 24");
        }
        if (present(in, INPUT_WEIGHTS[1]) != present(in, RECURRENT_WEIGHTS[1]) || !present(in, INPUT_WEIGHTS[1])) {
            throw q.unsupported(op, "is a CIFG LSTM (no input gate); mcugen runs TFLite's standard integer LSTM only,"
                    + " as TFLite Micro does");
        }
        refuse(op, in, PEEPHOLE, "has peephole weights");
        refuse(op, in, PROJECTION, "has a projection");
        refuse(op, in, LAYER_NORM, "has layer normalization");
        Flat.Table o = op.options();
        int act = o == null ? 0 : o.i8(0, 0);
        float cellClip = o == null ? 0f : o.f32(1, 0f);
        boolean timeMajor = o != null && o.i8(3, 0) != 0;
        boolean diagonal = o != null && o.i8(5, 0) != 0;
        Activation cellAct = switch (act) {
            case 4 -> Activation.TANH;
            case 6 -> Activation.SIGMOID;
            default -> throw q.unsupported(op, "has cell activation " + act + "; TFLite's integer LSTM takes TANH or SIGMOID");
        };
        if (diagonal) {
            throw q.unsupported(op, "has diagonal recurrent weights");
        }
        if (x.type() == TfliteModel.INT16) {
            throw q.unsupported(op, "is a 16x8 LSTM (int16 activations); mcugen runs TFLite's int8 integer LSTM"
                    + " (int8 input and output, int16 cell state) only");
        }
        q.requireQuant(x, "input", TfliteModel.INT8);
        q.requireQuant(y, "output", TfliteModel.INT8);
        int[] xs = x.shape();
        if (timeMajor || xs.length != 3 || xs[0] != 1) {
            throw q.unsupported(op, "has input " + x.label() + " of shape " + java.util.Arrays.toString(xs)
                    + (timeMajor ? " in time-major order" : "") + "; mcugen takes a batch-major [1, T, features] input");
        }
        int steps = xs[1];
        int features = xs[2];
        TfliteModel.Tensor h = state(op, HIDDEN_STATE, "hidden state", TfliteModel.INT8);
        TfliteModel.Tensor c = state(op, CELL_STATE, "cell state", TfliteModel.INT16);
        QuantType xt = q.type(x);
        QuantType ht = q.type(h);
        QuantType yt = q.type(y);
        if (ht.scale() != yt.scale() || ht.zeroPoint() != yt.zeroPoint()) {
            throw q.params(y, "has scale " + (float) yt.scale() + " / zero point " + yt.zeroPoint() + " but the LSTM's"
                    + " hidden state " + h.label() + " has " + (float) ht.scale() + " / " + ht.zeroPoint()
                    + "; TFLite copies the hidden state into the output, so they must be equal");
        }
        float cs = (float) q.type(c).scale();
        // CheckedLog2 in float, as TFLite's CreateLstmCellStateInfo
        int power = Math.round((float) Math.log(cs) * (1.0f / (float) Math.log(2.0)));
        if (power < -15 || power > 0) {
            throw q.params(c, "is a cell state of scale " + cs + " (2^" + power + "); mcugen takes 2^-15 .. 2^0");
        }
        int units = q.weights(op, INPUT_WEIGHTS[0], 2).shape()[0];
        if (units < 1 || h.elements() != units || c.elements() != units) {
            throw q.unsupported(op, "has " + units + " units but a hidden state of " + h.elements() + " and a cell state of "
                    + c.elements() + " values; mcugen takes one batch");
        }
        QLstmTfl.Gate[] gates = new QLstmTfl.Gate[4];
        for (int g = 0; g < 4; g++) {
            gates[g] = gate(op, INPUT_WEIGHTS[g], RECURRENT_WEIGHTS[g], in[BIASES[g]], units, features, xt, ht);
        }
        int[] ys = y.shape();
        if (ys.length != 3 || ys[0] != 1 || ys[1] != steps || ys[2] != units) {
            throw q.unsupported(op, "has output " + y.label() + " of shape " + java.util.Arrays.toString(ys) + ", not [1, "
                    + steps + ", " + units + "]");
        }
        int clip = 0;
        if (cellClip > 0) {
            // static_cast<int16_t>(min(max(clip / scale, -32768), 32767)) in double: truncated toward zero
            clip = (int) Math.min(Math.max((double) cellClip / (double) cs, -32768.0), 32767.0);
            if (clip <= 0) {
                throw q.unsupported(op, "has cell_clip " + cellClip + ", below one step of the cell state");
            }
        }
        Rescale forgetCell = rescale(op, GATE_OUTPUT_SCALE * (double) cs / (double) cs);
        Rescale inputCell = rescale(op, GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE / (double) cs);
        Rescale hidden = rescale(op, GATE_OUTPUT_SCALE * GATE_OUTPUT_SCALE / (double) (float) ht.scale());
        return new QLstmTfl(name, List.of(xName), Shape.of(steps, units), yt, xt, units, features, gates[0], gates[1],
                gates[2], gates[3], cellAct, -power, forgetCell, inputCell, hidden, clip);
    }

    private QLstmTfl.Gate gate(TfliteModel.Operator op, int wSlot, int rSlot, int bi, int units, int features, QuantType xt,
                               QuantType ht) {
        TfliteModel.Tensor w = matrix(op, wSlot, units, features);
        TfliteModel.Tensor r = matrix(op, rSlot, units, units);
        byte[] wb = q.int8(op, w);
        byte[] rb = q.int8(op, r);
        long[] bias = new long[units];
        if (bi < 0) {
            throw q.unsupported(op, "lacks a gate bias");
        }
        TfliteModel.Tensor b = m.tensors.get(bi);
        if (b.type() != TfliteModel.INT32 || !m.isConstant(b)) {
            throw q.params(b, "is a " + TfliteModel.typeName(b.type()) + " gate bias; the int8 LSTM takes constant int32 biases");
        }
        byte[] bb = q.data(op, b);
        if (bb.length != 4L * units) {
            throw q.params(b, "holds " + bb.length / 4 + " biases for " + units + " units");
        }
        ByteBuffer buf = ByteBuffer.wrap(bb).order(ByteOrder.LITTLE_ENDIAN);
        long[] rbias = new long[units];
        long[] wl = new long[wb.length];
        long[] rl = new long[rb.length];
        for (int u = 0; u < units; u++) {
            long sw = 0;
            for (int k = 0; k < features; k++) {
                wl[u * features + k] = wb[u * features + k];
                sw += wb[u * features + k];
            }
            long sr = 0;
            for (int k = 0; k < units; k++) {
                rl[u * units + k] = rb[u * units + k];
                sr += rb[u * units + k];
            }
            // TFLite sums w (x - zp_x) then adds the bias; the recurrent part sums U (h - zp_h) without one
            bias[u] = buf.getInt(4 * u) - (long) xt.zeroPoint() * sw;
            rbias[u] = -(long) ht.zeroPoint() * sr;
        }
        double sW = m.quantization.get(w.index()).scale()[0];
        double sU = m.quantization.get(r.index()).scale()[0];
        // GetQuantizedConvolutionMultipler: (double) s_in * (double) s_w / (double) s_out, s_out = 2^-12
        Rescale rx = rescale(op, (double) (float) xt.scale() * sW / GATE_INPUT_SCALE);
        Rescale rh = rescale(op, (double) (float) ht.scale() * sU / GATE_INPUT_SCALE);
        IntTensor w8 = IntTensor.of(Shape.of(units, features), 8, wl);
        IntTensor r8 = IntTensor.of(Shape.of(units, units), 8, rl);
        IntTensor b32 = q.bias32(op, bias);
        IntTensor rb32 = q.bias32(op, rbias);
        long bound = Math.max(QLstmTfl.Gate.rowBound(w8, b32), QLstmTfl.Gate.rowBound(r8, rb32));
        if (bound > Integer.MAX_VALUE) {
            throw q.unsupported(op, "has a gate whose int32 accumulator can reach " + bound + " for some input;"
                    + " TFLite's int32 sum would overflow");
        }
        return new QLstmTfl.Gate(w8, b32, rx, r8, rb32, rh);
    }

    private TfliteModel.Tensor matrix(TfliteModel.Operator op, int slot, int rows, int cols) {
        TfliteModel.Tensor w = q.weights(op, slot, 2);
        if (w.shape()[0] != rows || w.shape()[1] != cols) {
            throw q.unsupported(op, "has weights " + w.label() + " of shape " + java.util.Arrays.toString(w.shape())
                    + ", not [" + rows + ", " + cols + "]");
        }
        if (m.quantization.get(w.index()).perChannel()) {
            throw q.params(w, "has per-channel scales; TFLite's integer LSTM takes one scale per weight matrix");
        }
        return w;
    }

    private TfliteModel.Tensor state(TfliteModel.Operator op, int slot, String what, int type) {
        int i = op.inputs()[slot];
        if (i < 0) {
            throw q.unsupported(op, "lacks its " + what + " tensor");
        }
        TfliteModel.Tensor t = m.tensors.get(i);
        if (!t.variable()) {
            throw q.unsupported(op, "has a " + what + " " + t.label() + " that is not a variable tensor");
        }
        q.requireQuant(t, what, type);
        return t;
    }

    private Rescale rescale(TfliteModel.Operator op, double real) {
        return Rescale.of(q.of(op, real));
    }

    private void refuse(TfliteModel.Operator op, int[] in, int[] slots, String why) {
        for (int s : slots) {
            if (present(in, s)) {
                throw q.unsupported(op, why + "; mcugen runs TFLite's standard integer LSTM only (no peephole, projection"
                        + " or layer normalization), as TFLite Micro does");
            }
        }
    }

    private static boolean present(int[] in, int slot) {
        return slot < in.length && in[slot] >= 0;
    }
}
