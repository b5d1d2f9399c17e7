package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.quant.QGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A quantized file's parameters as the file states them, named as its integer graph names the tensors. */
class TfliteFileParametersTest {
    @Test
    void helloWorldsLayersCarryTheFilesScalesAndZeroPoints() {
        Path file = SharedFiles.zoo("hello_world", "hello_world_int8.tflite");
        TfliteFileParameters.Parameters p = TfliteFileParameters.read(file);
        QGraph g = TfliteImporter.loadQuantized(file).orElseThrow();
        assertThat(p.layers()).hasSize(3).allMatch(l -> l.op().equals("FULLY_CONNECTED"));
        // each layer is named by its output: the integer graph's node of that operator
        assertThat(p.layers().stream().map(TfliteFileParameters.Layer::output).toList())
                .isEqualTo(g.nodes().stream().map(n -> n.name()).toList());
        TfliteFileParameters.Operand in = p.inputs().get(0);
        assertThat(in.tensor()).isEqualTo(g.inputs().get(0).name());
        assertThat((double) in.scales().get(0)).isEqualTo((double) (float) g.inputs().get(0).type().scale());
        assertThat(in.zeroPoints().get(0)).isEqualTo((long) g.inputs().get(0).type().zeroPoint());
        TfliteFileParameters.Layer first = p.layers().get(0);
        assertThat(first.operand("weights").orElseThrow()).satisfies(w -> {
            assertThat(w.dtype()).isEqualTo("INT8");
            assertThat(w.constant()).isTrue();
            assertThat(w.zeroPoints()).containsOnly(0L);
        });
        assertThat(first.operand("bias").orElseThrow().dtype()).isEqualTo("INT32");
        assertThat(first.operand("output").orElseThrow().tensor()).isEqualTo(first.output());
    }

    @Test
    void perChannelWeightsKeepEveryScaleAndTheirAxis() {
        TfliteFileParameters.Parameters p = TfliteFileParameters.read(SharedFiles.zoo("resnet8", "pretrainedResnet_quant.tflite"));
        TfliteFileParameters.Layer conv = p.layers().stream().filter(l -> l.op().equals("CONV_2D")).findFirst().orElseThrow();
        TfliteFileParameters.Operand w = conv.operand("weights").orElseThrow();
        assertThat(w.perChannel()).isTrue();
        // CONV_2D weights [F, kh, kw, C]: one scale per filter along axis 0
        assertThat(w.scales()).hasSize(w.shape().get(0));
        assertThat(w.axis()).isZero();
    }
}
