package dev.mcugen.ir.calib;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Progress;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An embedding's output range covers its whole table, whichever rows the calibration data uses. */
class CalibratorEmbeddingTest {
    @Test
    void embeddingRangeCoversRowsTheDataNeverUses() {
        GraphBuilder b = new GraphBuilder("g");
        b.input("ids", Shape.of(2));
        float[] table = {0.1f, -0.2f, 0.3f, 0.4f, -5f, 7f}; // row 2 holds the extremes
        b.add("e", new Op.Embedding(3, 2), List.of("ids"), Map.of("embeddings", FloatTensor.of(Shape.of(3, 2), table)));
        b.output("e");
        Graph g = b.build();
        CalibrationResult r = new Calibrator(g).calibrate(InputData.of(g, List.of(NpyArray.ofInts(NpyDtype.INT32,
                List.of(2, 2), new int[] {0, 1, 1, 0})), List.of("ids.npy")), Progress.NONE);
        assertThat(r.range("e").min()).isEqualTo(-5f);
        assertThat(r.range("e").max()).isEqualTo(7f);
        assertThat(r.range("ids").max()).isEqualTo(1f);
    }
}
