package dev.mcugen.scale;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.quant.QConv16x8;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QDepthwise16x8;
import dev.mcugen.ir.quant.QDepthwiseConv;
import dev.mcugen.ir.quant.QTransposeConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.ir.tflite.TfliteFileParameters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of a quantized {@code .tflite}, checked against mcugen's contracts: the file's
 * integers are kept as they are (nothing is solved), so each contract is only held or violated, per
 * layer, and the report says which. Checked:
 * <ul>
 *   <li><b>zero points legal</b> ({@link Contract.ExactZero}): real 0 is an integer of the type — an
 *       int8 activation's zero point within [-128, 127], an int16 activation's 0 (TFLite's 16x8 is
 *       symmetric), every weight and bias zero point 0 (TFLite's int8 kernels take symmetric
 *       weights);</li>
 *   <li><b>bias scale</b> ({@link Contract.Product}): a layer's int32 bias is in units of
 *       {@code s_in · s_w[c]}; TFLite refuses a file whose bias scale differs by more than
 *       {@value #BIAS_SCALE_TOLERANCE} relative, mcugen likewise (within it: rounded);</li>
 *   <li><b>equal scales</b> ({@link Contract.EqualScale}): ops that move integers without rescaling
 *       them (pooling, reshape, pad, slice) have the input's scale and zero point on their output;</li>
 *   <li><b>multipliers in range</b>: every requantization {@code s_in · s_w[c] / s_out} as TFLite's
 *       (multiplier, shift) with the multiplier in [2^30, 2^31) and the shift in [-31, 30], with the
 *       residual of the realized factor;</li>
 *   <li><b>accumulators</b> ({@link FileAccumulators}): for the worst input of the input's type, every
 *       partial sum of {@code bias + Σ w · x} (the input zero point folded into the bias, which must
 *       fit int32) stays within int32 (int64 for TFLite's 16x8 convolutions), and so do the LSTM's gate
 *       sums, MEAN's channel sums and the shifted operands, sums and products of ADD, SUB and MUL.</li>
 * </ul>
 */
public final class FileContracts {
    /** TFLite's {@code GetQuantizedConvolutionMultipler}: {@code |s_in s_w - s_b| <= 1e-6 min(s_in s_w, s_b)}. */
    public static final double BIAS_SCALE_TOLERANCE = 1e-6;

    /** The ops that move integers without rescaling them: TFLite requires equal input and output parameters. */
    private static final Set<String> PASS_THROUGH = Set.of("AVERAGE_POOL_2D", "MAX_POOL_2D", "RESHAPE", "SQUEEZE",
            "PAD", "PADV2", "STRIDED_SLICE");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private FileContracts() {
    }

    /**
     * The checks of one file.
     *
     * @param contracts  zero points, bias scales, equal scales, each held / rounded / violated
     * @param rescales   every requantization of a weighted layer (per channel)
     * @param bounds     every weighted layer's accumulator
     * @param layerOf    per contract (same order), the layer it belongs to
     */
    public record Checked(List<ContractResult> contracts, List<RescaleRecord> rescales, List<AccumulatorBound> bounds,
                          List<String> layerOf) {
        public Checked {
            contracts = List.copyOf(contracts);
            rescales = List.copyOf(rescales);
            bounds = List.copyOf(bounds);
            layerOf = List.copyOf(layerOf);
        }

        /** How many contracts of {@code layer} have {@code status}. */
        public long count(String layer, ContractResult.Status status) {
            long n = 0;
            for (int i = 0; i < contracts.size(); i++) {
                if (layerOf.get(i).equals(layer) && contracts.get(i).status() == status) {
                    n++;
                }
            }
            return n;
        }

        /** The contracts of {@code layer}. */
        public List<ContractResult> of(String layer) {
            List<ContractResult> r = new ArrayList<>();
            for (int i = 0; i < contracts.size(); i++) {
                if (layerOf.get(i).equals(layer)) {
                    r.add(contracts.get(i));
                }
            }
            return r;
        }
    }

    /** Checks the file's parameters {@code p} and its integer graph {@code g}. */
    public static Checked check(QGraph g, TfliteFileParameters.Parameters p) {
        List<ContractResult> contracts = new ArrayList<>();
        List<String> layerOf = new ArrayList<>();
        List<RescaleRecord> rescales = new ArrayList<>();
        List<AccumulatorBound> bounds = new ArrayList<>();
        Map<String, QNode> nodes = new LinkedHashMap<>();
        g.nodes().forEach(x -> nodes.put(x.name(), x));
        Set<String> zeroChecked = new LinkedHashSet<>();
        for (TfliteFileParameters.Layer l : p.layers()) {
            for (TfliteFileParameters.Operand o : l.operands()) {
                if (o.quantized() && zeroChecked.add(o.tensor())) {
                    contracts.add(zeroPoint(o));
                    layerOf.add(l.output());
                }
            }
            Optional<TfliteFileParameters.Operand> in = l.operand("input");
            Optional<TfliteFileParameters.Operand> w = l.operand("weights");
            Optional<TfliteFileParameters.Operand> b = l.operand("bias");
            Optional<TfliteFileParameters.Operand> out = l.operand("output");
            if (in.isPresent() && w.isPresent() && b.isPresent() && in.get().quantized() && w.get().quantized()
                    && b.get().quantized()) {
                contracts.add(biasScale(in.get(), w.get(), b.get()));
                layerOf.add(l.output());
            }
            if (PASS_THROUGH.contains(l.op()) && in.isPresent() && out.isPresent() && in.get().quantized()
                    && out.get().quantized()) {
                contracts.add(equalScale(l.op(), in.get(), out.get()));
                layerOf.add(l.output());
            }
            QNode x = nodes.get(l.output());
            if (x != null && in.isPresent() && w.isPresent() && out.isPresent() && in.get().quantized()
                    && w.get().quantized() && out.get().quantized()) {
                List<Rescale> rs = rescales(x);
                for (int c = 0; c < rs.size(); c++) {
                    Rescale r = rs.get(c);
                    float sw = w.get().scales().get(w.get().perChannel() ? c : 0);
                    double real = (double) in.get().scales().get(0) * (double) sw / (double) out.get().scales().get(0);
                    double realized = Math.scalb((double) r.multiplier(), r.shift() - 31);
                    rescales.add(new RescaleRecord(l.output(), rs.size() == 1 ? "output" : "output[" + c + "]",
                            new EffectiveScale(real, false, r.multiplier(), r.shift(), HeuristicSolver.relative(realized,
                                    real))));
                }
            }
            if (x != null) {
                bounds.addAll(FileAccumulators.of(x, g));
            }
        }
        return new Checked(contracts, rescales, bounds, layerOf);
    }

    private static ContractResult zeroPoint(TfliteFileParameters.Operand o) {
        Contract c = new Contract.ExactZero(o.tensor());
        boolean weightLike = o.constant() || o.role().equals("weights") || o.role().equals("bias");
        long lo;
        long hi;
        switch (o.dtype()) {
            case "INT8" -> {
                lo = -128;
                hi = 127;
            }
            case "INT16" -> {
                lo = 0;
                hi = 0;
            }
            case "INT32" -> {
                lo = weightLike ? 0 : Integer.MIN_VALUE;
                hi = weightLike ? 0 : Integer.MAX_VALUE;
            }
            case "INT64" -> {
                // the int64 bias of TFLite's 16x8 kernels
                if (!weightLike) {
                    return new ContractResult(c, ContractResult.Status.VIOLATED, Double.NaN, "int64 " + o.role()
                            + ": mcugen runs int64 tensors only as the biases of 16x8 layers");
                }
                lo = 0;
                hi = 0;
            }
            default -> {
                return new ContractResult(c, ContractResult.Status.VIOLATED, Double.NaN, o.dtype() + " " + o.role()
                        + ": mcugen runs int8 and int16 activations with int8 weights (TFLite's int8 and 16x8)");
            }
        }
        if (weightLike && !o.dtype().equals("INT32") && !o.dtype().equals("INT64")) {
            lo = 0;
            hi = 0;
        }
        for (int i = 0; i < o.zeroPoints().size(); i++) {
            long zp = o.zeroPoints().get(i);
            if (zp < lo || zp > hi) {
                String why = weightLike ? "TFLite's integer kernels take symmetric " + o.role() + " (zero point 0)"
                        : o.dtype().equals("INT16") ? "TFLite's int16 activations are symmetric (zero point 0)"
                        : "outside " + o.dtype().toLowerCase(Locale.ROOT);
                return new ContractResult(c, ContractResult.Status.VIOLATED, Double.NaN, o.role() + " zero point " + zp
                        + (o.zeroPoints().size() > 1 ? " (channel " + i + ")" : "") + ": " + why);
            }
        }
        String range = lo == hi ? "= " + lo : "in [" + lo + ", " + hi + "]";
        return new ContractResult(c, ContractResult.Status.HELD, 0, o.role() + " " + o.dtype().toLowerCase(Locale.ROOT)
                + (o.zeroPoints().size() > 1 ? ", " + o.zeroPoints().size() + " channels" : "") + ": zero point"
                + (o.zeroPoints().size() > 1 ? "s" : "") + " " + range + ", real 0 exact");
    }

    private static ContractResult biasScale(TfliteFileParameters.Operand in, TfliteFileParameters.Operand w,
                                            TfliteFileParameters.Operand b) {
        Contract c = new Contract.Product(b.tensor(), in.tensor(), w.tensor());
        int channels = Math.max(w.scales().size(), b.scales().size());
        double worst = 0;
        int at = 0;
        for (int i = 0; i < channels; i++) {
            double product = (double) in.scales().get(0) * (double) w.scales().get(w.perChannel() ? i : 0);
            double sb = b.scales().get(b.perChannel() ? i : 0);
            double r = Math.abs(product - sb) / Math.min(product, sb);
            if (!(r <= worst)) {
                worst = r;
                at = i;
            }
        }
        String per = channels > 1 ? " on all " + channels + " channels" : "";
        if (worst == 0) {
            return new ContractResult(c, ContractResult.Status.HELD, 0, "bias scale = input scale x weight scale" + per);
        }
        if (worst <= BIAS_SCALE_TOLERANCE) {
            return new ContractResult(c, ContractResult.Status.ROUNDED, worst, "bias scale = input scale x weight scale"
                    + per + " within float32 rounding (relative " + String.format(Locale.ROOT, "%.2g", worst) + ")");
        }
        return new ContractResult(c, ContractResult.Status.VIOLATED, worst, "bias scale differs from input scale x weight"
                + " scale by " + String.format(Locale.ROOT, "%.3g", worst) + " relative" + (channels > 1 ? " (channel " + at
                + ")" : "") + "; TFLite refuses more than " + BIAS_SCALE_TOLERANCE);
    }

    private static ContractResult equalScale(String op, TfliteFileParameters.Operand in, TfliteFileParameters.Operand out) {
        Contract c = new Contract.EqualScale(List.of(in.tensor(), out.tensor()));
        boolean same = in.scales().equals(out.scales()) && in.zeroPoints().equals(out.zeroPoints());
        return new ContractResult(c, same ? ContractResult.Status.HELD : ContractResult.Status.VIOLATED, same ? 0 : Double.NaN,
                same ? op + " keeps its input's scale and zero point" : op + ": output scale " + out.scales().get(0)
                        + " / zero point " + out.zeroPoints().get(0) + ", input " + in.scales().get(0) + " / "
                        + in.zeroPoints().get(0) + "; TFLite requires them equal");
    }

    private static List<Rescale> rescales(QNode x) {
        if (x instanceof QFullyConnected f) {
            return f.rescale();
        }
        if (x instanceof QConv c) {
            return c.rescale();
        }
        if (x instanceof QConv16x8 c) {
            return c.rescale();
        }
        if (x instanceof QDepthwiseConv d) {
            return d.rescale();
        }
        if (x instanceof QDepthwise16x8 d) {
            return d.rescale();
        }
        if (x instanceof QTransposeConv t && t.accShift() == 0) {
            return t.rescale();
        }
        return List.of();
    }

    /**
     * report.json's {@code quantization} section for the file: the same tables as a model mcugen
     * quantized (contracts, tensors, rescales, accumulators) with {@code options.source = "file"}:
     * the tensors' scales and zero points are the file's, nothing was calibrated.
     */
    public static ObjectNode json(QGraph g, TfliteFileParameters.Parameters p, Checked c) {
        ObjectNode root = JSON.objectNode();
        ObjectNode o = root.putObject("options");
        o.put("source", "file");
        boolean int16 = g.inputs().stream().anyMatch(i -> i.type().bits() == 16)
                || g.nodes().stream().anyMatch(x -> x.outputType().bits() == 16);
        o.put("precision", int16 ? "int16x8" : "int8");
        o.put("rescale", "multiplier");
        o.put("per_channel", p.layers().stream().anyMatch(l -> l.operand("weights").map(
                TfliteFileParameters.Operand::perChannel).orElse(false)));
        ObjectNode s = root.putObject("summary");
        List<ObjectNode> tensors = tensors(g);
        s.put("tensors", tensors.size());
        s.put("contracts", c.contracts().size());
        for (ContractResult.Status st : ContractResult.Status.values()) {
            s.put(st.name().toLowerCase(Locale.ROOT), c.contracts().stream().filter(r -> r.status() == st).count());
        }
        s.put("rescales", c.rescales().size());
        double residual = c.rescales().stream().mapToDouble(r -> r.scale().residual()).max().orElse(0);
        s.put("max_rescale_residual", residual);
        s.put("accumulators", c.bounds().size());
        s.put("unsafe_accumulators", c.bounds().stream().filter(b -> !b.safe()).count());
        ArrayNode cs = root.putArray("contracts");
        for (int i = 0; i < c.contracts().size(); i++) {
            cs.add(ContractReport.contract(c.contracts().get(i)).put("layer", c.layerOf().get(i)));
        }
        ArrayNode ts = root.putArray("tensors");
        tensors.forEach(ts::add);
        ArrayNode rs = root.putArray("rescales");
        c.rescales().forEach(r -> rs.add(ContractReport.rescale(r)));
        ArrayNode acc = root.putArray("accumulators");
        c.bounds().forEach(b -> acc.add(ContractReport.accumulator(b)));
        return root;
    }

    /** Every integer tensor of the graph with the file's scale and zero point (nothing calibrated). */
    private static List<ObjectNode> tensors(QGraph g) {
        List<ObjectNode> rows = new ArrayList<>();
        for (QInput in : g.inputs()) {
            rows.add(tensor(in.name(), in.type()));
        }
        for (QNode x : g.nodes()) {
            rows.add(tensor(x.name(), x.outputType()));
        }
        return rows;
    }

    private static ObjectNode tensor(String name, QuantType t) {
        ObjectNode o = JSON.objectNode();
        o.put("name", name);
        o.put("bits", t.bits());
        o.put("symmetry", t.zeroPoint() == 0 ? "symmetric" : "asymmetric");
        o.put("scale", t.scale());
        o.put("zero_point", t.zeroPoint());
        o.put("qmin", t.qmin());
        o.put("qmax", t.qmax());
        o.put("real_min", t.realMin());
        o.put("real_max", t.realMax());
        o.put("source", "file");
        return o;
    }
}
