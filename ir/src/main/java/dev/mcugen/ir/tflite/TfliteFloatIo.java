package dev.mcugen.ir.tflite;

import dev.mcugen.ir.quant.QuantType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The float edges of a quantized {@code .tflite}: TFLite's converter, unless told
 * {@code inference_input_type = int8} (and {@code inference_output_type}), keeps the model's inputs and
 * outputs float32 and puts a {@code QUANTIZE} after each input and a {@code DEQUANTIZE} before each
 * output; everything between runs on integers. mcugen keeps the C float-free: its graph starts at the
 * integers the {@code QUANTIZE} writes and ends at those the {@code DEQUANTIZE} reads, and the caller
 * quantizes and dequantizes with the parameters the generated header states, as those two ops do
 * ({@link #quantize}, {@link #dequantize}).
 */
public final class TfliteFloatIo {
    /**
     * The edges of one file.
     *
     * @param inputs  per float32 model input (tensor index): the integer tensor its QUANTIZE writes
     * @param outputs per float32 model output: the integer tensor its DEQUANTIZE reads
     * @param skipped the operator indices of those QUANTIZE and DEQUANTIZE ops
     */
    record Edges(Map<Integer, Integer> inputs, Map<Integer, Integer> outputs, Set<Integer> skipped) {
        boolean any() {
            return !inputs.isEmpty() || !outputs.isEmpty();
        }

        int input(int tensor) {
            return inputs.getOrDefault(tensor, tensor);
        }

        int output(int tensor) {
            return outputs.getOrDefault(tensor, tensor);
        }
    }

    private TfliteFloatIo() {
    }

    /**
     * The float edges of {@code m}: a float32 input read by exactly one operator, a QUANTIZE to int8 or
     * int16; a float32 output written by a DEQUANTIZE of an int8 or int16 tensor. Edges of any other
     * form are not float edges (a float model, or a hybrid one the importers refuse).
     */
    static Edges edges(TfliteModel m) {
        Map<Integer, Integer> inputs = new HashMap<>();
        Map<Integer, Integer> outputs = new HashMap<>();
        Set<Integer> skipped = new HashSet<>();
        Set<Integer> modelOutputs = new HashSet<>();
        for (int o : m.outputs) {
            modelOutputs.add(o);
        }
        for (int i : m.inputs) {
            if (m.tensors.get(i).type() != TfliteModel.FLOAT32) {
                continue;
            }
            List<TfliteModel.Operator> readers = m.operators.stream()
                    .filter(op -> java.util.Arrays.stream(op.inputs()).anyMatch(k -> k == i)).toList();
            if (readers.size() != 1 || modelOutputs.contains(i)) {
                continue;
            }
            TfliteModel.Operator q = readers.get(0);
            if (q.opcode() == Builtin.QUANTIZE) {
                int y = q.outputs()[0];
                if (integer(m, y)) {
                    inputs.put(i, y);
                    skipped.add(q.index());
                }
            }
        }
        for (TfliteModel.Operator op : m.operators) {
            if (op.opcode() == Builtin.DEQUANTIZE && op.outputs().length == 1 && modelOutputs.contains(op.outputs()[0])
                    && m.tensors.get(op.outputs()[0]).type() == TfliteModel.FLOAT32 && op.inputs().length >= 1
                    && integer(m, op.inputs()[0])) {
                outputs.put(op.outputs()[0], op.inputs()[0]);
                skipped.add(op.index());
            }
        }
        return new Edges(inputs, outputs, skipped);
    }

    private static boolean integer(TfliteModel m, int tensor) {
        int type = m.tensors.get(tensor).type();
        return (type == TfliteModel.INT8 || type == TfliteModel.INT16) && m.quantization.get(tensor) != null;
    }

    /**
     * TFLite's {@code QUANTIZE} of a float32 value ({@code AffineQuantize}): {@code x / scale} in float32,
     * rounded half away from zero, plus the zero point, clamped to the type.
     */
    public static int quantize(float x, QuantType t) {
        float v = x / (float) t.scale();
        long r = Math.round(Math.abs((double) v)) * (v < 0 ? -1 : 1);
        return (int) Math.max(t.qmin(), Math.min(t.qmax(), r + t.zeroPoint()));
    }

    /** TFLite's {@code DEQUANTIZE} to float32: {@code (float) (scale * (q - zero_point))}, the product in double. */
    public static float dequantize(int q, QuantType t) {
        return (float) (t.scale() * ((long) q - t.zeroPoint()));
    }
}
