package dev.mcugen.ir.json;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;
import dev.mcugen.ir.PoolKind;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.WeightSpecs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Graphs for the graph JSON tests: hand-made ones covering every op, and seeded random ones. */
final class TestGraphs {
    private TestGraphs() {
    }

    /** Adds a node with weights drawn from {@code r} in the shapes its op needs. */
    static Node add(GraphBuilder b, Random r, String name, Op op, String... inputs) {
        List<Shape> in = new ArrayList<>();
        for (String i : inputs) {
            in.add(b.shapeOf(i));
        }
        Map<String, FloatTensor> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : WeightSpecs.expected(op, in).entrySet()) {
            w.put(e.getKey(), randomTensor(r, e.getValue()));
        }
        return b.add(name, op, List.of(inputs), w);
    }

    static FloatTensor randomTensor(Random r, Shape s) {
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = nastyFloat(r);
        }
        return FloatTensor.of(s, d);
    }

    /** A finite float, often one that is hard to print and read back exactly. */
    static float nastyFloat(Random r) {
        switch (r.nextInt(12)) {
            case 0:
                return -0.0f;
            case 1:
                return 0.0f;
            case 2: // subnormal, either sign
                return Float.intBitsToFloat((r.nextBoolean() ? 0x80000000 : 0) | (1 + r.nextInt(0x7FFFFF)));
            case 3: {
                float[] edge = {Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
                        Math.nextDown(Float.MIN_NORMAL), 1.0f, -1.0f, 0.1f, 1e-38f, 3.4e38f, 16777217f, Math.nextUp(1.0f)};
                return edge[r.nextInt(edge.length)];
            }
            case 4: // any finite bit pattern
            case 5: {
                float f;
                do {
                    f = Float.intBitsToFloat(r.nextInt());
                } while (!Float.isFinite(f));
                return f;
            }
            case 6: // large magnitude
                return (float) (r.nextGaussian() * 1e30);
            case 7: // small magnitude
                return (float) (r.nextGaussian() * 1e-30);
            default: // typical weights
                return (float) (r.nextGaussian() * 0.5);
        }
    }

    static Op.Lstm lstm(int units, boolean peephole, boolean projection, boolean layerNorm, boolean cifg) {
        return new Op.Lstm(units, Activation.TANH, Activation.SIGMOID, true, false, false, peephole, layerNorm, cifg,
                projection ? 2 : 0);
    }

    /** One graph holding every op kind, each with non-default attributes where it has any. */
    static Graph everyOp(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("every_op \"quoted\" \u00e9");
        b.input("seq", Shape.of(12, 3));
        b.input("img", Shape.of(9, 8, 2));
        b.input("vec", Shape.of(6));
        b.input("open", Shape.of(Shape.UNKNOWN, 4));
        b.input("tokens", Shape.of(5));
        add(b, r, "conv1d", new Op.Conv1D(5, 3, 2, 1, Padding.SAME, Activation.RELU, false), "seq");
        add(b, r, "conv1d_dil", new Op.Conv1D(4, 2, 1, 2, Padding.VALID, Activation.RELU6, true), "seq");
        add(b, r, "max_pool1d", new Op.Pool(PoolKind.MAX, List.of(2), List.of(1), Padding.SAME), "conv1d");
        add(b, r, "avg_pool1d", new Op.Pool(PoolKind.AVG, List.of(3), List.of(2), Padding.VALID), "conv1d_dil");
        add(b, r, "bn", new Op.BatchNorm(0.0123f), "max_pool1d");
        add(b, r, "ln", new Op.LayerNorm(0.25f), "bn");
        add(b, r, "drop", new Op.Dropout(0.3f), "ln");
        add(b, r, "act", new Op.Act(Activation.HARD_SIGMOID), "drop");
        add(b, r, "rnn", new Op.SimpleRnn(4, Activation.RELU, false, true, true), "act");
        add(b, r, "gru_a", new Op.Gru(3, Activation.SIGMOID, Activation.HARD_SIGMOID, true, true, true, true), "rnn");
        add(b, r, "gru_b", new Op.Gru(3, Activation.RELU, Activation.SIGMOID, true, true, false, false), "rnn");
        add(b, r, "gru_nobias", new Op.Gru(2, Activation.TANH, Activation.SIGMOID, false, false, false, true), "rnn");
        add(b, r, "add", new Op.Add(), "gru_a", "gru_b");
        add(b, r, "subtract", new Op.Subtract(), "gru_a", "gru_b");
        add(b, r, "multiply_const", new Op.Multiply(1), "gru_a");
        add(b, r, "average", new Op.Average(), "gru_a", "gru_b", "add");
        add(b, r, "maximum_const_first", new Op.Maximum(0), "subtract");
        add(b, r, "minimum", new Op.Minimum(), "multiply_const", "average", "maximum_const_first");
        add(b, r, "add_const", new Op.Add(2), "minimum", "subtract");
        add(b, r, "concat", new Op.Concatenate(1), "gru_a", "gru_b", "add");
        add(b, r, "reverse", new Op.Reverse(0), "gru_a");
        add(b, r, "lstm_seq", new Op.Lstm(3, Activation.RELU, Activation.HARD_SIGMOID, false, true, true, true, true,
                false, 2), "concat");
        add(b, r, "gpool1d", new Op.GlobalPool(PoolKind.AVG, 1), "lstm_seq");
        add(b, r, "embedding", new Op.Embedding(11, 3), "tokens");
        add(b, r, "conv2d", new Op.Conv2D(3, 3, 2, 1, 2, 2, 1, Padding.VALID, Activation.TANH, false), "img");
        add(b, r, "conv2d_same", new Op.Conv2D(2, 2, 2, 2, 2, 1, 1, Padding.SAME, Activation.LINEAR, true), "img");
        add(b, r, "dw1d", Op.DepthwiseConv.of1d(2, 3, 2, 1, Padding.SAME, Activation.RELU, true), "seq");
        add(b, r, "dw2d", new Op.DepthwiseConv(2, 3, 2, 3, 1, 2, 2, 1, Padding.VALID, Activation.RELU6, false), "img");
        add(b, r, "max_pool2d", new Op.Pool(PoolKind.MAX, List.of(2, 1), List.of(1, 2), Padding.SAME), "conv2d");
        add(b, r, "avg_pool2d", new Op.Pool(PoolKind.AVG, List.of(2, 2), List.of(2, 2), Padding.VALID), "conv2d_same");
        add(b, r, "gpool2d", new Op.GlobalPool(PoolKind.MAX, 2), "max_pool2d");
        add(b, r, "prelu", new Op.PRelu(List.of(0, 1)), "conv2d");
        add(b, r, "leaky_relu", new Op.LeakyRelu(-0.125f), "prelu");
        add(b, r, "elu", new Op.Elu(0.7f), "leaky_relu");
        add(b, r, "hard_sigmoid", new Op.HardSigmoid(1f / 6f, 0.5f), "elu");
        add(b, r, "flatten", new Op.Flatten(), "avg_pool2d");
        add(b, r, "reshape", new Op.Reshape(Shape.of(Shape.UNKNOWN, 2)), "flatten");
        add(b, r, "reshape_fixed", new Op.Reshape(Shape.of(2, 2, 2)), "flatten");
        add(b, r, "dense_seq", new Op.Dense(3, Activation.RELU, false), "reshape");
        add(b, r, "dense", new Op.Dense(4, Activation.SOFTMAX, true), "vec");
        add(b, r, "lstm_open", new Op.Lstm(2, Activation.TANH, Activation.SIGMOID, true, false, true, false, false,
                true, 0), "open");
        add(b, r, "zero_pad2d", new Op.ZeroPadding(List.of(1, 0, 2, 1)), "img");
        add(b, r, "crop2d", new Op.Cropping(List.of(0, 1, 1, 0)), "zero_pad2d");
        add(b, r, "up2d", new Op.UpSampling(List.of(2, 1)), "crop2d");
        add(b, r, "tconv2d", new Op.ConvTranspose(3, List.of(3, 2), List.of(2, 1), Padding.SAME, List.of(1, 0),
                Activation.RELU, true), "up2d");
        add(b, r, "permute", new Op.Permute(List.of(3, 1, 2)), "tconv2d");
        add(b, r, "zero_pad1d", new Op.ZeroPadding(List.of(1, 2)), "seq");
        add(b, r, "crop1d", new Op.Cropping(List.of(1, 0)), "zero_pad1d");
        add(b, r, "up1d", new Op.UpSampling(List.of(2)), "crop1d");
        add(b, r, "tconv1d", new Op.ConvTranspose(2, List.of(3), List.of(2), Padding.VALID, List.of(), Activation.LINEAR,
                false), "up1d");
        add(b, r, "repeat", new Op.RepeatVector(3), "vec");
        b.output("add_const");
        b.output("gpool1d").output("gpool2d").output("dense_seq").output("dense").output("lstm_open")
                .output("gru_nobias").output("reshape_fixed").output("vec").output("hard_sigmoid")
                .output("permute").output("tconv1d").output("repeat").output("reverse").output("embedding");
        return b.build();
    }

    /** All 16 LSTM variants (±peephole ±projection ±layer norm ±CIFG) side by side on one input. */
    static Graph lstmVariants(long seed) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("lstm_variants");
        b.input("x", Shape.of(5, 3));
        for (int v = 0; v < 16; v++) {
            boolean ph = (v & 1) != 0;
            boolean proj = (v & 2) != 0;
            boolean ln = (v & 4) != 0;
            boolean cifg = (v & 8) != 0;
            String name = "lstm" + (ph ? "_ph" : "") + (proj ? "_proj" : "") + (ln ? "_ln" : "") + (cifg ? "_cifg" : "");
            add(b, r, name, lstm(4, ph, proj, ln, cifg), "x");
            b.output(name);
        }
        return b.build();
    }

    /**
     * A random graph: a few inputs, then up to {@code maxNodes} ops with random attributes applied to
     * random earlier tensors where their shapes fit (ops that do not fit are skipped).
     */
    static Graph random(long seed, int maxNodes) {
        Random r = new Random(seed);
        GraphBuilder b = new GraphBuilder("random_" + seed);
        List<String> tensors = new ArrayList<>();
        int nInputs = 1 + r.nextInt(2);
        for (int i = 0; i < nInputs; i++) {
            Shape s;
            switch (r.nextInt(4)) {
                case 0:
                    s = Shape.of(1 + r.nextInt(8));
                    break;
                case 1:
                    s = Shape.of(r.nextInt(4) == 0 ? Shape.UNKNOWN : 2 + r.nextInt(8), 1 + r.nextInt(4));
                    break;
                case 2:
                    s = Shape.of(2 + r.nextInt(5), 2 + r.nextInt(5), 1 + r.nextInt(3));
                    break;
                default:
                    s = Shape.of(3 + r.nextInt(6), 1 + r.nextInt(4));
            }
            b.input("in" + i, s);
            tensors.add("in" + i);
        }
        int made = 0;
        if (r.nextInt(4) == 0) { // token ids: read by the embedding alone
            b.input("tok", Shape.of(1 + r.nextInt(6)));
            add(b, r, "n" + made, new Op.Embedding(2 + r.nextInt(9), small(r)), "tok");
            tensors.add("n" + made);
            made++;
        }
        for (int attempt = 0; attempt < maxNodes * 10 && made < maxNodes; attempt++) {
            String x = tensors.get(r.nextInt(tensors.size()));
            Shape xs = b.shapeOf(x);
            String name = "n" + made + (r.nextInt(5) == 0 ? "/sub.layer-" + r.nextInt(9) : "");
            Op op = randomOp(r, xs);
            List<String> ins = new ArrayList<>(List.of(x));
            if (op instanceof Op.Elementwise || op instanceof Op.Concatenate) {
                List<String> same = tensors.stream().filter(t -> fits(op, xs, b.shapeOf(t))).toList();
                boolean constant = op instanceof Op.Elementwise e && e.constantOperand() >= 0;
                int extra = constant ? r.nextInt(2) : 1 + r.nextInt(2);
                for (int k = 0; k < extra; k++) {
                    ins.add(same.get(r.nextInt(same.size())));
                }
            }
            try {
                add(b, r, name, op, ins.toArray(String[]::new));
            } catch (McugenException | IllegalArgumentException | IllegalStateException e) {
                continue; // did not fit this input; try another op
            }
            tensors.add(name);
            made++;
        }
        List<String> nodes = tensors.stream().filter(t -> t.startsWith("n")).toList();
        if (nodes.isEmpty()) {
            add(b, r, "fallback", new Op.Dropout(0.5f), "in0");
            nodes = List.of("fallback");
        }
        b.output(nodes.get(nodes.size() - 1));
        if (r.nextBoolean()) {
            b.output(nodes.get(r.nextInt(nodes.size())));
        }
        return b.build();
    }

    private static boolean fits(Op op, Shape x, Shape other) {
        if (op instanceof Op.Elementwise) {
            return other.equals(x);
        }
        Op.Concatenate c = (Op.Concatenate) op;
        if (other.rank() != x.rank()) {
            return false;
        }
        for (int i = 0; i < x.rank(); i++) {
            if (i != c.axis() && other.dim(i) != x.dim(i)) {
                return false;
            }
        }
        return true;
    }

    private static Activation anyAct(Random r) {
        Activation[] a = Activation.values();
        return a[r.nextInt(a.length)];
    }

    private static Activation elementwiseAct(Random r) {
        Activation a;
        do {
            a = anyAct(r);
        } while (!a.isElementwise());
        return a;
    }

    private static int small(Random r) {
        return 1 + r.nextInt(5);
    }

    private static Padding pad(Random r) {
        return r.nextBoolean() ? Padding.SAME : Padding.VALID;
    }

    private static Op randomOp(Random r, Shape x) {
        int sr = Math.max(1, Math.min(2, x.rank() - 1));
        switch (r.nextInt(29)) {
            case 17:
                if (x.rank() == 2) {
                    return Op.DepthwiseConv.of1d(1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(2), 1 + r.nextInt(2),
                            pad(r), anyAct(r), r.nextBoolean());
                }
                return new Op.DepthwiseConv(2, 1 + r.nextInt(2), 1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(2),
                        1 + r.nextInt(2), 1 + r.nextInt(2), 1 + r.nextInt(2), pad(r), anyAct(r), r.nextBoolean());
            case 18:
                return new Op.LeakyRelu(TestGraphs.nastyFloat(r) > 0 ? 0.3f : -r.nextFloat());
            case 19:
                return new Op.Elu(r.nextFloat() * 2);
            case 20:
                return new Op.HardSigmoid(r.nextFloat(), r.nextFloat());
            case 21: {
                List<Integer> shared = new ArrayList<>();
                for (int k = 0; k < x.rank(); k++) {
                    if (r.nextBoolean()) {
                        shared.add(k);
                    }
                }
                return new Op.PRelu(shared);
            }
            case 22:
                return sr == 1 ? new Op.ZeroPadding(List.of(r.nextInt(3), r.nextInt(3)))
                        : new Op.ZeroPadding(List.of(r.nextInt(3), r.nextInt(3), r.nextInt(3), r.nextInt(3)));
            case 23:
                return sr == 1 ? new Op.Cropping(List.of(r.nextInt(2), r.nextInt(2)))
                        : new Op.Cropping(List.of(r.nextInt(2), r.nextInt(2), r.nextInt(2), r.nextInt(2)));
            case 24:
                return sr == 1 ? new Op.UpSampling(List.of(1 + r.nextInt(3)))
                        : new Op.UpSampling(List.of(1 + r.nextInt(3), 1 + r.nextInt(3)));
            case 25: {
                List<Integer> dims = new ArrayList<>();
                for (int d = 1; d <= x.rank(); d++) {
                    dims.add(d);
                }
                java.util.Collections.shuffle(dims, r);
                return new Op.Permute(dims);
            }
            case 26:
                return new Op.RepeatVector(1 + r.nextInt(4));
            case 27: {
                List<Integer> k = new ArrayList<>();
                List<Integer> st = new ArrayList<>();
                List<Integer> op = new ArrayList<>();
                for (int i = 0; i < sr; i++) {
                    k.add(1 + r.nextInt(3));
                    st.add(1 + r.nextInt(2));
                    op.add(r.nextInt(st.get(i)));
                }
                return new Op.ConvTranspose(small(r), k, st, pad(r), r.nextBoolean() ? List.of() : op, anyAct(r),
                        r.nextBoolean());
            }
            case 0:
                return new Op.Dense(small(r), anyAct(r), r.nextBoolean());
            case 1:
                return new Op.Conv1D(small(r), 1 + r.nextInt(3), 1 + r.nextInt(2), 1 + r.nextInt(2), pad(r), anyAct(r),
                        r.nextBoolean());
            case 2:
                return new Op.Conv2D(small(r), 1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(2), 1 + r.nextInt(2),
                        1 + r.nextInt(2), 1 + r.nextInt(2), pad(r), anyAct(r), r.nextBoolean());
            case 3: {
                int rank = Math.max(1, Math.min(2, x.rank() - 1));
                List<Integer> size = new ArrayList<>();
                List<Integer> strides = new ArrayList<>();
                for (int i = 0; i < rank; i++) {
                    size.add(1 + r.nextInt(3));
                    strides.add(1 + r.nextInt(3));
                }
                return new Op.Pool(r.nextBoolean() ? PoolKind.MAX : PoolKind.AVG, size, strides, pad(r));
            }
            case 4:
                return new Op.GlobalPool(r.nextBoolean() ? PoolKind.MAX : PoolKind.AVG, Math.max(1, x.rank() - 1));
            case 5:
                return new Op.Flatten();
            case 6: {
                if (!x.isFullyKnown()) {
                    return new Op.Flatten();
                }
                int n = x.size();
                int d = 1;
                for (int k = 2; k <= n; k++) {
                    if (n % k == 0 && r.nextBoolean()) {
                        d = k;
                        break;
                    }
                }
                return new Op.Reshape(r.nextBoolean() ? Shape.of(Shape.UNKNOWN, d) : Shape.of(n / d, d));
            }
            case 7:
                return new Op.Dropout(r.nextBoolean() ? r.nextFloat() : (float) r.nextInt(10) / 10f);
            case 8:
                return new Op.BatchNorm(r.nextBoolean() ? 1e-3f : Math.abs(TestGraphs.nastyFloat(r)));
            case 9:
                return new Op.Act(anyAct(r));
            case 10: {
                Op.Elementwise e = List.of(new Op.Add(), new Op.Subtract(), new Op.Multiply(), new Op.Average(),
                        new Op.Maximum(), new Op.Minimum()).get(r.nextInt(6));
                return r.nextBoolean() ? e : dev.mcugen.ir.ElementwiseShapes.withConstant(e, r.nextInt(2));
            }
            case 11:
                return new Op.Concatenate(r.nextInt(Math.max(1, x.rank())));
            case 16:
                return new Op.Reverse(r.nextInt(Math.max(1, x.rank())));
            case 12:
                return new Op.SimpleRnn(small(r), elementwiseAct(r), r.nextBoolean(), r.nextBoolean(), r.nextBoolean());
            case 28:
                return new Op.LayerNorm(r.nextBoolean() ? 1e-3f : Math.abs(TestGraphs.nastyFloat(r)));
            case 13:
            case 14:
                return new Op.Lstm(small(r), elementwiseAct(r), elementwiseAct(r), r.nextBoolean(), r.nextBoolean(),
                        r.nextBoolean(), r.nextBoolean(), r.nextBoolean(), r.nextBoolean(),
                        r.nextBoolean() ? 0 : small(r));
            default:
                return new Op.Gru(small(r), elementwiseAct(r), elementwiseAct(r), r.nextBoolean(), r.nextBoolean(),
                        r.nextBoolean(), r.nextBoolean());
        }
    }
}
