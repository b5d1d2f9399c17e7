package dev.mcugen.gen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CLitTest {
    /** The lazy lines are the eager ones, line for line, whatever the literal widths (the output stays byte-identical). */
    @Test
    void lazyWrapEqualsEagerWrap() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int round = 0; round < 200; round++) {
            int n = round < 3 ? round : rnd.nextInt(1, 700);
            long[] v = new long[n];
            // Mixed widths: int8, int16, int32 and INT32_MIN (its long spelling) move the line breaks.
            for (int i = 0; i < n; i++) {
                v[i] = switch (rnd.nextInt(4)) {
                    case 0 -> rnd.nextInt(-128, 128);
                    case 1 -> rnd.nextInt(-32768, 32768);
                    case 2 -> rnd.nextInt();
                    default -> rnd.nextInt(8) == 0 ? Integer.MIN_VALUE : rnd.nextInt(-9, 10);
                };
            }
            List<String> items = new ArrayList<>();
            for (long x : v) {
                items.add(CLit.i32(x));
            }
            List<String> eager = CLit.wrap(items);
            List<String> lazy = CLit.wrapLazily(n, i -> v[i], CLit::i32);
            assertThat(lazy).as("n=%d", n).containsExactlyElementsOf(eager);
            assertThat(lazy.toString()).isEqualTo(eager.toString());
        }
    }

    @Test
    void cachedLiteralsAreTheSpelledOnes() {
        for (long v = -40000; v <= 40000; v++) {
            assertThat(CLit.i32(v)).isEqualTo(Long.toString(v));
        }
        assertThat(CLit.i32(Integer.MIN_VALUE)).isEqualTo("(-2147483647 - 1)");
        assertThat(CLit.i32(Integer.MAX_VALUE)).isEqualTo("2147483647");
    }
}
