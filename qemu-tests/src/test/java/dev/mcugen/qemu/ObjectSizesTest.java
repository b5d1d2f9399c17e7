package dev.mcugen.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** A model's own code and data, measured from its object files by section. */
class ObjectSizesTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"HOST", "CORTEX_M4"})
    void eachSectionKindIsSummedOverTheObjects(Target target) throws Exception {
        Assumptions.assumeTrue(Tools.missingBuildTools(target).isEmpty(), "no " + target + " toolchain");
        Path a = tmp.resolve("a.c");
        // 1000 constant bytes, 16 initialized and 64 zeroed int32s (ints rather than pointers: on the host a
        // pointer table would land in .data.rel.ro).
        Files.writeString(a, """
                #include <stdint.h>
                const int8_t table[1000] = {1, 2, 3};
                int32_t state[16] = {1};
                int32_t scratch[64];
                int32_t sum(int32_t n) { int32_t s = 0; for (int32_t i = 0; i < n; i++) { s += table[i] * state[i & 15]; scratch[i & 63] = s; } return s; }
                """);
        Path b = tmp.resolve("b.c");
        Files.writeString(b, """
                #include <stdint.h>
                static const int16_t lut[100] = {7};
                int16_t look(uint8_t i) { return lut[i % 100]; }
                """);
        Path work = Files.createDirectories(tmp.resolve("objects"));
        ObjectSizes one = ObjectSizes.measure(target, List.of(a), List.of(), work);
        ObjectSizes both = ObjectSizes.measure(target, List.of(a, b), List.of(), work);
        assertThat(one.rodataBytes()).isGreaterThanOrEqualTo(1000).isLessThan(1100);
        assertThat(one.dataBytes()).isEqualTo(64);
        assertThat(one.bssBytes()).isEqualTo(256);
        assertThat(one.textBytes()).isPositive();
        // The second object adds its 200-byte table and its function.
        assertThat(both.rodataBytes() - one.rodataBytes()).isGreaterThanOrEqualTo(200).isLessThan(300);
        assertThat(both.textBytes()).isGreaterThan(one.textBytes());
        assertThat(both.dataBytes()).isEqualTo(one.dataBytes());
    }

    /**
     * A run keeps each source's object file (what its image was linked from): measured with {@link
     * ObjectSizes#of}, the figures equal those of a separate compile ({@link ObjectSizes#measure}), so
     * verify reads a model's figures from the run's own objects and compiles nothing twice.
     */
    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"HOST", "CORTEX_M4", "NEON"})
    void theObjectsARunLinkedMeasureAsASeparateCompile(Target target) throws Exception {
        Assumptions.assumeTrue(Tools.missingBuildTools(target).isEmpty(), "no " + target + " toolchain");
        Assumptions.assumeTrue(LocalEmulator.INSTANCE.missing(target).isEmpty(), "no emulator for " + target);
        Path model = tmp.resolve("model.c");
        Files.writeString(model, """
                #include <stdint.h>
                const int8_t weights[300] = {1, 2, 3};
                int32_t state[8] = {1};
                int32_t acc[32];
                int32_t infer(int32_t n) { int32_t s = 0; for (int32_t i = 0; i < n; i++) { s += weights[i] * state[i & 7]; acc[i & 31] = s; } return s; }
                """);
        Path main = tmp.resolve("main.c");
        Files.writeString(main, """
                #include <stdint.h>
                #include "board.h"
                int32_t infer(int32_t n);
                int main(void) { board_write_int(infer(300)); board_write("\\n"); board_exit(0); }
                """);
        RunResult r;
        try (LocalQemuRunner runner = new LocalQemuRunner(BoardSupport.at(Toolchains.boardsDir()), tmp.resolve("run"))) {
            r = runner.run(target, List.of(main, model), List.of(), java.time.Duration.ofSeconds(60));
        }
        assertThat(r.passed()).as(r.stdout() + r.stderr()).isTrue();
        assertThat(r.objects().keySet()).containsExactly(main, model);
        assertThat(r.objects().values()).allSatisfy(o -> assertThat(o).isRegularFile());
        ObjectSizes fromRun = ObjectSizes.of(target, List.of(r.objects().get(model)));
        ObjectSizes separate = ObjectSizes.measure(target, List.of(model), List.of(),
                Files.createDirectories(tmp.resolve("objects")));
        assertThat(fromRun).isEqualTo(separate);
        assertThat(fromRun.rodataBytes()).isGreaterThanOrEqualTo(300);
        assertThat(fromRun.bssBytes()).isEqualTo(128);
    }

    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"HOST"})
    void aSourceThatDoesNotCompileIsReported(Target target) throws Exception {
        Assumptions.assumeTrue(Tools.missingBuildTools(target).isEmpty(), "no " + target + " toolchain");
        Path bad = tmp.resolve("bad.c");
        Files.writeString(bad, "int f( {\n");
        assertThatThrownBy(() -> ObjectSizes.measure(target, List.of(bad), List.of(), tmp))
                .isInstanceOf(RunnerException.class).hasMessageContaining("compiling bad.c for");
    }
}
