package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.compiler.CompilePipeline;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.LearnedGrids;
import dev.mcugen.ir.calib.RangeMethod;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.quant.QConv;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGate;
import dev.mcugen.ir.quant.QGru;
import dev.mcugen.ir.quant.QLstm;
import dev.mcugen.ir.quant.QMatVec;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.scale.QuantOptions;
import dev.mcugen.scale.QuantizedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retraining loop end to end, on small models: {@code examples/qat/qat.py} (PyTorch, Debian's
 * python3-torch and python3-onnx) trains a float model for a few epochs on an example's data, fine-tunes it
 * with fake-quantized weights at given word lengths and exports ONNX with DequantizeLinear weights; mcugen
 * imports it, and the integers it stores are exactly the ones PyTorch trained (qat.py writes them beside the
 * .onnx), and {@code verify} is bit-exact on the host. An LSTM at mixed word lengths (an analyze-style JSON),
 * a GRU at 3 bits, and a Conv1D / Dense model with per-channel steps; one epoch on 128 samples each, small
 * hidden sizes: the test is about the integers, not the accuracy (docs/quantization.md has the figures).
 */
class QatRetrainingLoopTest {
    @TempDir
    Path tmp;

    private static final Path QAT = CliTest.ROOT.resolve("examples/qat/qat.py");

