package dev.mcugen.scale;

import dev.mcugen.ir.quant.QuantType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heuristic contract solver of seed 001 ("update the min and max values to fulfil the
 * contracts") as DESIGN §5 describes it. Deterministic: every loop runs in declaration order
 * (tensors, then contracts), and groups are represented by their first-declared member.
 *
 * <ol>
 *   <li><b>Group</b> the tensors tied by {@link Contract.EqualScale} with union-find. A group has
 *       one type: its range is the union of its members' ranges and of their
 *       {@link Contract.Coverage} ranges; it is symmetric if any member is. Tensors of different
 *       widths are not joined (the equal-scale contract is then violated: the op must rescale).</li>
 *   <li><b>Fix</b> each group's type, repeating rounds until nothing changes (a fixpoint; each round
 *       fixes at least one group, so there are at most as many rounds as groups), by the first rule
 *       that applies:
 *       <ol type="a">
 *         <li>{@link Contract.FixedFormat}: exactly {@code Q m.n} (the first one declared on the group
 *             wins; seed 000 §3.2.1 gate inputs Q3.12, outputs Q0.15). Ranges beyond it saturate;</li>
 *         <li>{@link Contract.Product} with the group as result: {@code s = s_a · s_b}, once both
 *             factors' groups are fixed (biases, seed 000 §3.2.4; DESIGN §3). Until then the group
 *             waits;</li>
 *         <li>{@link Contract.PowerOfTwo}: Q m.n with zero point 0 over the full range and the
 *             smallest {@code 2^-n} that covers the range (seed 000 §3.2.2, the cell state);</li>
 *         <li>otherwise the calibrated range: {@link ScaleRules#cover} (symmetric max/qmax or
 *             asymmetric range/(2^b-1)); under {@link QuantOptions#powerOfTwoRescale()} its scale is
 *             widened to a power of two (weights included), so that every effective scale
 *             {@code s_in·s_w/s_out} is a power of two and every rescale a shift.</li>
 *       </ol>
 *       Groups still waiting when no round makes progress are in a product cycle; they take the
 *       range rule and their product contracts are reported violated.</li>
 *   <li><b>Check</b> every contract against the final types (in declaration order) and report it
 *       {@code HELD} exactly, {@code ROUNDED} (a product held up to a relative residual below
 *       {@value #ROUNDING_TOLERANCE}, double rounding noise) or {@code VIOLATED}, naming which
 *       contract forced it. Coverage is held when both ends of the range round into
 *       {@code [qmin, qmax]}, rounded when an end is clamped by at most one step (Q0.15's
 *       32767/32768 against a sigmoid output of 1), violated when the type clips it (see
 *       {@link ScaleRules#clips}) — which only a fixed format or a product can impose.</li>
 * </ol>
 */
public final class HeuristicSolver {
    /** A product held by other means within this relative residual is {@code ROUNDED}, beyond it {@code VIOLATED}. */
    public static final double ROUNDING_TOLERANCE = 1e-9;

    private HeuristicSolver() {
    }

    /** Solves {@code system} under {@code options}: a type for every declared tensor, a result for every contract. */
    public static Solution solve(ContractSystem system, QuantOptions options) {
        return new Run(system, options).solve();
    }

    /** Which rule fixed a group. */
    private enum Origin { RANGE, FIXED_FORMAT, PRODUCT, POWER_OF_TWO }

    /** One set of equal-scale tensors. */
    private static final class Group {
        final List<String> members = new ArrayList<>();
        int bits;
        boolean symmetric;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        Contract.FixedFormat fixedFormat;
        Contract.PowerOfTwo powerOfTwo;
        Contract.Product product;
        QuantType type;
        Origin origin;
        Contract originContract;
        boolean cyclic;
    }

    /** The state of one solve. */
    private static final class Run {
        private final ContractSystem system;
        private final QuantOptions options;
        private final List<String> names;
        private final Map<String, Integer> index = new HashMap<>();
        private final UnionFind sets;
        private final Map<Integer, Group> groups = new LinkedHashMap<>();
        private final Map<Contract, List<String>> unjoined = new IdentityHashMap<>();

        Run(ContractSystem system, QuantOptions options) {
            this.system = system;
            this.options = options;
            this.names = List.copyOf(system.tensors().keySet());
            for (int i = 0; i < names.size(); i++) {
                index.put(names.get(i), i);
            }
            this.sets = new UnionFind(names.size());
        }

        Solution solve() {
            join();
            collect();
            fix();
            Map<String, QuantType> types = new LinkedHashMap<>();
            for (String t : names) {
                types.put(t, group(t).type);
            }
            List<ContractResult> results = new ArrayList<>();
            for (Contract c : system.contracts()) {
                results.add(check(c));
            }
            return new Solution(types, results);
        }

        // ---- step 1: groups --------------------------------------------------------------

        private void join() {
            for (Contract c : system.contracts()) {
                if (c instanceof Contract.EqualScale eq && !eq.tensors().isEmpty()) {
                    String first = eq.tensors().get(0);
                    for (String t : eq.tensors()) {
                        if (spec(t).bits() == spec(first).bits()) {
                            sets.union(index.get(first), index.get(t));
                        } else {
                            unjoined.computeIfAbsent(c, k -> new ArrayList<>()).add(t);
                        }
                    }
                }
            }
            for (int i = 0; i < names.size(); i++) {
                TensorSpec s = spec(names.get(i));
                Group g = groups.computeIfAbsent(sets.find(i), k -> new Group());
                if (g.members.isEmpty()) {
                    g.bits = s.bits();
                }
                g.members.add(s.name());
                g.symmetric |= s.symmetry() == TensorSpec.Symmetry.SYMMETRIC;
                g.lo = Math.min(g.lo, s.min());
                g.hi = Math.max(g.hi, s.max());
            }
        }

        private void collect() {
            for (Contract c : system.contracts()) {
                if (c instanceof Contract.Coverage cov) {
                    Group g = group(cov.tensor());
                    g.lo = Math.min(g.lo, cov.min());
                    g.hi = Math.max(g.hi, cov.max());
                } else if (c instanceof Contract.FixedFormat ff) {
                    Group g = group(ff.tensor());
                    if (g.fixedFormat == null && ff.bits() == g.bits) {
                        g.fixedFormat = ff;
                    }
                } else if (c instanceof Contract.PowerOfTwo pot) {
                    Group g = group(pot.tensor());
                    if (g.powerOfTwo == null) {
                        g.powerOfTwo = pot;
                    }
                } else if (c instanceof Contract.Product p) {
                    Group g = group(p.result());
                    if (g.product == null) {
                        g.product = p;
                    }
                }
            }
        }

        // ---- step 2: types, to a fixpoint ------------------------------------------------

        private void fix() {
            boolean progress = true;
            while (progress) {
                progress = false;
                for (Group g : groups.values()) {
                    if (g.type == null && tryFix(g)) {
                        progress = true;
                    }
                }
            }
            for (Group g : groups.values()) {
                if (g.type == null) { // waits on a product cycle
                    g.cyclic = true;
                    fromRange(g);
                }
            }
        }

        private boolean tryFix(Group g) {
            if (g.fixedFormat != null) {
                g.type = QuantType.powerOfTwo(g.bits, g.fixedFormat.fractionalBits());
                g.origin = Origin.FIXED_FORMAT;
                g.originContract = g.fixedFormat;
                return true;
            }
            if (g.product != null) {
                QuantType a = group(g.product.a()).type;
                QuantType b = group(g.product.b()).type;
                if (a == null || b == null) {
                    return false;
                }
                double scale = a.scale() * b.scale();
                if (!(scale >= Double.MIN_NORMAL) || Double.isInfinite(scale)) {
                    fromRange(g); // the product is no usable scale; checkProduct reports it
                    return true;
                }
                g.type = ScaleRules.withScale(g.bits, symmetry(g), scale, g.lo, g.hi);
                g.origin = Origin.PRODUCT;
                g.originContract = g.product;
                return true;
            }
            if (g.powerOfTwo != null) {
                g.type = ScaleRules.powerOfTwo(g.bits, g.lo, g.hi);
                g.origin = Origin.POWER_OF_TWO;
                g.originContract = g.powerOfTwo;
                return true;
            }
            fromRange(g);
            return true;
        }

        private void fromRange(Group g) {
            g.type = ScaleRules.cover(g.bits, symmetry(g), g.lo, g.hi, options.powerOfTwoRescale());
            g.origin = Origin.RANGE;
            g.originContract = null;
        }

        // ---- step 3: check every contract ------------------------------------------------

        private ContractResult check(Contract c) {
            if (c instanceof Contract.EqualScale eq) {
                return checkEqual(eq);
            } else if (c instanceof Contract.Product p) {
                return checkProduct(p);
            } else if (c instanceof Contract.PowerOfTwo pot) {
                return checkPowerOfTwo(pot);
            } else if (c instanceof Contract.FixedFormat ff) {
                return checkFixedFormat(ff);
            } else if (c instanceof Contract.Coverage cov) {
                return checkCoverage(cov);
            } else if (c instanceof Contract.ExactZero z) {
                QuantType t = type(z.tensor());
                return held(c, "real 0 is q = " + t.zeroPoint());
            }
            throw new IllegalStateException("unknown contract " + c);
        }

        private ContractResult checkEqual(Contract.EqualScale eq) {
            List<String> apart = unjoined.get(eq);
            if (apart == null) {
                String t = eq.tensors().isEmpty() ? "nothing" : type(eq.tensors().get(0)).toString();
                return held(eq, eq.tensors().size() + " tensors share " + t);
            }
            String first = eq.tensors().get(0);
            double residual = 0;
            for (String t : apart) {
                residual = Math.max(residual, relative(type(t).scale(), type(first).scale()));
            }
            return violated(eq, residual, "int" + spec(first).bits() + " '" + first + "' and "
                    + apart.stream().map(t -> "int" + spec(t).bits() + " '" + t + "'").reduce((x, y) -> x + ", " + y).orElse("")
                    + " cannot share one type; kept apart, the op must rescale between them");
        }

        private ContractResult checkProduct(Contract.Product p) {
            double expected = type(p.a()).scale() * type(p.b()).scale();
            double actual = type(p.result()).scale();
            Group g = group(p.result());
            String eq = "s('" + p.result() + "') = s('" + p.a() + "') * s('" + p.b() + "') = " + num(expected);
            if (!(expected >= Double.MIN_NORMAL) || Double.isInfinite(expected)) {
                return violated(p, Double.POSITIVE_INFINITY, eq + " is no usable scale; '" + p.result()
                        + "' took its scale from " + origin(g));
            }
            double residual = relative(actual, expected);
            if (g.originContract == p || residual == 0) {
                return held(p, eq);
            }
            String ratio = "; s('" + p.result() + "') / (s_a * s_b) = " + num(actual / expected)
                    + ", which the lowering must rescale";
            if (g.cyclic && g.product == p) {
                return violated(p, residual, "the factors' scales depend on the result's (a product cycle); '"
                        + p.result() + "' took its scale from its calibrated range" + ratio);
            }
            if (residual <= ROUNDING_TOLERANCE) {
                return new ContractResult(p, ContractResult.Status.ROUNDED, residual,
                        eq + " up to rounding: '" + p.result() + "' was fixed by " + origin(g));
            }
            return violated(p, residual, "'" + p.result() + "' was fixed by " + origin(g) + ratio);
        }

        private ContractResult checkPowerOfTwo(Contract.PowerOfTwo pot) {
            QuantType t = type(pot.tensor());
            Group g = group(pot.tensor());
            if (t.isPowerOfTwo()) {
                String how = g.origin == Origin.POWER_OF_TWO
                        ? " covers calibrated [" + num(g.lo) + ", " + num(g.hi) + "] widened to ["
                          + num(t.realMin()) + ", " + num(t.realMax() + t.scale()) + ")"
                        : " (fixed by " + origin(g) + ")";
                return held(pot, qName(t) + how);
            }
            double nearest = Math.scalb(1.0, (int) Math.round(Math.log(t.scale()) / Math.log(2)));
            return violated(pot, relative(t.scale(), nearest), "scale " + num(t.scale()) + " zero point "
                    + t.zeroPoint() + " was fixed by " + origin(g) + " and is not a Q m.n format");
        }

        private ContractResult checkFixedFormat(Contract.FixedFormat ff) {
            QuantType want = QuantType.powerOfTwo(ff.bits(), ff.fractionalBits());
            QuantType t = type(ff.tensor());
            Group g = group(ff.tensor());
            if (t.equals(want)) {
                return held(ff, qName(t));
            }
            double residual = relative(t.scale(), want.scale());
            if (ff.bits() != g.bits) {
                return violated(ff, residual, "'" + ff.tensor() + "' is int" + g.bits + " but " + qName(want)
                        + " is int" + ff.bits() + ": ignored; the type was fixed by " + origin(g));
            }
            return violated(ff, residual, "'" + ff.tensor() + "' is " + t + ", fixed by " + origin(g)
                    + "; the lowering must rescale to " + qName(want));
        }

        private ContractResult checkCoverage(Contract.Coverage cov) {
            QuantType t = type(cov.tensor());
            double excess = ScaleRules.excess(t, cov.min(), cov.max());
            String range = "calibrated [" + num(cov.min()) + ", " + num(cov.max()) + "]";
            String reach = "[" + num(t.realMin()) + ", " + num(t.realMax()) + "]";
            if (excess == 0) {
                return held(cov, range + " within " + reach);
            }
            double residual = excess / Math.max(Math.abs(cov.min()), Math.abs(cov.max()));
            Group g = group(cov.tensor());
            if (!ScaleRules.clips(t, cov.min(), cov.max())) {
                return new ContractResult(cov, ContractResult.Status.ROUNDED, residual, range + " clamped to " + reach
                        + " within one step (" + num(t.scale()) + ") by " + origin(g)
                        + (g.origin == Origin.FIXED_FORMAT && t.integerBits() == 0
                           ? " (a Q0." + t.fractionalBits() + " output tops at " + t.qmax() + "/" + (1L << t.fractionalBits())
                             + ", one step below 1.0, as in the integer LSTM of Li & Alvarez, \"On the quantization of"
                             + " recurrent neural networks\")" : ""));
            }
            if (g.origin == Origin.FIXED_FORMAT) {
                int m = t.integerBits();
                String at = m > 0 ? "±" + pow2(m) : reach;
                return violated(cov, residual, "saturates at " + at + " by design of " + origin(g)
                        + " (sigmoid and tanh are flat past the format's range, so saturating their input costs little:"
                        + " the reason Li & Alvarez, \"On the quantization of recurrent neural networks\", choose"
                        + " Q3.12); " + range);
            }
            return violated(cov, residual, range + " saturates at " + reach + ": the scale was fixed by " + origin(g));
        }

        // ---- helpers ----------------------------------------------------------------------

        private TensorSpec spec(String tensor) {
            return system.tensors().get(tensor);
        }

        private Group group(String tensor) {
            return groups.get(sets.find(index.get(tensor)));
        }

        private QuantType type(String tensor) {
            return group(tensor).type;
        }

        private static TensorSpec.Symmetry symmetry(Group g) {
            return g.symmetric ? TensorSpec.Symmetry.SYMMETRIC : TensorSpec.Symmetry.ASYMMETRIC;
        }

        private static String origin(Group g) {
            switch (g.origin) {
                case FIXED_FORMAT:
                    return "fixed format " + qName(g.type) + " on '" + g.fixedFormat.tensor() + "'";
                case PRODUCT:
                    return "the product of '" + g.product.a() + "' and '" + g.product.b() + "'";
                case POWER_OF_TWO:
                    return "the power-of-two contract on '" + g.powerOfTwo.tensor() + "'";
                default:
                    return "its calibrated range";
            }
        }

        private static ContractResult held(Contract c, String detail) {
            return new ContractResult(c, ContractResult.Status.HELD, 0.0, detail);
        }

        private static ContractResult violated(Contract c, double residual, String detail) {
            return new ContractResult(c, ContractResult.Status.VIOLATED, residual, detail);
        }
    }

    /** {@code |actual / expected - 1|}. */
    static double relative(double actual, double expected) {
        return Math.abs(actual / expected - 1.0);
    }

    /** "Q3.12" (or the type itself if not a power-of-two format). */
    static String qName(QuantType t) {
        return t.isPowerOfTwo() ? "Q" + t.integerBits() + "." + t.fractionalBits() : t.toString();
    }

    /** A number for details: 6 significant digits, trailing zeros dropped, locale-independent. */
    static String num(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.toString(x);
        }
        BigDecimal d = new BigDecimal(x).round(new MathContext(6)).stripTrailingZeros();
        double a = Math.abs(x);
        return a == 0 || (a >= 1e-4 && a < 1e7) ? d.toPlainString() : d.toString();
    }

    private static String pow2(int m) {
        return m >= 0 && m < 62 ? Long.toString(1L << m) : num(Math.scalb(1.0, m));
    }
}
