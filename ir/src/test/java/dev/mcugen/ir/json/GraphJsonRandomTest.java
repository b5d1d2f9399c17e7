package dev.mcugen.ir.json;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.json.GraphJson.WeightEncoding;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class GraphJsonRandomTest {

    @Test
    void randomGraphsRoundTripExactly() {
        Set<String> kinds = new HashSet<>();
        int nodes = 0;
        for (long seed = 0; seed < 300; seed++) {
            Graph g = TestGraphs.random(seed, 8);
            g.nodes().forEach(n -> kinds.add(n.op().kind()));
            nodes += g.nodes().size();
            for (WeightEncoding enc : new WeightEncoding[] {WeightEncoding.NUMBERS, WeightEncoding.BASE64}) {
                try {
                    GraphJsonRoundTripTest.roundTrip(g, enc);
                } catch (AssertionError e) {
                    throw new AssertionError("seed " + seed + " " + enc + ": " + e.getMessage(), e);
                }
            }
        }
        // the generator reaches every op
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(GraphJsonReader.KINDS);
        assertThat(nodes).isGreaterThan(1500);
    }

    @Test
    void everyFloatClassSurvivesTextExactly() {
        Random r = new Random(42);
        for (int i = 0; i < 2_000_000; i++) {
            float f = i < 1_000_000 ? TestGraphs.nastyFloat(r) : Float.intBitsToFloat(r.nextInt());
            if (!Float.isFinite(f)) {
                continue;
            }
            String s = GraphJsonWriter.formatFloat(f);
            float back = Float.parseFloat(s);
            if (Float.floatToRawIntBits(back) != Float.floatToRawIntBits(f)) {
                throw new AssertionError(f + " printed as " + s + " reads back as " + back);
            }
        }
    }

    @Test
    void shortestDigitsAreIndependentOfTheJdk() {
        // Schubfach output (as Java 19+); JDK 17's Float.toString gives "1.0E23"-style but sometimes longer digits.
        assertThat(GraphJsonWriter.formatFloat(2.0E-3f)).isEqualTo("0.002");
        assertThat(GraphJsonWriter.formatFloat(-0.0f)).isEqualTo("-0.0");
        assertThat(GraphJsonWriter.formatFloat(Float.MIN_VALUE)).isEqualTo("1.4E-45");
        assertThat(GraphJsonWriter.formatFloat(Float.MAX_VALUE)).isEqualTo("3.4028235E38");
        assertThat(GraphJsonWriter.formatFloat(0.1f)).isEqualTo("0.1");
        assertThat(GraphJsonWriter.formatFloat(1.0E10f)).isEqualTo("1.0E10");
    }

    @Test
    void decimalsAreRoundedOnceToFloat32() {
        // Just above the midpoint between 1 and the next float: correctly rounded it is the next float,
        // but through a double it first lands on the midpoint and then ties to even, to 1.0.
        String above = "1.000000059604644775390626";
        assertThat((float) Double.parseDouble(above)).isEqualTo(1.0f);
        String json = GraphJsonErrorTest.base().replace("\"data\": [0.25, -0.5, 1.5]",
                "\"data\": [" + above + ", 1.4E-45, -0]");
        Graph g = GraphJson.fromJson(json);
        FloatTensor b = g.node("dense").orElseThrow().weight("bias");
        assertThat(b.get(0)).isEqualTo(Math.nextUp(1.0f));
        assertThat(b.get(1)).isEqualTo(Float.MIN_VALUE);
        assertThat(Float.floatToRawIntBits(b.get(2))).isEqualTo(Float.floatToRawIntBits(-0.0f));
    }
}