    private static boolean canRun() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch, onnx").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && VerifyUnseenModelsTest.canRun();
        } catch (Exception e) {
            return false;
        }
    }

    private void run(Path log, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(CliTest.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + Files.readString(log)).isZero();
    }

    private Path model(String arch, String... qatArgs) throws Exception {
        Path data = tmp.resolve("data");
        if (!Files.isDirectory(data.resolve(arch))) {
            run(tmp.resolve("data.log"), "node", "examples/train.js", "--data-only", "--only", arch, "--out", data.toString());
        }
        Path dir = tmp.resolve(arch);
        Files.createDirectories(dir);
        run(dir.resolve("float.log"), "/usr/bin/python3", QAT.toString(), "float", "--arch", arch, "--hidden", "8",
                "--epochs", "1", "--train-samples", "128", "--data", data.resolve(arch).toString(),
                "--out", dir.resolve("float.onnx").toString());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", QAT.toString(), "qat", "--model",
                dir.resolve("float.pt").toString(), "--epochs", "1", "--train-samples", "128", "--data",
                data.resolve(arch).toString(), "--out", dir.resolve("qat.onnx").toString()));
        cmd.addAll(List.of(qatArgs));
        run(dir.resolve("qat.log"), cmd.toArray(String[]::new));
        return dir;
    }

    private static boolean ready() {
        boolean ready = canRun();
        if (System.getenv("CI") != null) {
            assertThat(ready).as("CI must have python3-torch, python3-onnx and examples/node_modules").isTrue();
        }
        Assumptions.assumeTrue(ready, "/usr/bin/python3 with torch and onnx (Debian's python3-torch, python3-onnx)"
                + " and examples/node_modules are needed");
        return true;
    }

    /** The trained integers of group {@code g} as qat.py wrote them (PyTorch's order). */
    private static long[] trained(JsonNode j, String g) {
        JsonNode ints = j.get("groups").get(g).get("integers");
        long[] q = new long[ints.size()];
        for (int k = 0; k < q.length; k++) {
            q[k] = ints.get(k).asLong();
        }
        return q;
    }

    private QuantizedModel quantize(Path dir, ImportedModel m, boolean perChannel) {
        QuantOptions o = new QuantOptions(QuantOptions.Precision.INT8, QuantOptions.Rescale.AUTO,
                QuantOptions.ActivationImpl.LUT, perChannel, QuantOptions.Target.HOST);
        return CompilePipeline.quantize(m, InputData.read(m, List.of(dir.resolve("calibration.npy"))), o,
                RangeMethod.MINMAX, Progress.NONE).model();
    }

    private static <T extends QNode> T only(QuantizedModel q, Class<T> type, String layer) {
        return q.graph().nodes().stream().filter(type::isInstance).map(type::cast)
                .filter(n -> n.name().equals(layer) || n.name().startsWith(layer + "/")).findFirst().orElseThrow(() -> new AssertionError(layer));
    }

    @Test
    void lstmAtMixedWordLengthsKeepsTheTrainedIntegers() throws Exception {
        ready();
        Path bits = tmp.resolve("analyze.json");
        Files.writeString(bits, "{\"word_lengths\": {\"bits\": {\"net_lstm_LSTM_last/kernel\": 5,"
                + " \"net_lstm_LSTM_last/recurrent_kernel\": 3, \"net_fc_Gemm/kernel\": 4}}}");
        Path dir = model("har_lstm", "--bits", bits.toString());
        Files.copy(CliTest.HAR.resolve("calibration.npy"), dir.resolve("calibration.npy"));
        JsonNode j = new ObjectMapper().readTree(dir.resolve("qat.json").toFile());

        ImportedModel m = CompilePipeline.load(dir.resolve("qat.onnx"));
        assertThat(m.grids().weights()).extracting(LearnedGrids.WeightGrid::weight)
                .containsExactlyInAnyOrder("kernel", "recurrent_kernel", "kernel");
        assertThat(m.grids().weight("net_lstm_LSTM_last", "kernel").orElseThrow().bits()).isLessThanOrEqualTo(5);
        assertThat(m.grids().weight("net_lstm_LSTM_last", "recurrent_kernel").orElseThrow().bits()).isLessThanOrEqualTo(3);
        assertThat(m.grids().weight("net_fc_Gemm", "kernel").orElseThrow().scales())
                .containsExactly((double) j.get("groups").get("net_fc_Gemm/kernel").get("step").get(0).floatValue());

        CliTest.Result inspect = CliTest.run("inspect", dir.resolve("qat.onnx").toString());
        assertThat(inspect.code()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("learned weight grids").containsPattern(
                "net_lstm_LSTM_last\\s+recurrent_kernel\\s+[23]\\s").contains("/net_fc_Gemm/kernel/DequantizeLinear");

        QuantizedModel q = quantize(dir, m, false);
        // PyTorch's LSTM weights are [4H, in] with the gates i, f, g, o: mcugen's gate blocks in the same order.
        QLstm lstm = only(q, QLstm.class, "net_lstm_LSTM_last");
        List<Long> input = new ArrayList<>();
        List<Long> recurrent = new ArrayList<>();
        for (QGate g : List.of(lstm.inputGate(), lstm.forgetGate(), lstm.cellGate(), lstm.outputGate())) {
            for (long v : g.input().weights().toArray()) {
                input.add(v);
            }
            for (long v : g.recurrent().weights().toArray()) {
                recurrent.add(v);
            }
        }
        assertThat(input).containsExactly(boxed(trained(j, "net_lstm_LSTM_last/kernel")));
        assertThat(recurrent).containsExactly(boxed(trained(j, "net_lstm_LSTM_last/recurrent_kernel")));
        assertThat(recurrent).allMatch(v -> Math.abs(v) <= 3);
        // Dense: mcugen's [in, units], PyTorch's [units, in].
        QFullyConnected fc = only(q, QFullyConnected.class, "net_fc_Gemm");
        long[] w = trained(j, "net_fc_Gemm/kernel");
        for (int o = 0; o < fc.units(); o++) {
            for (int i = 0; i < fc.inputSize(); i++) {
                assertThat(fc.weights().get(i * fc.units() + o)).isEqualTo(w[o * fc.inputSize() + i]);
            }
        }

        CliTest.Result r = CliTest.run("verify", dir.resolve("qat.onnx").toString(), "--calibration",
                dir.resolve("calibration.npy").toString(), "--data", CliTest.HAR.resolve("test.npy").toString(),
                "--samples", "2", "--target", "host", "--out", tmp.resolve("verify").toString(), "--no-progress");
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("bit-exact with the simulator").contains("verdict: PASS");
        // The Dense's learned 4-bit weights are stored packed (two per byte), as --weight-bits 4 stores them.
        assertThat(Files.readString(tmp.resolve("verify/qat.c"))).contains("mcu_fully_connected_s8w4");
        JsonNode report = new ObjectMapper().readTree(tmp.resolve("verify/report.json").toFile());
        assertThat(report.get("learned_grids").get("weights")).hasSize(3);
        assertThat(report.get("learned_grids").get("weights").get(0).get("source").asText()).endsWith("DequantizeLinear");
    }

    @Test
    void gruKeepsTheTrainedIntegers() throws Exception {
        ready();
        Path dir = model("kws_gru", "--uniform-bits", "3");
        Files.copy(CliTest.ROOT.resolve("examples/kws_gru/calibration.npy"), dir.resolve("calibration.npy"));
        JsonNode j = new ObjectMapper().readTree(dir.resolve("qat.json").toFile());
        ImportedModel m = CompilePipeline.load(dir.resolve("qat.onnx"));
        QuantizedModel q = quantize(dir, m, false);
        QGru gru = only(q, QGru.class, "net_gru_GRU_last");
        // PyTorch's GRU rows are the gates r, z, n; mcugen's blocks the reset gate, the update gate, the candidate.
        List<Long> input = new ArrayList<>();
        List<Long> recurrent = new ArrayList<>();
        for (QMatVec[] mv : List.of(new QMatVec[] {gru.resetGate().input(), gru.resetGate().recurrent()},
                new QMatVec[] {gru.updateGate().input(), gru.updateGate().recurrent()},
                new QMatVec[] {gru.candidateInput(), gru.candidateRecurrent()})) {
            for (long v : mv[0].weights().toArray()) {
                input.add(v);
            }
            for (long v : mv[1].weights().toArray()) {
                recurrent.add(v);
            }
        }
        assertThat(input).containsExactly(boxed(trained(j, "net_gru_GRU/kernel")));
        assertThat(recurrent).containsExactly(boxed(trained(j, "net_gru_GRU/recurrent_kernel")));
        assertThat(input).allMatch(v -> Math.abs(v) <= 3);
    }

    @Test
    void convAndDensePerChannelKeepTheTrainedIntegers() throws Exception {
        ready();
        Path dir = model("gesture_conv1d", "--uniform-bits", "4", "--per-channel");
        Files.copy(CliTest.ROOT.resolve("examples/gesture_conv1d/calibration.npy"), dir.resolve("calibration.npy"));
        JsonNode j = new ObjectMapper().readTree(dir.resolve("qat.json").toFile());
        ImportedModel m = CompilePipeline.load(dir.resolve("qat.onnx"));
        assertThat(m.grids().weights()).hasSize(4).filteredOn(LearnedGrids.WeightGrid::perChannel).hasSize(3);
        assertThat(m.grids().weight("net_fc_Gemm", "kernel").orElseThrow().perChannel()).isFalse();

        QuantizedModel q = quantize(dir, m, true);
        QConv conv = q.graph().nodes().stream().filter(QConv.class::isInstance).map(QConv.class::cast)
                .filter(c -> c.weights().shape().dim(2) == 6).findFirst().orElseThrow();
        // PyTorch's Conv1d weight [F, C, k]; mcugen's [1, k, C, F].
        long[] w = trained(j, "net_conv1_Conv/kernel");
        int k = conv.kernelW();
        int c = conv.weights().shape().dim(2);
        int f = conv.weights().shape().dim(3);
        for (int t = 0; t < k; t++) {
            for (int ci = 0; ci < c; ci++) {
                for (int fo = 0; fo < f; fo++) {
                    assertThat(conv.weights().get((t * c + ci) * f + fo)).isEqualTo(w[(fo * c + ci) * k + t]);
                }
            }
        }
        QFullyConnected fc = q.graph().nodes().stream().filter(QFullyConnected.class::isInstance)
                .map(QFullyConnected.class::cast).filter(n -> n.units() == 16).findFirst().orElseThrow();
        long[] d = trained(j, "net_fc1_Gemm/kernel");
        for (int o = 0; o < fc.units(); o++) {
            for (int i = 0; i < fc.inputSize(); i++) {
                assertThat(fc.weights().get(i * fc.units() + o)).isEqualTo(d[o * fc.inputSize() + i]);
            }
        }
        assertThat(fc.weights().maxAbs()).isLessThanOrEqualTo(7);
        // Per-channel steps on a layer quantized per tensor (no --per-channel) are refused, naming the layer.
        CliTest.Result r = CliTest.run("build", dir.resolve("qat.onnx").toString(), "--calibration",
                dir.resolve("calibration.npy").toString(), "--out", tmp.resolve("b").toString(), "--no-progress");
        CliTest.assertOneLineError(r, 3, "MCG_QUANT_LEARNED_GRID", "net_conv1_Conv", "--per-channel");
        CliTest.Result ok = CliTest.run("verify", dir.resolve("qat.onnx").toString(), "--per-channel", "--calibration",
                dir.resolve("calibration.npy").toString(), "--data", CliTest.ROOT.resolve("examples/gesture_conv1d/test.npy")
                        .toString(), "--samples", "2", "--target", "host", "--out", tmp.resolve("v").toString(), "--no-progress");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("bit-exact with the simulator");
    }

    private static Long[] boxed(long[] v) {
        Long[] b = new Long[v.length];
        for (int k = 0; k < v.length; k++) {
            b[k] = v[k];
        }
        return b;
    }
}
