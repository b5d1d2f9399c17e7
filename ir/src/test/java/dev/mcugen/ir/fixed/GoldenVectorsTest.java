package dev.mcugen.ir.fixed;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes the golden vectors into {@code target/golden-vectors} and checks them on the way back. */
class GoldenVectorsTest {

    private static int[] parse(String line) {
        return Arrays.stream(line.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void writesOneCsvPerPrimitiveThatTheExactReferenceAgreesWith() throws IOException {
        List<Path> files = GoldenVectors.write(Path.of("target", "golden-vectors"));
        assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly(
                "srdhm.csv", "rdivpot.csv", "shl_sat.csv", "mul_pot.csv", "requant.csv", "sat_int8.csv",
                "sat_int16.csv", "add_sat16.csv", "sub_sat16.csv", "lut_sigmoid.csv", "lut_tanh.csv",
                "poly_sigmoid.csv", "poly_tanh.csv", "lut_table.csv");
        Path dir = files.get(0).getParent();

        List<String> srdhm = Files.readAllLines(dir.resolve("srdhm.csv"));
        assertThat(srdhm.get(0)).isEqualTo("a,b,out");
        for (String line : srdhm.subList(1, srdhm.size())) {
            int[] r = parse(line);
            assertThat(r[2]).as(line).isEqualTo(ExactReference.srdhm(r[0], r[1]));
        }
        List<String> requant = Files.readAllLines(dir.resolve("requant.csv"));
        assertThat(requant.get(0)).isEqualTo("x,multiplier,shift,out");
        for (String line : requant.subList(1, requant.size())) {
            int[] r = parse(line);
            assertThat(r[3]).as(line).isEqualTo(ExactReference.requant(r[0], r[1], r[2]));
        }
        List<String> tanh = Files.readAllLines(dir.resolve("poly_tanh.csv"));
        assertThat(tanh).hasSize(1 + 8 * 65536);
        assertThat(tanh.get(0)).isEqualTo("integer_bits,x,out");
        assertThat(parse(tanh.get(1 + 3 * 65536 + 32768))).containsExactly(3, 0, 0);
        assertThat(Files.readAllLines(dir.resolve("lut_table.csv"))).hasSize(1 + LutActivation.TABLE_SIZE);
    }
}
