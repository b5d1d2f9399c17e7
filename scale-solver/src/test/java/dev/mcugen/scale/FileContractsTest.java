package dev.mcugen.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QElementwise;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QLstmTfl;
import dev.mcugen.ir.quant.QTflMean;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.ir.quant.Rescale;
import dev.mcugen.ir.tflite.TfliteFileParameters;
import dev.mcugen.ir.tflite.TfliteFileParameters.Layer;
import dev.mcugen.ir.tflite.TfliteFileParameters.Operand;
import dev.mcugen.ir.tflite.TfliteImporter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The contracts a quantized file's parameters are held to: held on real files, violated where they break. */
class FileContractsTest {
    private static Operand op(String role, String tensor, String dtype, List<Float> scales, List<Long> zps, boolean constant) {
        return new Operand(role, tensor, dtype, List.of(1, 4), scales, zps, 0, constant);
    }

    @Test
    void resnet8HoldsEveryContractAndEveryAccumulatorFitsInt32() {
        Path file = SharedFiles.zoo("resnet8", "pretrainedResnet_quant.tflite");
        QGraph g = TfliteImporter.loadQuantized(file).orElseThrow();
        FileContracts.Checked c = FileContracts.check(g, TfliteFileParameters.read(file));
        assertThat(c.contracts()).isNotEmpty();
        assertThat(c.contracts()).noneMatch(r -> r.status() == ContractResult.Status.VIOLATED);
        // one bias-scale product per convolution / dense layer (9 convolutions + 1 dense)
        assertThat(c.contracts().stream().filter(r -> r.contract() instanceof Contract.Product)).hasSize(10);
        assertThat(c.bounds()).allMatch(AccumulatorBound::safe);
        assertThat(c.bounds()).filteredOn(b -> b.accumulator().equals("matmul")).hasSize(10);
        // its three residual ADDs: each operand's (x - zp) << 20, then the int32 sum of the rescaled terms
        assertThat(c.bounds()).filteredOn(b -> b.accumulator().equals("shifted operand")).hasSize(3)
                .allSatisfy(b -> assertThat(b.bound()).isLessThanOrEqualTo(255L << 20));
        assertThat(c.bounds()).filteredOn(b -> b.accumulator().equals("sum")).hasSize(3)
                .allSatisfy(b -> assertThat(b.bound()).isBetween(1L << 20, 255L << 20));
        // per-channel: one requantization per output channel, each TFLite's multiplier within 2^-30 of the real factor
        assertThat(c.rescales().size()).isGreaterThan(100);
        assertThat(c.rescales()).allMatch(r -> r.scale().multiplier() >= 1 << 30 && r.scale().residual() < 0x1p-30);
    }

    @Test
    void a16x8ConvolutionIsProvenInItsInt64Accumulator() {
        // TFLite's int16x8 convolution golden: int16 activations (zero point 0), int8 weights, int64 bias
        Path file = SharedFiles.shared("tflite-goldens/seanet/conv/conv3.tflite");
        QGraph g = TfliteImporter.loadQuantized(file).orElseThrow();
        FileContracts.Checked c = FileContracts.check(g, TfliteFileParameters.read(file));
        assertThat(c.bounds()).singleElement().satisfies(b -> {
            assertThat(b.accumulator()).isEqualTo("matmul (int64)");
            assertThat(b.limit()).isEqualTo(Long.MAX_VALUE);
            assertThat(b.safe()).isTrue();
        });
        assertThat(c.contracts()).noneMatch(r -> r.status() == ContractResult.Status.VIOLATED);
        assertThat(c.rescales()).isNotEmpty();
    }

    @Test
    void theLstmsEightGateSumsAreProvenInInt32() {
        Path file = SharedFiles.zoo("mnist_lstm", "trained_lstm_int8.tflite");
        QGraph g = TfliteImporter.loadQuantized(file).orElseThrow();
        QLstmTfl lstm = g.nodes().stream().filter(QLstmTfl.class::isInstance).map(QLstmTfl.class::cast).findFirst()
                .orElseThrow();
        FileContracts.Checked c = FileContracts.check(g, TfliteFileParameters.read(file));
        List<AccumulatorBound> gates = c.bounds().stream().filter(b -> b.layer().equals(lstm.name())).toList();
        assertThat(gates).extracting(AccumulatorBound::accumulator).containsExactly("forget gate, input part",
                "forget gate, recurrent part", "input gate, input part", "input gate, recurrent part",
                "cell gate, input part", "cell gate, recurrent part", "output gate, input part",
                "output gate, recurrent part");
        assertThat(gates).allMatch(AccumulatorBound::safe);
        // the same worst row sum the gate checks when the file is read: |bias| + 128 Σ |w|
        assertThat(gates.get(0).bound()).isEqualTo(QLstmTfl.Gate.rowBound(lstm.forget().inputWeights(),
                lstm.forget().inputBias()));
        assertThat(Math.max(gates.get(6).bound(), gates.get(7).bound())).isEqualTo(lstm.output().accumulatorBound());
    }

