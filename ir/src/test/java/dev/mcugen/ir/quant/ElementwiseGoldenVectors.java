package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;
import dev.mcugen.ir.fixed.GoldenVectors;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Golden vectors of {@link QElementwise} (table {@code nn_eltwise}, read by
 * {@code runtime-c/test/test_nn_eltwise.c}): random records of every kind (sum, sub, mul with 2 to 4
 * operands, max, min) at int8 and int16, with per-channel operands, zero points at the ends of the
 * range and rescales that saturate, run through {@link FeedForwardKernels#run}. Records whose run
 * throws (a product or sum a random record let overflow) are redrawn: the C has no defined
 * behaviour there.
 *
 * <p>Stream, one int32 per row: the number of cases, then per case {@code bits, op (0 sum, 1 sub,
 * 2 mul, 3 max, 4 min), n, channels, size}; per operand {@code channelwise, zp, rescale (multiplier,
 * shift)}; {@code leftShift}; {@code n - 2} step rescales for mul; the output rescale;
 * {@code outputZp, qmin, qmax}; each operand's values ({@code channels} or {@code size} of them);
 * the expected {@code y[size]}.
 */
public final class ElementwiseGoldenVectors {
    static final long SEED = 20261207L;
    static final int CASES = 400;

    private ElementwiseGoldenVectors() {
    }

    public static List<Path> write(Path dir) {
        return GoldenVectors.writeBinary(dir, List.of(table()));
    }

    static GoldenVectors.Table table() {
        Random rnd = new Random(SEED);
        List<int[]> rows = new ArrayList<>();
        rows.add(new int[] {CASES});
        for (int i = 0; i < CASES; i++) {
            for (int attempt = 0; ; attempt++) {
                List<Integer> one = new ArrayList<>();
                try {
                    draw(rnd, i, one);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    if (attempt > 200) {
                        throw new IllegalStateException("nn_eltwise: cannot draw a valid case", e);
                    }
                    continue;
                }
                one.forEach(v -> rows.add(new int[] {v}));
                break;
            }
        }
        return new GoldenVectors.Table("nn_eltwise", List.of("stream"), rows);
    }

    /** A record of case {@code index} (op {@code index mod 5}), its inputs and its expected output. */
    static Drawn drawRecord(Random rnd, int index) {
        int bits = rnd.nextBoolean() ? 8 : 16;
        int op = index % 5;
        int n = op == 1 ? 2 : 2 + rnd.nextInt(op == 2 ? 3 : 2);
        int channels = 1 + rnd.nextInt(9);
        int positions = index % 7 == 0 ? 1 : 1 + rnd.nextInt(8);
        int size = channels * positions;
        QuantType out = type(rnd, bits);
        List<Boolean> cw = new ArrayList<>();
        List<Integer> zps = new ArrayList<>();
        List<Rescale> rs = new ArrayList<>();
        List<Boolean> neg = new ArrayList<>();
        List<int[]> xs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            boolean c = positions > 1 && rnd.nextInt(3) == 0;
            cw.add(c);
            zps.add(type(rnd, bits).zeroPoint());
            neg.add(op == 1 && k == 1);
            xs.add(values(rnd, c ? channels : size, bits));
        }
        int leftShift = 0;
        List<Rescale> steps = new ArrayList<>();
        Rescale outR;
        QElementwise.Kind kind;
        if (op <= 1) {
            kind = QElementwise.Kind.SUM;
            leftShift = bits == 8 ? 20 : 12 + rnd.nextInt(4);
            for (int k = 0; k < n; k++) {
                rs.add(rescale(rnd, -2 - rnd.nextInt(3)));
            }
            outR = rescale(rnd, 1 + 2 - leftShift);
        } else if (op == 2) {
            kind = QElementwise.Kind.MUL;
            for (int k = 0; k < n; k++) {
                rs.add(Rescale.IDENTITY);
            }
            int e = bits == 8 ? -16 : -31;
            for (int k = 2; k < n; k++) {
                steps.add(rescale(rnd, e + (bits == 8 ? 14 : 16)));
            }
            outR = rescale(rnd, (bits == 8 ? -9 - 6 * (n - 2) : -15) + rnd.nextInt(3));
        } else {
            kind = op == 3 ? QElementwise.Kind.MAX : QElementwise.Kind.MIN;
            for (int k = 0; k < n; k++) {
                boolean equal = rnd.nextBoolean();
                if (equal) {
                    zps.set(k, out.zeroPoint());
                }
                rs.add(equal ? Rescale.IDENTITY : rescale(rnd, rnd.nextInt(3) - 1));
            }
            outR = Rescale.IDENTITY;
        }
        List<String> names = new ArrayList<>();
        Optional<IntTensor> constant = Optional.empty();
        int constantAt = -1;
        List<int[]> inputs = new ArrayList<>(xs);
        if (cw.contains(true) && rnd.nextBoolean()) {
            // One per-channel operand as the node's constant (the generator's const array in C).
            constantAt = cw.indexOf(true);
            constant = Optional.of(IntTensor.of(Shape.of(channels), bits, xs.get(constantAt)));
            inputs.remove(constantAt);
        }
        for (int k = 0; k < inputs.size(); k++) {
            names.add("x" + k);
        }
        QElementwise e = new QElementwise("elt", names, Shape.of(positions, channels), out, kind, constant, constantAt,
                cw, zps, rs, neg, leftShift, steps, outR);
        int[] y = FeedForwardKernels.run(e, inputs);
        return new Drawn(op, bits, e, xs, y);
    }

    record Drawn(int op, int bits, QElementwise record, List<int[]> operands, int[] y) {
    }

    private static void draw(Random rnd, int index, List<Integer> s) {
        Drawn d = drawRecord(rnd, index);
        QElementwise e = d.record();
        int n = e.operandCount();
        s.addAll(List.of(d.bits(), d.op(), n, e.outputShape().last(), d.y().length));
        for (int k = 0; k < n; k++) {
            s.add(e.channelwise().get(k) ? 1 : 0);
            s.add(e.zeroPoints().get(k));
            rescale(s, e.rescales().get(k));
        }
        s.add(e.leftShift());
        e.stepRescales().forEach(r -> rescale(s, r));
        rescale(s, e.outputRescale());
        s.addAll(List.of(e.outputType().zeroPoint(), e.outputType().qmin(), e.outputType().qmax()));
        for (int[] x : d.operands()) {
            for (int v : x) {
                s.add(v);
            }
        }
        for (int v : d.y()) {
            s.add(v);
        }
    }

    private static void rescale(List<Integer> s, Rescale r) {
        s.add(r.multiplier());
        s.add(r.shift());
    }

    /** Zero points anywhere in the range, a third of them at its ends. */
    private static QuantType type(Random rnd, int bits) {
        int qmin = QuantType.fullMin(bits);
        int qmax = QuantType.fullMax(bits);
        int zp = switch (rnd.nextInt(bits == 8 ? 6 : 4)) {
            case 0 -> qmin;
            case 1 -> qmax;
            case 2, 3 -> bits == 8 ? qmin + rnd.nextInt(256) : 0;
            default -> -60 + rnd.nextInt(121);
        };
        if (bits == 16 && Math.abs(zp) > 200) {
            zp = rnd.nextBoolean() ? 0 : zp / 200;
        }
        return new QuantType(bits, qmin, qmax, 0.01, zp);
    }

    private static Rescale rescale(Random rnd, int exponent) {
        int shift = Math.max(-31, Math.min(30, exponent + rnd.nextInt(3) - 1));
        return rnd.nextBoolean() ? Rescale.pot(shift) : new Rescale(false, (1 << 30) + rnd.nextInt(1 << 30), shift);
    }

    private static int[] values(Random rnd, int n, int bits) {
        int lo = QuantType.fullMin(bits);
        int hi = QuantType.fullMax(bits);
        int mode = rnd.nextInt(4);
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (mode) {
                case 0 -> lo / 16 + rnd.nextInt(hi / 8);
                case 1 -> rnd.nextBoolean() ? lo : hi; // the ends of the range: saturation
                default -> lo + rnd.nextInt(hi - lo + 1);
            };
        }
        return x;
    }
}
