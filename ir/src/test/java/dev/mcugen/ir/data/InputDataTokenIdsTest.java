package dev.mcugen.ir.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.GraphBuilder;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data for token-id inputs: integer .npy (int8 to int64) or float32 whole numbers, each id in [0, input_dim). */
class InputDataTokenIdsTest {
    @TempDir
    Path tmp;

    private static Graph model() {
        GraphBuilder b = new GraphBuilder("g");
        b.input("ids", Shape.of(3));
        b.add("e", new Op.Embedding(5, 2), List.of("ids"), Map.of("embeddings", FloatTensor.filled(Shape.of(5, 2), 1f)));
        b.output("e");
        return b.build();
    }

    @Test
    void int64Int32AndWholeFloatIdsAreRead() {
        Graph g = model();
        Path f = tmp.resolve("ids.npy");
        Npy.write(f, NpyArray.ofInts(NpyDtype.INT64, List.of(2, 3), new int[] {0, 4, 2, 1, 1, 3}));
        Batch b = InputData.read(g, List.of(f));
        assertThat(b.size()).isEqualTo(2);
        assertThat(InputData.of(g, List.of(NpyArray.ofInts(NpyDtype.INT32, List.of(1, 3), new int[] {4, 0, 4})),
                List.of("a")).size()).isEqualTo(1);
        assertThat(InputData.of(g, List.of(NpyArray.ofFloat32(List.of(1, 3), new float[] {4, 0, 2})), List.of("b"))
                .size()).isEqualTo(1);
    }

    @Test
    void idsOutsideTheTableOrNotWholeAreRefusedNamingFileSampleAndValue() {
        Graph g = model();
        assertThatThrownBy(() -> InputData.of(g, List.of(NpyArray.ofInts(NpyDtype.INT32, List.of(2, 3),
                new int[] {0, 1, 2, 3, 5, 0})), List.of("tok.npy")))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_TOKEN_ID);
                    assertThat(e.getMessage()).contains("tok.npy").contains("sample 1").contains("holds 5")
                            .contains("[0, 5)");
                });
        assertThatThrownBy(() -> InputData.of(g, List.of(NpyArray.ofInts(NpyDtype.INT32, List.of(1, 3),
                new int[] {0, -1, 2})), List.of("neg.npy")))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.getMessage()).contains("holds -1"));
        assertThatThrownBy(() -> InputData.of(g, List.of(NpyArray.ofFloat32(List.of(1, 3), new float[] {0, 1.5f, 2})),
                List.of("frac.npy"))).isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_DATA_TOKEN_ID);
                    assertThat(e.getMessage()).contains("1.5");
                });
    }

    @Test
    void int64ValuesBeyondInt32AreRefusedWhenRead() throws Exception {
        byte[] npy = Npy.toBytes(NpyArray.ofInts(NpyDtype.INT64, List.of(1, 3), new int[] {0, 1, 2}));
        // the last value's high word: 2 + 2^32
        npy[npy.length - 4] = 1;
        Path f = tmp.resolve("big.npy");
        java.nio.file.Files.write(f, npy);
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOfSatisfying(McugenException.class, e -> {
            assertThat(e.diag()).isEqualTo(Diag.MCG_NPY_FORMAT);
            assertThat(e.getMessage()).contains("4294967298");
        });
    }
}
