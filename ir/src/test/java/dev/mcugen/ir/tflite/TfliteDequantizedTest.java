package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.SharedFiles;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.quant.QFullyConnected;
import dev.mcugen.ir.quant.QGraph;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A quantized file read as the float model of its dequantized weights. */
class TfliteDequantizedTest {
    @Test
    void weightsAreTheFilesIntegersTimesTheirScales() {
        Path file = SharedFiles.zoo("hello_world", "hello_world_int8.tflite");
        Graph g = TfliteDequantized.load(file).graph();
        QGraph q = TfliteImporter.loadQuantized(file).orElseThrow();
        TfliteFileParameters.Parameters p = TfliteFileParameters.read(file);
        assertThat(g.nodes()).hasSize(3);
        for (int k = 0; k < 3; k++) {
            QFullyConnected fc = (QFullyConnected) q.nodes().get(k);
            float scale = p.layers().get(k).operand("weights").orElseThrow().scales().get(0);
            Node n = g.nodes().get(k);
            float[] kernel = n.weights().values().stream().filter(t -> t.size() == fc.weights().size()).findFirst()
                    .orElseThrow().toArray();
            // both [in, units]: each float weight is the file's int8 weight times its scale (zero point 0)
            for (int i = 0; i < kernel.length; i++) {
                assertThat(kernel[i]).isEqualTo((float) ((double) scale * fc.weights().get(i)));
            }
        }
    }

    @Test
    void theDequantizedModelRunsCloseToTheFloatModelItCameFrom() {
        // ResNet-8: the float file and the int8 file's weights dequantized agree closely on real images
        Graph dq = TfliteDequantized.load(SharedFiles.zoo("resnet8", "pretrainedResnet_quant.tflite")).graph();
        Graph fl = TfliteImporter.load(SharedFiles.zoo("resnet8", "pretrainedResnet.tflite")).graph();
        float[] x = Npy.read(SharedFiles.zoo("resnet8", "test.npy")).toFloatArray();
        FloatInterpreter a = new FloatInterpreter(dq);
        FloatInterpreter b = new FloatInterpreter(fl);
        int agree = 0;
        int size = 32 * 32 * 3;
        for (int s = 0; s < 5; s++) {
            float[] img = java.util.Arrays.copyOfRange(x, s * size, (s + 1) * size);
            float[] ya = a.run(Map.of(dq.inputs().get(0).name(), FloatTensor.of(dq.inputs().get(0).shape(), img)))
                    .get(dq.outputs().get(0)).toArray();
            float[] yb = b.run(Map.of(fl.inputs().get(0).name(), FloatTensor.of(fl.inputs().get(0).shape(), img)))
                    .get(fl.outputs().get(0)).toArray();
            agree += argmax(ya) == argmax(yb) ? 1 : 0;
            for (int i = 0; i < ya.length; i++) {
                assertThat(Math.abs(ya[i] - yb[i])).as("sample %d class %d", s, i).isLessThan(0.1f);
            }
        }
        assertThat(agree).isGreaterThanOrEqualTo(4);
    }

    private static int argmax(float[] v) {
        int k = 0;
        for (int i = 1; i < v.length; i++) {
            k = v[i] > v[k] ? i : k;
        }
        return k;
    }
}
