package dev.mcugen.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.ContractResult.Status;
import dev.mcugen.scale.QuantOptions.Target;
import dev.mcugen.scale.TensorSpec.Symmetry;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HeuristicSolverTest {
    static final QuantOptions MULT = QuantOptions.defaults(Target.CORTEX_M4);
    static final QuantOptions POT = new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.POT,
            QuantOptions.ActivationImpl.LUT, false, Target.CORTEX_M4);

    static TensorSpec asym(String name, double min, double max) {
        return new TensorSpec(name, 8, Symmetry.ASYMMETRIC, min, max);
    }

    static TensorSpec sym(String name, int bits, double min, double max) {
        return new TensorSpec(name, bits, Symmetry.SYMMETRIC, min, max);
    }

    static ContractResult result(Solution s, Contract c) {
        return s.results().stream().filter(r -> r.contract().equals(c)).findFirst().orElseThrow();
    }

    @Nested
    class Grouping {
        @Test
        void equalScaleChainsJoinIntoOneGroupCoveringTheUnionOfRanges() {
            ContractSystem sys = new ContractSystem()
                    .tensor(asym("a", -1, 1)).tensor(asym("b", 0, 3)).tensor(asym("c", -2, 0.5))
                    .tensor(asym("d", 0, 0.1)).tensor(asym("e", -7, 7));
            sys.add(new Contract.EqualScale(List.of("a", "b")))
                    .add(new Contract.EqualScale(List.of("c", "d")))
                    .add(new Contract.EqualScale(List.of("d", "b")));
            Solution s = HeuristicSolver.solve(sys, MULT);

            QuantType t = s.type("a");
            assertThat(List.of(s.type("b"), s.type("c"), s.type("d"))).containsOnly(t);
            assertThat(t).isEqualTo(QuantType.asymmetric(8, -2, 3));
            assertThat(s.type("e")).isNotEqualTo(t).isEqualTo(QuantType.asymmetric(8, -7, 7));
            assertThat(s.results()).allMatch(r -> r.status() == Status.HELD);
            assertThat(s.types().keySet()).containsExactly("a", "b", "c", "d", "e");
        }

        @Test
        void aSymmetricMemberMakesTheGroupSymmetric() {
            ContractSystem sys = new ContractSystem()
                    .tensor(asym("x", 0, 4)).tensor(sym("y", 8, -1, 1));
            sys.add(new Contract.EqualScale(List.of("x", "y")));
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("x")).isEqualTo(s.type("y")).isEqualTo(QuantType.symmetric(8, 4));
        }

        @Test
        void tensorsOfDifferentWidthsAreKeptApartAndTheContractViolated() {
            ContractSystem sys = new ContractSystem()
                    .tensor(asym("x", -1, 1)).tensor(sym("y", 16, -1, 1)).tensor(asym("z", -3, 3));
            Contract eq = new Contract.EqualScale(List.of("x", "y", "z"));
            sys.add(eq);
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("x")).isEqualTo(s.type("z"));
            assertThat(s.type("y").bits()).isEqualTo(16);
            ContractResult r = result(s, eq);
            assertThat(r.status()).isEqualTo(Status.VIOLATED);
            assertThat(r.detail()).contains("int16 'y'", "must rescale");
        }
    }

    @Nested
    class PowerOfTwo {
        private QuantType cell(double min, double max) {
            ContractSystem sys = new ContractSystem().tensor(sym("c", 16, min, max));
            sys.add(new Contract.PowerOfTwo("c"));
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.results().get(0).status()).isEqualTo(Status.HELD);
            return s.type("c");
        }

        @Test
        void seed000CellExample_minus3p2To10_becomesQ4p11() {
            QuantType t = cell(-3.2, 10);
            assertThat(t).isEqualTo(QuantType.powerOfTwo(16, 11));
            assertThat(t.integerBits()).isEqualTo(4);
            assertThat(t.qmin()).isEqualTo(-32768); // denominator 2^15, seed 000 Table 2
        }

        @Test
        void cellRange2p7WidensTo4_Q2p13() {
            assertThat(cell(-2.7, 1.1)).isEqualTo(QuantType.powerOfTwo(16, 13));
        }

        @Test
        void range5p3WidensTo8_Q3p12() {
            assertThat(cell(-5.3, 5.3)).isEqualTo(QuantType.powerOfTwo(16, 12));
        }

        @Test
        void anExactPowerOfTwoMaximumIsCoveredWithoutClipping() {
            // 4.0 would round to 32768 in Q2.13: one step beyond qmax; the next format is taken.
            QuantType t = cell(-1, 4.0);
            assertThat(t).isEqualTo(QuantType.powerOfTwo(16, 12));
            assertThat(cell(-4.0, 1)).isEqualTo(QuantType.powerOfTwo(16, 13)); // -4 is qmin exactly
        }

        @Test
        void theWidenedRangeIsReportedInTheDetail() {
            ContractSystem sys = new ContractSystem().tensor(sym("c", 16, -3.2, 10));
            sys.add(new Contract.PowerOfTwo("c"));
            ContractResult r = HeuristicSolver.solve(sys, MULT).results().get(0);
            assertThat(r.detail()).contains("Q4.11", "[-3.2, 10]", "[-16, 16)");
        }

        @Test
        void appliesToAWholeEqualScaleGroup() {
            ContractSystem sys = new ContractSystem()
                    .tensor(sym("c_prev", 16, -1, 1)).tensor(sym("c", 16, -6, 2));
            sys.add(new Contract.EqualScale(List.of("c_prev", "c"))).add(new Contract.PowerOfTwo("c"));
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("c_prev")).isEqualTo(s.type("c")).isEqualTo(QuantType.powerOfTwo(16, 12));
        }
    }

    @Nested
    class FixedFormat {
        @Test
        void fixesTheTypeWhateverTheRange() {
            ContractSystem sys = new ContractSystem()
                    .tensor(sym("gate", 16, -0.3, 0.2)).tensor(sym("act", 16, 0, 1));
            sys.add(new Contract.FixedFormat("gate", 16, 12)).add(new Contract.FixedFormat("act", 16, 15))
                    .add(new Contract.Coverage("gate", -0.3, 0.2));
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("gate")).isEqualTo(QuantType.powerOfTwo(16, 12));
            assertThat(s.type("act")).isEqualTo(QuantType.powerOfTwo(16, 15));
            assertThat(s.results()).allMatch(r -> r.status() == Status.HELD);
            assertThat(s.results().get(0).detail()).isEqualTo("Q3.12");
        }

        @Test
        void aGatePreActivationBeyond8SaturatesByDesign() {
            ContractSystem sys = new ContractSystem().tensor(sym("gate", 16, -10.5, 12));
            Contract cov = new Contract.Coverage("gate", -10.5, 12);
            sys.add(new Contract.FixedFormat("gate", 16, 12)).add(cov);
            Solution s = HeuristicSolver.solve(sys, MULT);
            ContractResult r = result(s, cov);
            assertThat(r.status()).isEqualTo(Status.VIOLATED);
            assertThat(r.detail()).contains("saturates at ±8 by design", "Q3.12");
            assertThat(r.residual()).isEqualTo((12 - (32767.5 / 4096)) / 12);
            assertThat(s.results().get(0).status()).isEqualTo(Status.HELD);
        }

        @Test
        void aSigmoidOutputOf1InQ0p15IsRoundedNotClipped() {
            // Q0.15 tops at 32767/32768, one step off 1.0 (Li & Alvarez: "slightly clamped")
            ContractSystem sys = new ContractSystem().tensor(sym("sig", 16, 0, 1)).tensor(sym("tanh", 16, -1, 1));
            Contract sig = new Contract.Coverage("sig", 0, 1);
            Contract tanh = new Contract.Coverage("tanh", -1, 1);
            sys.add(new Contract.FixedFormat("sig", 16, 15)).add(new Contract.FixedFormat("tanh", 16, 15)).add(sig).add(tanh);
            Solution s = HeuristicSolver.solve(sys, MULT);
            for (Contract c : List.of(sig, tanh)) {
                ContractResult r = result(s, c);
                assertThat(r.status()).isEqualTo(Status.ROUNDED);
                assertThat(r.residual()).isEqualTo(0x1p-16); // 1 - 32767.5/32768
                assertThat(r.detail()).contains("within one step", "32767/32768");
            }
            assertThat(ScaleRules.clips(s.type("sig"), 0, 1)).isFalse();
            assertThat(ScaleRules.covers(s.type("sig"), 0, 1)).isFalse();
            assertThat(ScaleRules.clips(s.type("sig"), 0, 1 + 0x1p-15)).isTrue();
        }

        @Test
        void aSecondDifferentFormatOnTheSameGroupIsViolated() {
            ContractSystem sys = new ContractSystem().tensor(sym("a", 16, -1, 1)).tensor(sym("b", 16, -1, 1));
            Contract second = new Contract.FixedFormat("b", 16, 15);
            sys.add(new Contract.EqualScale(List.of("a", "b"))).add(new Contract.FixedFormat("a", 16, 12)).add(second);
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("b")).isEqualTo(QuantType.powerOfTwo(16, 12));
            ContractResult r = result(s, second);
            assertThat(r.status()).isEqualTo(Status.VIOLATED);
            assertThat(r.residual()).isEqualTo(7.0);
            assertThat(r.detail()).contains("fixed format Q3.12 on 'a'", "rescale to Q0.15");
        }

        @Test
        void aFormatOfTheWrongWidthIsIgnoredAndViolated() {
            ContractSystem sys = new ContractSystem().tensor(asym("a", -1, 1));
            Contract ff = new Contract.FixedFormat("a", 16, 12);
            sys.add(ff);
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("a")).isEqualTo(QuantType.asymmetric(8, -1, 1));
            assertThat(result(s, ff).status()).isEqualTo(Status.VIOLATED);
            assertThat(result(s, ff).detail()).contains("is int8", "ignored");
        }
    }

    @Nested
    class Product {
        @Test
        void biasScaleIsTheProductOfWeightAndInputScales() {
            ContractSystem sys = new ContractSystem()
                    .tensor(asym("x", -1, 3)).tensor(sym("w", 8, -0.5, 0.25)).tensor(sym("b", 32, -0.1, 0.2));
            Contract p = new Contract.Product("b", "w", "x");
            sys.add(p);
            Solution s = HeuristicSolver.solve(sys, MULT);
            QuantType b = s.type("b");
            assertThat(b.scale()).isEqualTo(s.type("w").scale() * s.type("x").scale());
            assertThat(b.zeroPoint()).isZero();
            assertThat(b.qmax()).isEqualTo(Integer.MAX_VALUE);
            assertThat(b.qmin()).isEqualTo(-Integer.MAX_VALUE);
            assertThat(result(s, p).status()).isEqualTo(Status.HELD);
        }

        @Test
        void productChainsDeclaredBackwardsResolveOverSeveralRounds() {
            ContractSystem sys = new ContractSystem();
            for (int i = 0; i < 6; i++) {
                sys.tensor(sym("p" + i, 32, -1, 1));
            }
            sys.tensor(sym("k", 16, -3, 3)).tensor(sym("base", 16, -0.5, 0.5));
            // p5 = p4 * k, ..., p1 = p0 * k, p0 = base * k: each waits on the next one declared.
            for (int i = 5; i >= 1; i--) {
                sys.add(new Contract.Product("p" + i, "p" + (i - 1), "k"));
            }
            sys.add(new Contract.Product("p0", "base", "k"));
            Solution s = HeuristicSolver.solve(sys, MULT);
            double expected = s.type("base").scale();
            for (int i = 0; i < 6; i++) {
                expected *= s.type("k").scale();
                assertThat(s.type("p" + i).scale()).isEqualTo(expected);
            }
            assertThat(s.results()).allMatch(r -> r.status() == Status.HELD);
        }

        @Test
        void aResultFixedOtherwiseViolatesTheProductWithTheRatio() {
            ContractSystem sys = new ContractSystem()
                    .tensor(sym("a", 16, -1, 1)).tensor(sym("b", 16, -2, 2)).tensor(sym("r", 16, -1, 1));
            Contract p = new Contract.Product("r", "a", "b");
            sys.add(new Contract.FixedFormat("r", 16, 12)).add(p);
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("r")).isEqualTo(QuantType.powerOfTwo(16, 12));
            ContractResult r = result(s, p);
            assertThat(r.status()).isEqualTo(Status.VIOLATED);
            double ratio = Math.scalb(1.0, -12) / (s.type("a").scale() * s.type("b").scale());
            assertThat(r.residual()).isEqualTo(Math.abs(ratio - 1));
            assertThat(r.detail()).contains("fixed format Q3.12 on 'r'", "must rescale");
        }

        @Test
        void aSecondProductThatHappensToAgreeHolds() {
            ContractSystem sys = new ContractSystem()
                    .tensor(sym("a", 8, -1, 1)).tensor(sym("b", 8, -1, 1)).tensor(sym("r", 32, 0, 0));
            sys.add(new Contract.EqualScale(List.of("a", "b")))
                    .add(new Contract.Product("r", "a", "b")).add(new Contract.Product("r", "b", "a"));
            assertThat(HeuristicSolver.solve(sys, MULT).results()).allMatch(r -> r.status() == Status.HELD);
        }

        @Test
        void aProductCycleTerminatesAndIsReportedViolated() {
            ContractSystem sys = new ContractSystem()
                    .tensor(sym("a", 32, -1, 1)).tensor(sym("b", 32, -2, 2)).tensor(sym("k", 16, -4, 4));
            Contract p1 = new Contract.Product("a", "b", "k");
            Contract p2 = new Contract.Product("b", "a", "k");
            sys.add(p1).add(p2);
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("a")).isEqualTo(QuantType.symmetric(32, 1));
            assertThat(s.type("b")).isEqualTo(QuantType.symmetric(32, 2));
            assertThat(result(s, p1).status()).isEqualTo(Status.VIOLATED);
            assertThat(result(s, p1).detail()).contains("cycle");
            assertThat(result(s, p2).status()).isEqualTo(Status.VIOLATED);
        }

        @Test
        void aProductThatUnderflowsIsViolatedNotFatal() {
            ContractSystem sys = new ContractSystem()
                    .tensor(sym("a", 8, -1e-200, 1e-200)).tensor(sym("b", 8, -1e-200, 1e-200)).tensor(sym("r", 32, -1, 1));
            Contract p = new Contract.Product("r", "a", "b");
            sys.add(p);
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("r")).isEqualTo(QuantType.symmetric(32, 1));
            assertThat(result(s, p).status()).isEqualTo(Status.VIOLATED);
            assertThat(result(s, p).residual()).isInfinite();
            assertThat(result(s, p).detail()).contains("no usable scale");
        }

        @Test
        void aSelfReferentialProductTerminates() {
            ContractSystem sys = new ContractSystem().tensor(sym("a", 32, -1, 1)).tensor(sym("k", 16, -4, 4));
            Contract p = new Contract.Product("a", "a", "k");
            sys.add(p);
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(result(s, p).status()).isEqualTo(Status.VIOLATED);
        }

        @Test
        void aBiasTooLargeForItsProductScaleIsClippedAndSaysWhy() {
            ContractSystem sys = new ContractSystem()
                    .tensor(sym("w", 8, -1e-6, 1e-6)).tensor(asym("x", -1e-6, 1e-6)).tensor(sym("b", 32, -1e3, 1e3));
            Contract cov = new Contract.Coverage("b", -1e3, 1e3);
            sys.add(new Contract.Product("b", "w", "x")).add(cov);
            Solution s = HeuristicSolver.solve(sys, MULT);
            ContractResult r = result(s, cov);
            assertThat(r.status()).isEqualTo(Status.VIOLATED);
            assertThat(r.detail()).contains("product of 'w' and 'x'");
        }

        @Test
        void anLayerNormBiasScaleIsAProductWithAFixedFormatFactor() {
            // seed 000 §3.2.6: s_b = 2^-10 * s_L, declared with a constant tensor in Q5.10.
            ContractSystem sys = new ContractSystem()
                    .tensor(sym("L", 16, -0.8, 1.3)).tensor(sym("two^-10", 16, 0, 0)).tensor(sym("b", 32, -0.2, 0.2));
            sys.add(new Contract.FixedFormat("two^-10", 16, 10)).add(new Contract.Product("b", "L", "two^-10"));
            Solution s = HeuristicSolver.solve(sys, MULT);
            assertThat(s.type("b").scale()).isEqualTo(1.3 / 32767 / 1024);
            assertThat(s.results()).allMatch(r -> r.status() == Status.HELD);
        }
    }

    @Nested
    class PotMode {
        @Test
        void everyScaleIsAPowerOfTwoSoEveryEffectiveScaleIs() {
            ContractSystem sys = new ContractSystem()
                    .tensor(asym("x", -0.7, 2.9)).tensor(sym("w", 8, -0.31, 0.27)).tensor(sym("b", 32, -1, 1))
                    .tensor(asym("y", 0, 5.1)).tensor(asym("y2", -3, 1)).tensor(sym("h16", 16, -2.2, 2.2));
            sys.add(new Contract.Product("b", "w", "x"));
            Solution s = HeuristicSolver.solve(sys, POT);
            for (QuantType t : s.types().values()) {
                assertThat(t.scale()).isEqualTo(ScaleRules.nextPowerOfTwo(t.scale()));
            }
            double eff = s.type("x").scale() * s.type("w").scale() / s.type("y").scale();
            assertThat(eff).isEqualTo(ScaleRules.nextPowerOfTwo(eff));
            // weights stay on the narrow symmetric range, activations keep an integer zero point
            assertThat(s.type("w").qmin()).isEqualTo(-127);
            assertThat(s.type("w").scale()).isEqualTo(1.0 / 256); // 0.31 / 127.5 -> 2^-8
            assertThat(s.type("y")).isEqualTo(new QuantType(8, -128, 127, 1.0 / 32, -128)); // ReLU-like
            // [-3, 1]: 4/255 -> 2^-6 is one step short, so 2^-5; the slack is split: [-5, 2.97]
            assertThat(s.type("y2")).isEqualTo(new QuantType(8, -128, 127, 1.0 / 32, 32));
            assertThat(s.results()).allMatch(r -> r.status() == Status.HELD);
        }

        @Test
        void autoOnCortexM0MeansPotAndMultiplierElsewhere() {
            ContractSystem sys = new ContractSystem().tensor(asym("x", -0.7, 2.9));
            QuantType m0 = HeuristicSolver.solve(sys, QuantOptions.defaults(Target.CORTEX_M0)).type("x");
            QuantType m4 = HeuristicSolver.solve(sys, QuantOptions.defaults(Target.CORTEX_M4)).type("x");
            assertThat(m0.scale()).isEqualTo(1.0 / 64);
            assertThat(m4).isEqualTo(QuantType.asymmetric(8, -0.7, 2.9));
        }
    }

    @Test
    void exactZeroAlwaysHoldsWithAnIntegerZeroPoint() {
        ContractSystem sys = new ContractSystem().tensor(asym("x", 0.5, 3));
        sys.add(new Contract.ExactZero("x"));
        Solution s = HeuristicSolver.solve(sys, MULT);
        assertThat(s.results().get(0).status()).isEqualTo(Status.HELD);
        assertThat(s.type("x").dequantize(s.type("x").zeroPoint())).isZero();
    }

    @Test
    void allZeroRangesGetScaleOne() {
        ContractSystem sys = new ContractSystem().tensor(asym("x", 0, 0)).tensor(sym("w", 8, 0, 0));
        Solution s = HeuristicSolver.solve(sys, POT);
        assertThat(s.type("x").scale()).isEqualTo(1.0);
        assertThat(s.type("w").scale()).isEqualTo(1.0);
    }

    /** Random systems: every tensor covers its range unless a fixed format or a product forced clipping. */
    @Nested
    class Properties {
        private ContractSystem random(Random rnd) {
            ContractSystem sys = new ContractSystem();
            int n = 4 + rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                double a = (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(6) - 3);
                double b = a + rnd.nextDouble() * Math.pow(10, rnd.nextInt(6) - 3);
                int kind = rnd.nextInt(4);
                sys.tensor(kind == 0 ? asym("t" + i, a, b)
                        : kind == 1 ? sym("t" + i, 8, a, b)
                        : kind == 2 ? sym("t" + i, 16, a, b) : sym("t" + i, 32, a, b));
            }
            List<String> names = List.copyOf(sys.tensors().keySet());
            int contracts = rnd.nextInt(2 * n);
            for (int k = 0; k < contracts; k++) {
                String t = names.get(rnd.nextInt(n));
                String u = names.get(rnd.nextInt(n));
                String v = names.get(rnd.nextInt(n));
                TensorSpec st = sys.tensors().get(t);
                switch (rnd.nextInt(6)) {
                    case 0:
                        sys.add(new Contract.EqualScale(List.of(t, u)));
                        break;
                    case 1:
                        sys.add(new Contract.Product(t, u, v));
                        break;
                    case 2:
                        sys.add(new Contract.PowerOfTwo(t));
                        break;
                    case 3:
                        sys.add(new Contract.FixedFormat(t, st.bits(), st.bits() - 1 - rnd.nextInt(4)));
                        break;
                    case 4:
                        sys.add(new Contract.Coverage(t, st.min(), st.max()));
                        break;
                    default:
                        sys.add(new Contract.ExactZero(t));
                        break;
                }
            }
            return sys;
        }

        @Test
        void noClippingUnlessForcedAndDeterministic() {
            Random rnd = new Random(20240601);
            for (int trial = 0; trial < 2000; trial++) {
                ContractSystem sys = random(rnd);
                QuantOptions opts = trial % 2 == 0 ? MULT : POT;
                Solution s = HeuristicSolver.solve(sys, opts);
                assertThat(HeuristicSolver.solve(sys, opts)).isEqualTo(s);
                assertThat(s.types().keySet()).containsExactlyElementsOf(sys.tensors().keySet());
                assertThat(s.results()).hasSize(sys.contracts().size());
                boolean forcedSomewhere = sys.contracts().stream()
                        .anyMatch(c -> c instanceof Contract.FixedFormat || c instanceof Contract.Product);
                for (TensorSpec spec : sys.tensors().values()) {
                    QuantType t = s.type(spec.name());
                    double half = t.scale() / 2;
                    boolean covered = t.realMin() - half <= spec.min() && t.realMax() + half >= spec.max();
                    assertThat(ScaleRules.covers(t, spec.min(), spec.max())).isEqualTo(covered);
                    if (!forcedSomewhere) {
                        assertThat(covered).as("%s in trial %d: %s", spec, trial, t).isTrue();
                    }
                    if (opts == POT && !covered) {
                        assertThat(forcedSomewhere).isTrue();
                    }
                }
                for (ContractResult r : s.results()) {
                    assertThat(r.residual()).isGreaterThanOrEqualTo(0);
                    if (r.contract() instanceof Contract.Coverage && r.status() == Status.VIOLATED) {
                        assertThat(r.detail()).containsAnyOf("fixed format", "product");
                    }
                    if (r.status() == Status.HELD) {
                        assertThat(r.residual()).isZero();
                    }
                }
            }
        }

        @Test
        void equalInputsGiveEqualSolutions() {
            Solution a = HeuristicSolver.solve(random(new Random(7)), MULT);
            Solution b = HeuristicSolver.solve(random(new Random(7)), MULT);
            assertThat(a).isEqualTo(b);
            assertThat(a.results().toString()).isEqualTo(b.results().toString());
        }

        @Test
        void coveredTensorsWithoutForcingContractsAlwaysHoldCoverage() {
            Random rnd = new Random(99);
            for (int trial = 0; trial < 500; trial++) {
                ContractSystem sys = new ContractSystem();
                double lo = -rnd.nextDouble() * 100;
                double hi = rnd.nextDouble() * 100;
                sys.tensor(asym("x", lo, hi)).tensor(sym("w", 8, lo, hi)).tensor(sym("c", 16, lo, hi));
                sys.add(new Contract.Coverage("x", lo, hi)).add(new Contract.Coverage("w", lo, hi))
                        .add(new Contract.PowerOfTwo("c")).add(new Contract.Coverage("c", lo, hi));
                for (QuantOptions o : List.of(MULT, POT)) {
                    assertThat(HeuristicSolver.solve(sys, o).results()).allMatch(r -> r.status() == Status.HELD);
                }
            }
        }
    }

    @Test
    void solutionTypesKeepDeclarationOrder() {
        ContractSystem sys = new ContractSystem().tensor(asym("z", -1, 1)).tensor(asym("a", -1, 1));
        assertThat(HeuristicSolver.solve(sys, MULT).types()).isInstanceOf(Map.class);
        assertThat(HeuristicSolver.solve(sys, MULT).types().keySet()).containsExactly("z", "a");
    }
}
