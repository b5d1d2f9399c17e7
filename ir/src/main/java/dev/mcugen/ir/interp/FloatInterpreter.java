package dev.mcugen.ir.interp;

import dev.mcugen.ir.Activation;
import dev.mcugen.ir.ActivationFusion;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.ShapeInference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@link Graph} on one sample (no batch dimension) in float32 with the semantics of the
 * framework the model came from: TensorFlow.js / Keras layers, matching TF.js {@code model.predict}
 * on its cpu backend (see {@link Kernels} for the rounding it reproduces).
 *
 * <p>An instance copies (and lays out) the graph's weights once and is then immutable: it may be
 * used from several threads at once. Dimensions the model leaves open ({@link Shape#UNKNOWN}, a
 * variable sequence length) take their length from the data.
 */
public final class FloatInterpreter {
    private final Graph graph;
    private final List<GraphInput> inputs;
    private final List<Node> nodes;
    /** Per node, the indices of its input tensors (inputs first, then nodes in order). */
    private final int[][] argIndex;
    private final int[] outputIndex;
    private final Kernel[] kernels;
    private final List<String> tensorNames;

    /** Compiles {@code graph}: copies and lays out its weights. */
    public FloatInterpreter(Graph graph) {
        this.graph = graph;
        this.inputs = graph.inputs();
        this.nodes = graph.nodes();
        Map<String, Integer> index = new HashMap<>();
        List<String> names = new ArrayList<>();
        for (GraphInput in : inputs) {
            index.put(in.name(), index.size());
            names.add(in.name());
        }
        argIndex = new int[nodes.size()][];
        kernels = new Kernel[nodes.size()];
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            argIndex[n] = node.inputs().stream().mapToInt(index::get).toArray();
            kernels[n] = compile(node);
            index.put(node.name(), index.size());
            names.addAll(RecurrentInternals.tensorNames(node));
            Activation fused = ActivationFusion.fusedActivation(node.op());
            if (fused != null && ActivationFusion.calibratesPreactivation(fused)) {
                names.add(node.name() + ActivationFusion.PREACTIVATION);
            }
            names.add(node.name());
        }
        outputIndex = graph.outputs().stream().mapToInt(index::get).toArray();
        tensorNames = List.copyOf(names);
    }

    /** Runs {@code graph} once on one sample; compile a {@link FloatInterpreter} to run many. */
    public static Map<String, FloatTensor> evaluate(Graph graph, Map<String, FloatTensor> inputs) {
        return new FloatInterpreter(graph).run(inputs);
    }

    public Graph graph() {
        return graph;
    }

    /**
     * Every tensor {@link #run(Map, TensorObserver)} reports, in graph order: the model inputs, then
     * per node its recurrent internals ({@link RecurrentInternals}) followed by the node's output.
     */
    public List<String> tensorNames() {
        return tensorNames;
    }

    /** The graph outputs for one sample, by output name. */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> sample) {
        return run(sample, null);
    }

    /**
     * The graph outputs for one sample, telling {@code observer} (if not null) every tensor: inputs
     * and node outputs once, recurrent internals once per time step.
     *
     * @throws McugenException {@link Diag#MCG_DATA_SHAPE} if an input is missing, unknown or of the
     *                         wrong shape, {@link Diag#MCG_DATA_NONFINITE} if it holds NaN or infinity
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> sample, TensorObserver observer) {
        return run(sample, observer, null);
    }

    /**
     * As {@link #run(Map, TensorObserver)}, with {@code rewrite} (if not null) told each node's output
     * right after its layer computes it, before any later layer reads it: it may change the values in
     * place (a word-length analysis quantizes one layer's output this way; a recurrent layer's state
     * inside its own loop is not an output and stays as computed).
     */
    public Map<String, FloatTensor> run(Map<String, FloatTensor> sample, TensorObserver observer, OutputRewrite rewrite) {
        for (String key : sample.keySet()) {
            if (inputs.stream().noneMatch(i -> i.name().equals(key))) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + key + "'",
                        "is not an input of model '" + graph.name() + "'; its inputs are "
                                + inputs.stream().map(GraphInput::name).toList());
            }
        }
        int count = inputs.size() + nodes.size();
        float[][] values = new float[count][];
        Shape[] shapes = new Shape[count];
        boolean declaredShapes = true;
        for (int i = 0; i < inputs.size(); i++) {
            GraphInput in = inputs.get(i);
            FloatTensor t = sample.get(in.name());
            if (t == null) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + in.name() + "'",
                        "has no data; model '" + graph.name() + "' needs a tensor of shape " + in.shape());
            }
            checkSample(in, t.shape());
            int bad = t.firstNonFinite();
            if (bad >= 0) {
                throw new McugenException(Diag.MCG_DATA_NONFINITE, "input '" + in.name() + "'",
                        "holds " + t.get(bad) + " at flat index " + bad + "; clean the data");
            }
            values[i] = t.toArray();
            shapes[i] = t.shape();
            declaredShapes &= t.shape().equals(in.shape());
            if (observer != null) {
                observer.observe(in.name(), TensorObserver.WHOLE, values[i]);
            }
        }
        for (int n = 0; n < nodes.size(); n++) {
            Node node = nodes.get(n);
            int[] args = argIndex[n];
            float[][] in = new float[args.length][];
            Shape[] inShapes = new Shape[args.length];
            for (int a = 0; a < args.length; a++) {
                in[a] = values[args[a]];
                inShapes[a] = shapes[args[a]];
            }
            Shape out = declaredShapes ? node.outputShape()
                    : ShapeInference.outputShape(node.name(), node.op(), Arrays.asList(inShapes));
            int o = inputs.size() + n;
            values[o] = kernels[n].apply(in, inShapes, out, observer);
            if (rewrite != null) {
                for (float[] a : in) {
                    if (a == values[o]) {
                        values[o] = values[o].clone(); // a view of its input (reshape): rewrite this node's alone
                        break;
                    }
                }
                rewrite.rewrite(node.name(), values[o]);
            }
            shapes[o] = out;
            if (observer != null) {
                observer.observe(node.name(), TensorObserver.WHOLE, values[o]);
            }
        }
        Map<String, FloatTensor> result = new LinkedHashMap<>();
        for (int k = 0; k < outputIndex.length; k++) {
            int o = outputIndex[k];
            result.put(graph.outputs().get(k), FloatTensor.of(shapes[o], values[o]));
        }
        return result;
    }

    /** Single-input, single-output convenience: the output for one sample. */
    public FloatTensor run(FloatTensor sample) {
        requireSingleInOut();
        return run(Map.of(inputs.get(0).name(), sample)).get(graph.outputs().get(0));
    }

    /**
     * Runs {@code N} samples given as one row-major tensor of shape {@code [N, ...input shape]} through
     * a single-input, single-output graph and returns the outputs stacked as {@code [N, ...]}.
     */
    public FloatTensor runBatch(FloatTensor batch) {
        return runBatch(batch, Progress.NONE);
    }

    /** {@link #runBatch(FloatTensor)} reporting progress after each sample. */
    public FloatTensor runBatch(FloatTensor batch, Progress progress) {
        requireSingleInOut();
        return runBatch(Map.of(inputs.get(0).name(), batch), progress).get(graph.outputs().get(0));
    }

    /**
     * Runs {@code N} samples: each input given as {@code [N, ...input shape]} (all with the same N);
     * returns each output as {@code [N, ...output shape]}, reporting progress after each sample.
     */
    public Map<String, FloatTensor> runBatch(Map<String, FloatTensor> batches, Progress progress) {
        return runBatch(Batch.of(graph, batches), progress);
    }

    /** Runs the samples of {@code batch}; returns each output as {@code [N, ...output shape]}. */
    public Map<String, FloatTensor> runBatch(Batch batch, Progress progress) {
        int n = batch.size();
        Map<String, float[]> outData = new LinkedHashMap<>();
        Map<String, Shape> outShapes = new LinkedHashMap<>();
        for (int s = 0; s < n; s++) {
            Map<String, FloatTensor> outs = run(batch.sample(s));
            for (var e : outs.entrySet()) {
                FloatTensor t = e.getValue();
                if (s == 0) {
                    outShapes.put(e.getKey(), t.shape());
                    outData.put(e.getKey(), new float[Math.multiplyExact(n, t.size())]);
                }
                float[] v = t.toArray();
                System.arraycopy(v, 0, outData.get(e.getKey()), s * v.length, v.length);
            }
            progress.update(s + 1, n);
        }
        Map<String, FloatTensor> result = new LinkedHashMap<>();
        for (String out : graph.outputs()) {
            Shape one = outShapes.get(out);
            int[] dims = new int[one.rank() + 1];
            dims[0] = n;
            System.arraycopy(one.toArray(), 0, dims, 1, one.rank());
            result.put(out, FloatTensor.of(Shape.of(dims), outData.get(out)));
        }
        return result;
    }

    private void requireSingleInOut() {
        if (inputs.size() != 1 || graph.outputs().size() != 1) {
            throw new McugenException(Diag.MCG_DATA_SHAPE, "model '" + graph.name() + "'",
                    "has " + inputs.size() + " inputs and " + graph.outputs().size()
                            + " outputs; pass the data by input name");
        }
    }

    private void checkSample(GraphInput in, Shape actual) {
        if (!in.shape().accepts(actual)) {
            throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + in.name() + "'",
                    "data has shape " + actual + " per sample but the model needs " + in.shape());
        }
        if (actual.size() == 0) {
            throw new McugenException(Diag.MCG_DATA_SHAPE, "input '" + in.name() + "'",
                    "data of shape " + actual + " holds no values");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Kernels

    /** A compiled node: computes its output from its inputs. Inputs must not be modified. */
    private interface Kernel {
        float[] apply(float[][] in, Shape[] inShapes, Shape out, TensorObserver obs);
    }

    private static Kernel compile(Node node) {
        Op op = node.op();
        if (op instanceof Op.Dense d) {
            return dense(node, d);
        }
        if (op instanceof Op.Conv1D c) {
            return conv(node, 1, c.kernelSize(), 1, c.stride(), 1, c.dilation(), c.padding(), c.activation(),
                    c.filters(), c.useBias());
        }
        if (op instanceof Op.Conv2D c) {
            return conv(node, c.kernelH(), c.kernelW(), c.strideH(), c.strideW(), c.dilationH(), c.dilationW(),
                    c.padding(), c.activation(), c.filters(), c.useBias());
        }
        if (op instanceof Op.DepthwiseConv c) {
            return depthwiseConv(node, c);
        }
        if (op instanceof Op.Pool p) {
            return pool(p);
        }
        if (op instanceof Op.GlobalPool g) {
            return globalPool(g);
        }
        if (op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Dropout) {
            return (in, inShapes, out, obs) -> in[0];
        }
        if (op instanceof Op.BatchNorm b) {
            return batchNorm(node, b);
        }
        if (op instanceof Op.LayerNorm l) {
            float[] gamma = node.weight("gamma").toArray();
            float[] beta = node.weight("beta").toArray();
            return (in, inShapes, out, obs) -> TableAndNormKernels.layerNorm(in[0], gamma, beta, l.epsilon());
        }
        if (op instanceof Op.Embedding e) {
            float[] table = node.weight("embeddings").toArray();
            return (in, inShapes, out, obs) -> TableAndNormKernels.embedding(node.name(), in[0], table, e.inputDim(),
                    e.outputDim());
        }
        if (op instanceof Op.Act a) {
            return (in, inShapes, out, obs) -> {
                float[] y = in[0].clone();
                Kernels.activate(a.activation(), y, 0, y.length, out.last());
                return y;
            };
        }
        if (op instanceof Op.LeakyRelu || op instanceof Op.Elu || op instanceof Op.HardSigmoid
                || op instanceof Op.PRelu) {
            return (in, inShapes, out, obs) -> PointwiseKernels.apply(node, in[0], inShapes[0]);
        }
        if (op instanceof Op.Elementwise e) {
            float[] constant = e.constantOperand() >= 0 ? node.weight("constant").toArray() : null;
            return (in, inShapes, out, obs) -> ElementwiseKernel.apply(e, constant, in, out.last());
        }
        if (op instanceof Op.Concatenate c) {
            return (in, inShapes, out, obs) -> concat(in, inShapes, out, c.axis());
        }
        if (op instanceof Op.Reverse r) {
            return (in, inShapes, out, obs) -> dev.mcugen.ir.Reversal.apply(in[0], inShapes[0], r.axis());
        }
        if (dev.mcugen.ir.SpatialOps.handles(op)) {
            SpatialKernels.Kernel k = SpatialKernels.compile(node);
            return (in, inShapes, out, obs) -> k.apply(in[0], inShapes[0], out);
        }
        if (op instanceof Op.Recurrent r) {
            RecurrentKernels.Cell cell = RecurrentKernels.compile(node);
            return (in, inShapes, out, obs) -> {
                int steps = inShapes[0].dim(0);
                if (steps < 1) {
                    throw new McugenException(Diag.MCG_DATA_SHAPE, "layer '" + node.name() + "'",
                            "got a sequence of " + steps + " steps; recurrent layers need at least one");
                }
                return cell.run(in[0], steps, obs);
            };
        }
        throw new McugenException(Diag.MCG_INTERNAL, "layer '" + node.name() + "' (" + op.kind() + ")",
                "the float interpreter has no kernel for this op");
    }

    /** Reports the pre-activation of a layer whose fused activation needs its range. */
    private static void observePreactivation(Node node, Activation a, float[] y, TensorObserver obs) {
        if (obs != null && ActivationFusion.calibratesPreactivation(a)) {
            obs.observe(node.name() + ActivationFusion.PREACTIVATION, TensorObserver.WHOLE, y.clone());
        }
    }

    private static Kernel dense(Node node, Op.Dense d) {
        FloatTensor k = node.weight("kernel");
        int in = k.shape().dim(0);
        int units = d.units();
        float[] wt = Kernels.transpose(k.toArray(), in, units);
        float[] bias = d.useBias() ? node.weight("bias").toArray() : null;
        return (x, inShapes, out, obs) -> {
            int rows = x[0].length / in;
            float[] y = new float[rows * units];
            for (int r = 0; r < rows; r++) {
                Kernels.matVec(x[0], r * in, in, wt, 0, units, y, r * units);
            }
            if (bias != null) {
                Kernels.addBias(y, 0, y.length, bias);
            }
            observePreactivation(node, d.activation(), y, obs);
            Kernels.activate(d.activation(), y, 0, y.length, units);
            return y;
        };
    }

    /**
     * Conv1D (as one row of height 1) and Conv2D over {@code [H, W, C]} with kernel
     * {@code [kh, kw, C, F]}, TF.js Conv2D accumulation order and SAME padding split.
     */
    private static Kernel conv(Node node, int kh, int kw, int sh, int sw, int dh, int dw,
                               dev.mcugen.ir.Padding padding, dev.mcugen.ir.Activation act, int filters,
                               boolean useBias) {
        float[] w = node.weight("kernel").toArray();
        float[] bias = useBias ? node.weight("bias").toArray() : null;
        boolean oneD = node.op() instanceof Op.Conv1D;
        return (x, inShapes, out, obs) -> {
            Shape s = inShapes[0];
            int h = oneD ? 1 : s.dim(0);
            int wd = oneD ? s.dim(0) : s.dim(1);
            int c = s.last();
            int oh = oneD ? 1 : out.dim(0);
            int ow = oneD ? out.dim(0) : out.dim(1);
            int padTop = ShapeInference.padBefore(h, oh, kh, sh, dh, padding);
            int padLeft = ShapeInference.padBefore(wd, ow, kw, sw, dw, padding);
            float[] src = x[0];
            float[] y = new float[oh * ow * filters];
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int yOff = (oy * ow + ox) * filters;
                    for (int r = 0; r < kh; r++) {
                        int iy = oy * sh - padTop + r * dh;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int q = 0; q < kw; q++) {
                            int ix = ox * sw - padLeft + q * dw;
                            if (ix < 0 || ix >= wd) {
                                continue;
                            }
                            int xOff = (iy * wd + ix) * c;
                            int wOff = (r * kw + q) * c * filters;
                            for (int ch = 0; ch < c; ch++) {
                                double xv = src[xOff + ch];
                                int wRow = wOff + ch * filters;
                                for (int f = 0; f < filters; f++) {
                                    y[yOff + f] = (float) (y[yOff + f] + xv * w[wRow + f]);
                                }
                            }
                        }
                    }
                }
            }
            if (bias != null) {
                Kernels.addBias(y, 0, y.length, bias);
            }
            observePreactivation(node, act, y, obs);
            Kernels.activate(act, y, 0, y.length, filters);
            return y;
        };
    }

    /**
     * Depthwise convolution over {@code [H, W, C]} (1-D as one row of height 1), kernel
     * {@code [kh, kw, C, m]}, output channel {@code c * m + j}; each output sums its taps in kernel
     * order (rows, then columns) in float, as TF.js {@code depthwiseConv2D}.
     */
    private static Kernel depthwiseConv(Node node, Op.DepthwiseConv dc) {
        float[] w = node.weight("depthwise_kernel").toArray();
        float[] bias = dc.useBias() ? node.weight("bias").toArray() : null;
        boolean oneD = dc.spatialRank() == 1;
        int m = dc.multiplier();
        int kh = dc.kernelH();
        int kw = dc.kernelW();
        return (x, inShapes, out, obs) -> {
            Shape s = inShapes[0];
            int h = oneD ? 1 : s.dim(0);
            int wd = oneD ? s.dim(0) : s.dim(1);
            int c = s.last();
            int oc = c * m;
            int oh = oneD ? 1 : out.dim(0);
            int ow = oneD ? out.dim(0) : out.dim(1);
            int padTop = ShapeInference.padBefore(h, oh, kh, dc.strideH(), dc.dilationH(), dc.padding());
            int padLeft = ShapeInference.padBefore(wd, ow, kw, dc.strideW(), dc.dilationW(), dc.padding());
            float[] src = x[0];
            float[] y = new float[oh * ow * oc];
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int yOff = (oy * ow + ox) * oc;
                    for (int r = 0; r < kh; r++) {
                        int iy = oy * dc.strideH() - padTop + r * dc.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int q = 0; q < kw; q++) {
                            int ix = ox * dc.strideW() - padLeft + q * dc.dilationW();
                            if (ix < 0 || ix >= wd) {
                                continue;
                            }
                            int xOff = (iy * wd + ix) * c;
                            int wOff = (r * kw + q) * oc;
                            for (int o = 0; o < oc; o++) {
                                y[yOff + o] = y[yOff + o] + src[xOff + o / m] * w[wOff + o];
                            }
                        }
                    }
                }
            }
            if (bias != null) {
                Kernels.addBias(y, 0, y.length, bias);
            }
            Kernels.activate(dc.activation(), y, 0, y.length, oc);
            return y;
        };
    }

    /**
     * Max / average pooling as TF.js {@code pool_utils.pool}: windows clipped to the input; max over
     * the valid positions; average = double sum / number of valid positions.
     */
    private static Kernel pool(Op.Pool p) {
        boolean oneD = p.spatialRank() == 1;
        int kh = oneD ? 1 : p.size().get(0);
        int kw = oneD ? p.size().get(0) : p.size().get(1);
        int sh = oneD ? 1 : p.strides().get(0);
        int sw = oneD ? p.strides().get(0) : p.strides().get(1);
        boolean max = p.pool() == dev.mcugen.ir.PoolKind.MAX;
        return (x, inShapes, out, obs) -> {
            Shape s = inShapes[0];
            int h = oneD ? 1 : s.dim(0);
            int wd = oneD ? s.dim(0) : s.dim(1);
            int c = s.last();
            int oh = oneD ? 1 : out.dim(0);
            int ow = oneD ? out.dim(0) : out.dim(1);
            int padTop = ShapeInference.padBefore(h, oh, kh, sh, 1, p.padding());
            int padLeft = ShapeInference.padBefore(wd, ow, kw, sw, 1, p.padding());
            float[] src = x[0];
            float[] y = new float[oh * ow * c];
            for (int oy = 0; oy < oh; oy++) {
                int r0 = oy * sh - padTop;
                int rMin = Math.max(0, r0);
                int rMax = Math.min(h, r0 + kh);
                for (int ox = 0; ox < ow; ox++) {
                    int c0 = ox * sw - padLeft;
                    int cMin = Math.max(0, c0);
                    int cMax = Math.min(wd, c0 + kw);
                    int yOff = (oy * ow + ox) * c;
                    for (int ch = 0; ch < c; ch++) {
                        float m = Float.NEGATIVE_INFINITY;
                        double sum = 0.0;
                        int count = 0;
                        for (int iy = rMin; iy < rMax; iy++) {
                            for (int ix = cMin; ix < cMax; ix++) {
                                float v = src[(iy * wd + ix) * c + ch];
                                if (v > m) {
                                    m = v;
                                }
                                sum += v;
                                count++;
                            }
                        }
                        y[yOff + ch] = max ? m : (float) (sum / count);
                    }
                }
            }
            return y;
        };
    }

    /**
     * Global pooling as TF.js {@code tf.mean} / {@code tf.max} over the spatial axes: the mean
     * divides each value by the count (float32) and sums the quotients in double.
     */
    private static Kernel globalPool(Op.GlobalPool g) {
        boolean max = g.pool() == dev.mcugen.ir.PoolKind.MAX;
        return (x, inShapes, out, obs) -> {
            float[] src = x[0];
            int c = inShapes[0].last();
            int positions = src.length / c;
            float count = positions;
            float[] y = new float[c];
            for (int ch = 0; ch < c; ch++) {
                if (max) {
                    float m = src[ch];
                    for (int i = 1; i < positions; i++) {
                        float v = src[i * c + ch];
                        if (v > m) {
                            m = v;
                        }
                    }
                    y[ch] = m;
                } else {
                    double sum = 0.0;
                    for (int i = 0; i < positions; i++) {
                        sum += src[i * c + ch] / count;
                    }
                    y[ch] = (float) sum;
                }
            }
            return y;
        };
    }

    /**
     * TF.js cpu FusedBatchNorm, in double on float32 operands:
     * {@code beta + (x - mean) * gamma / sqrt(variance + epsilon)}, stored as float32.
     */
    private static Kernel batchNorm(Node node, Op.BatchNorm b) {
        float[] gamma = node.weight("gamma").toArray();
        float[] beta = node.weight("beta").toArray();
        float[] mean = node.weight("moving_mean").toArray();
        float[] var = node.weight("moving_variance").toArray();
        // The model file's decimal epsilon (e.g. 0.001), which TF.js uses as a double, not its float.
        double eps = Double.parseDouble(Float.toString(b.epsilon()));
        double[] sd = new double[var.length];
        for (int i = 0; i < var.length; i++) {
            sd[i] = Math.sqrt(var[i] + eps);
        }
        return (x, inShapes, out, obs) -> {
            float[] src = x[0];
            float[] y = new float[src.length];
            int c = gamma.length;
            for (int i = 0; i < src.length; i++) {
                int ch = i % c;
                y[i] = (float) (beta[ch] + ((double) src[i] - mean[ch]) * gamma[ch] / sd[ch]);
            }
            return y;
        };
    }

    private static float[] concat(float[][] in, Shape[] inShapes, Shape out, int axis) {
        float[] y = new float[out.size()];
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= out.dim(i);
        }
        int[] chunk = new int[in.length];
        int total = 0;
        for (int k = 0; k < in.length; k++) {
            chunk[k] = in[k].length / outer;
            total += chunk[k];
        }
        for (int o = 0; o < outer; o++) {
            int pos = o * total;
            for (int k = 0; k < in.length; k++) {
                System.arraycopy(in[k], o * chunk[k], y, pos, chunk[k]);
                pos += chunk[k];
            }
        }
        return y;
    }
}
