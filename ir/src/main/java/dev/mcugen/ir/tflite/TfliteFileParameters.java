package dev.mcugen.ir.tflite;

import dev.mcugen.ir.McugenException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The quantization parameters a quantized {@code .tflite} file states, operator by operator, as the
 * file holds them (float32 scales, zero points, the per-channel axis): what {@code inspect} lists and
 * what the contract checks and reports name "from the file". Nothing is derived here; the integer
 * parameters TFLite derives from these at prepare time are the quantized graph's
 * ({@link TfliteImporter#loadQuantized}).
 */
public final class TfliteFileParameters {
    private TfliteFileParameters() {
    }

    /**
     * One tensor an operator reads or writes.
     *
     * @param role        {@code input}, {@code weights}, {@code bias}, {@code input 2} ..., or {@code output}
     * @param tensor      the tensor's name as the quantized graph names it (its TFLite name, made unique)
     * @param dtype       the file's type ({@code INT8}, {@code INT16}, {@code INT32}, {@code FLOAT32} ...)
     * @param shape       the file's shape
     * @param scales      its scales (one per channel when per-channel), empty when unquantized
     * @param zeroPoints  its zero points, as many as scales
     * @param axis        the quantized dimension of per-channel parameters
     * @param constant    whether the file holds its values (weights, biases)
     */
    public record Operand(String role, String tensor, String dtype, List<Integer> shape, List<Float> scales,
                          List<Long> zeroPoints, int axis, boolean constant) {
        public Operand {
            shape = List.copyOf(shape);
            scales = List.copyOf(scales);
            zeroPoints = List.copyOf(zeroPoints);
        }

        /** Whether the file gives it a scale. */
        public boolean quantized() {
            return !scales.isEmpty();
        }

        /** Whether it has one scale per channel. */
        public boolean perChannel() {
            return scales.size() > 1;
        }

        /** How many values it holds. */
        public long elements() {
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            return n;
        }
    }

    /**
     * One operator of the file.
     *
     * @param index    its place in the file's operator list
     * @param op       the TFLite op ({@code CONV_2D} ...)
     * @param output   the name of its (first) output tensor: the quantized graph's node of this operator
     * @param operands what it reads, then what it writes
     */
    public record Layer(int index, String op, String output, List<Operand> operands) {
        public Layer {
            operands = List.copyOf(operands);
        }

        /** The operand of {@code role}, if the operator has it. */
        public java.util.Optional<Operand> operand(String role) {
            return operands.stream().filter(o -> o.role().equals(role)).findFirst();
        }
    }

    /**
     * Every operator's parameters and the model's input and output tensors.
     *
     * @param inputs  the model's inputs: the integers the C takes (with float I/O, what each input's QUANTIZE writes)
     * @param outputs the model's outputs: the integers the C returns (with float I/O, what each DEQUANTIZE reads)
     * @param layers  the operators in file order
     * @param floatIo whether the file takes or returns float32 ({@link TfliteFloatIo}): its QUANTIZE and
     *                DEQUANTIZE edges are the caller's to do, with the parameters of {@code inputs} and {@code outputs}
     */
    public record Parameters(List<Operand> inputs, List<Operand> outputs, List<Layer> layers, boolean floatIo) {
        public Parameters {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            layers = List.copyOf(layers);
        }
    }

    /** Ops whose inputs 0, 1, 2 are the data, the weights and the bias. */
    private static final Set<Integer> WEIGHTED = Set.of(Builtin.CONV_2D, Builtin.DEPTHWISE_CONV_2D,
            Builtin.FULLY_CONNECTED);

    /** Reads {@code file}'s parameters (the same parse as the importer's, so the same refusals). */
    public static Parameters read(Path file) {
        String where = file.toString();
        try {
            TfliteModel m = TfliteModel.parse(new Flat(TfliteImporter.bytes(file), where));
            return of(m);
        } catch (McugenException e) {
            if (e.subject().startsWith(where)) {
                throw e;
            }
            throw e.within(where);
        }
    }

    static Parameters of(TfliteModel m) {
        // Named as the quantized graph names them: in the order the mapper first meets each tensor
        // (the inputs, then each operator's output), a name taken twice gets "_<index>".
        Map<Integer, String> names = new HashMap<>();
        Set<String> used = new HashSet<>();
        TfliteFloatIo.Edges edges = TfliteFloatIo.edges(m);
        List<Operand> inputs = new ArrayList<>();
        for (int i : m.inputs) {
            int t = edges.input(i);
            inputs.add(operand(m, "input", t, name(m, t, names, used)));
        }
        List<Layer> layers = new ArrayList<>();
        for (TfliteModel.Operator op : m.operators) {
            List<Operand> ops = new ArrayList<>();
            int[] in = op.inputs();
            for (int k = 0; k < in.length; k++) {
                if (in[k] < 0) {
                    continue;
                }
                String role = WEIGHTED.contains(op.opcode()) ? k == 0 ? "input" : k == 1 ? "weights" : k == 2 ? "bias"
                        : "input " + (k + 1) : k == 0 ? "input" : "input " + (k + 1);
                String n = names.getOrDefault(in[k], label(m.tensors.get(in[k])));
                ops.add(operand(m, role, in[k], n));
            }
            String first = null;
            for (int o : op.outputs()) {
                String n = names.containsKey(o) ? names.get(o) : name(m, o, names, used);
                first = first == null ? n : first;
                ops.add(operand(m, "output", o, n));
            }
            layers.add(new Layer(op.index(), Builtin.name(op.opcode()), first == null ? "" : first, ops));
        }
        List<Operand> outputs = new ArrayList<>();
        for (int o : m.outputs) {
            int t = edges.output(o);
            outputs.add(operand(m, "output", t, names.getOrDefault(t, label(m.tensors.get(t)))));
        }
        return new Parameters(inputs, outputs, layers, edges.any());
    }

    private static String label(TfliteModel.Tensor t) {
        return t.name().isEmpty() ? "t" + t.index() : t.name();
    }

    private static String name(TfliteModel m, int index, Map<Integer, String> names, Set<String> used) {
        String base = label(m.tensors.get(index));
        String n = used.contains(base) ? base + "_" + index : base;
        used.add(n);
        names.put(index, n);
        return n;
    }

    private static Operand operand(TfliteModel m, String role, int index, String name) {
        TfliteModel.Tensor t = m.tensors.get(index);
        TfliteModel.Quantization q = m.quantization.get(index);
        List<Float> scales = new ArrayList<>();
        List<Long> zps = new ArrayList<>();
        int axis = 0;
        if (q != null) {
            for (float s : q.scale()) {
                scales.add(s);
            }
            for (int i = 0; i < q.scale().length; i++) {
                zps.add(i < q.zeroPoint().length ? q.zeroPoint()[i] : 0L);
            }
            axis = q.dimension();
        }
        List<Integer> shape = new ArrayList<>();
        for (int d : t.shape()) {
            shape.add(d);
        }
        boolean constant = t.buffer() > 0 && t.buffer() < m.buffers.size() && m.buffers.get(t.buffer()).length() > 0;
        return new Operand(role, name, TfliteModel.typeName(t.type()), shape, scales, zps, axis, constant);
    }
}