    @Test
    void meanAndElementwiseSumsAreBoundedByTheirOperandsRanges() {
        QuantType t = new QuantType(8, -128, 127, 0.1, -128);
        // a 7x7 spatial mean of (x - zp): 49 values of at most 255
        QTflMean mean = new QTflMean("m", "x", Shape.of(7, 7, 4), Shape.of(4), t, true, -128, Rescale.IDENTITY);
        // x * x as TFLite's MUL: (x - zp)^2 <= 255^2
        QElementwise mul = new QElementwise("p", List.of("x", "x"), Shape.of(7, 7, 4), t, QElementwise.Kind.MUL,
                java.util.Optional.empty(), -1, List.of(false, false), List.of(-128, -128),
                List.of(Rescale.IDENTITY, Rescale.IDENTITY), List.of(false, false), 0, List.of(), Rescale.forReal(0.25, false));
        QGraph g = new QGraph("g", List.of(new QInput("x", Shape.of(7, 7, 4), t)), List.of(mean, mul), List.of("m", "p"));
        FileContracts.Checked c = FileContracts.check(g, new TfliteFileParameters.Parameters(List.of(), List.of(),
                List.of(new Layer(0, "MEAN", "m", List.of()), new Layer(1, "MUL", "p", List.of())), false));
        assertThat(c.bounds()).extracting(AccumulatorBound::layer, AccumulatorBound::accumulator, AccumulatorBound::bound)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("m", "sum", 49L * 255),
                        org.assertj.core.groups.Tuple.tuple("p", "product", 255L * 255));
    }

    @Test
    void brokenParametersAreViolatedPerLayer() {
        // a dense layer whose bias scale is not input x weight scale, with asymmetric weights, and an
        // int16 activation with a zero point; a max pool that changes the scale
        Layer dense = new Layer(0, "FULLY_CONNECTED", "y", List.of(
                op("input", "x", "INT16", List.of(0.5f), List.of(3L), false),
                op("weights", "w", "INT8", List.of(0.25f), List.of(1L), true),
                op("bias", "b", "INT32", List.of(0.2f), List.of(0L), true),
                op("output", "y", "INT8", List.of(1f), List.of(0L), false)));
        Layer pool = new Layer(1, "MAX_POOL_2D", "p", List.of(
                op("input", "y", "INT8", List.of(1f), List.of(0L), false),
                op("output", "p", "INT8", List.of(2f), List.of(0L), false)));
        TfliteFileParameters.Parameters p = new TfliteFileParameters.Parameters(List.of(), List.of(), List.of(dense, pool), false);
        QGraph g = new QGraph("g", List.of(new QInput("x", Shape.of(4), new QuantType(16, -32768, 32767, 0.5, 0))),
                List.of(), List.of("x"));
        FileContracts.Checked c = FileContracts.check(g, p);
        assertThat(c.of("y")).filteredOn(r -> r.status() == ContractResult.Status.VIOLATED)
                .extracting(ContractResult::detail)
                .anySatisfy(d -> assertThat(d).contains("int16 activations are symmetric"))
                .anySatisfy(d -> assertThat(d).contains("symmetric weights"))
                .anySatisfy(d -> assertThat(d).contains("bias scale differs").contains("TFLite refuses"));
        assertThat(c.of("p")).filteredOn(r -> r.contract() instanceof Contract.EqualScale)
                .singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(ContractResult.Status.VIOLATED));
        assertThat(c.count("y", ContractResult.Status.VIOLATED)).isEqualTo(3);
    }

    @Test
    void anAccumulatorThatCanOverflowInt32IsViolated() {
        // 140,000 inputs of weight 127: 140,000 x 127 x 128 > 2^31 - 1 for the worst int8 input
        int in = 140_000;
        int[] w = new int[in];
        Arrays.fill(w, 127);
        QuantType t = new QuantType(8, -128, 127, 0.1, 0);
        QFullyConnected fc = new QFullyConnected("y", "x", Shape.of(1), t, in, 1, IntTensor.of(Shape.of(in, 1), 8, w),
                IntTensor.of(Shape.of(1), 32, new int[] {0}), List.of(Rescale.IDENTITY), 0, -128, 127);
        QGraph g = new QGraph("g", List.of(new QInput("x", Shape.of(in), t)), List.of(fc), List.of("y"));
        Layer l = new Layer(0, "FULLY_CONNECTED", "y", List.of());
        FileContracts.Checked c = FileContracts.check(g, new TfliteFileParameters.Parameters(List.of(), List.of(), List.of(l), false));
        assertThat(c.bounds()).singleElement().satisfies(b -> {
            assertThat(b.safe()).isFalse();
            assertThat(b.bound()).isEqualTo(140_000L * 127 * 128);
            assertThat(b.action()).contains("overflow int32");
        });
        assertThat(FileContracts.json(g, new TfliteFileParameters.Parameters(List.of(), List.of(), List.of(l), false), c)
                .get("summary").get("unsafe_accumulators").asInt()).isEqualTo(1);
    }
}
