package dev.mcugen.ir.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.interp.FloatInterpreter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float {@code gather_tokens} fixture ({@link TfliteFixtures#gatherTokens}): a Keras Embedding as the
 * converter writes it, GATHER of a constant table by the int32 token ids of the model input. (Arm NN's
 * TFLite parser has no GATHER, so the expected values are computed here from the fixture's seeded weights.)
 */
class TfliteGatherTest {
    private static final Path FILE = Path.of("src/test/resources/tflite/gather_tokens/model.tflite");

    @Test
    void committedFileIsWhatTheFixtureWriterMakes() throws IOException {
        assertThat(Files.readAllBytes(FILE)).isEqualTo(TfliteFixtures.gatherTokens());
    }

    @Test
    void gatherOfATableByTokenIdsIsAnEmbedding() {
        ImportedModel im = TfliteImporter.load(FILE);
        assertThat(im.graph().inputs()).singleElement().satisfies(in -> {
            assertThat(in.shape()).isEqualTo(Shape.of(6));
            assertThat(in.isTokenIds()).isTrue();
        });
        Node e = im.graph().nodes().get(0);
        assertThat(e.op()).isEqualTo(new Op.Embedding(TfliteFixtures.GATHER_ROWS, 5));
        assertThat(im.sourceOps()).containsEntry(e.name(), "GATHER");
        // the table as the fixture wrote it: the first 100 seeded values
        Random r = new Random(404);
        float[] table = e.weight("embeddings").toArray();
        for (int i = 0; i < table.length; i++) {
            assertThat(table[i]).isEqualTo((float) (r.nextGaussian() * 0.5));
        }
    }

    @Test
    void floatInterpreterLooksUpRowsZeroAndLast() {
        ImportedModel im = TfliteImporter.load(FILE);
        Node e = im.graph().nodes().get(0);
        float[] table = e.weight("embeddings").toArray();
        float[] ids = {0, TfliteFixtures.GATHER_ROWS - 1, 3, 3, 7, 0};
        Node dense = im.graph().nodes().stream().filter(n -> n.op() instanceof Op.Dense).findFirst().orElseThrow();
        float[] k = dense.weight("kernel").toArray();
        float[] b = dense.weight("bias").toArray();
        // softmax(flatten(table[ids]) . kernel + bias), in double
        double[] logits = new double[4];
        for (int u = 0; u < 4; u++) {
            logits[u] = b[u];
            for (int t = 0; t < 6; t++) {
                for (int j = 0; j < 5; j++) {
                    logits[u] += (double) table[(int) ids[t] * 5 + j] * k[(t * 5 + j) * 4 + u];
                }
            }
        }
        double max = Math.max(Math.max(logits[0], logits[1]), Math.max(logits[2], logits[3]));
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        FloatTensor y = new FloatInterpreter(im.graph()).runBatch(FloatTensor.of(Shape.of(1, 6), ids));
        assertThat(y.shape()).isEqualTo(Shape.of(1, 4));
        for (int u = 0; u < 4; u++) {
            assertThat((double) y.get(u)).isCloseTo(Math.exp(logits[u] - max) / sum, org.assertj.core.api.Assertions.within(1e-6));
        }
    }
}
