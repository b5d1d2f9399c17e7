package dev.mcugen.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A program compiled for one Cortex-M target runs on the QEMU board of another whose core executes
 * its instruction set (what {@code verify} does with a model too big for the target's own board):
 * same output, and the same instruction count as on its own board.
 */
class BiggerBoardRunTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path work;

    private static LocalQemuRunner runner;

    @BeforeAll
    static void setUp() {
        runner = new LocalQemuRunner(BoardSupport.at(Toolchains.boardsDir()), work);
    }

    /** 250 000 iterations of subs + branch (500 001 instructions) built for cortex-m0, run on each bigger core. */
    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"CORTEX_M3", "CORTEX_M4", "CORTEX_M33", "CORTEX_M55"})
    void anArmv6MProgramRunsOnABiggerCoreWithTheSameInstructionCount(Target machine) {
        Toolchains.require(Target.CORTEX_M0);
        RunResult own = runner.run(Target.CORTEX_M0, List.of(Toolchains.program("calibrate.c")), List.of(), TIMEOUT,
                line -> { });
        RunResult bigger = runner.run(Target.CORTEX_M0, machine, List.of(Toolchains.program("calibrate.c")), List.of(),
                TIMEOUT, line -> { });

        assertThat(bigger.passed()).as(bigger.stdout() + bigger.stderr()).isTrue();
        assertThat(bigger.stdout()).isEqualTo("calibrated\n");
        long expected = 2L * 250_000 + 1;
        assertThat(bigger.instructionCounts()).hasSize(1);
        assertThat(bigger.instructionCounts().get(0)).isBetween(expected - expected / 100, expected + expected / 100);
        // The same program: the counts differ by at most one SysTick tick of the coarser board (62.5 on the micro:bit).
        assertThat(Math.abs(bigger.instructionCounts().get(0) - own.instructionCounts().get(0))).isLessThanOrEqualTo(63);
        // Built for cortex-m0 all the same: the image has the same code size (the link script differs only in addresses).
        assertThat(bigger.size().text()).isEqualTo(own.size().text());
    }

    @Test
    void codeTheBoardsCoreCannotRunIsRefused() {
        assertThatThrownBy(() -> runner.run(Target.CORTEX_M4, Target.CORTEX_M0, List.of(Toolchains.program("hello.c")),
                List.of(), TIMEOUT, line -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cortex-m0 board's core cannot run cortex-m4 code");
        assertThatThrownBy(() -> runner.run(Target.CORTEX_M55, Target.CORTEX_M33, List.of(Toolchains.program("hello.c")),
                List.of(), TIMEOUT, line -> { }))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
