package dev.mcugen.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class LocalQemuRunnerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path work;

    private static LocalQemuRunner runner;

    @BeforeAll
    static void setUp() {
        runner = new LocalQemuRunner(BoardSupport.at(Toolchains.boardsDir()), work);
    }

    private static RunResult run(Target target, String program) {
        Toolchains.require(target);
        return runner.run(target, List.of(Toolchains.program(program)), List.of(), TIMEOUT);
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void helloWorldPrintsAndExitsZero(Target target) {
        RunResult r = run(target, "hello.c");

        assertThat(r.stdout()).isEqualTo(
                "hello from mcugen\nint -2147483648\nuint 4294967295\nhex 0xdeadbeef\n");
        assertThat(r.exitCode()).isZero();
        assertThat(r.status()).isEqualTo(RunResult.Status.PASSED);
        assertThat(r.size().text()).isPositive();
        assertThat(r.image()).exists();
        if (target.isCortexM()) {
            assertThat(r.size().flashBytes()).as("hello-world image").isLessThan(4096);
        }
    }

    /** The progress listener sees every line the program prints (followed live on Cortex-M), markers left out. */
    @ParameterizedTest
    @EnumSource(Target.class)
    void progressListenerSeesEveryOutputLine(Target target) {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunResult r = runner.run(target, List.of(Toolchains.program("inferences.c")), List.of(), TIMEOUT, seen::add);
        assertThat(r.passed()).isTrue();
        assertThat(seen).isNotEmpty().containsExactlyElementsOf(r.stdout().lines().toList());
        assertThat(seen).noneMatch(l -> l.startsWith("@mcugen"));
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void nonZeroExitIsAFailure(Target target) {
        RunResult r = run(target, "exit1.c");

        assertThat(r.status()).isEqualTo(RunResult.Status.FAILED);
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.passed()).isFalse();
        assertThat(r.stdout()).isEqualTo("failing on purpose\n");
    }

    @ParameterizedTest
    @EnumSource(Target.class)
    void hardFaultIsReportedNotHung(Target target) {
        RunResult r = run(target, "hardfault.c");

        assertThat(r.status()).isEqualTo(RunResult.Status.FAULT);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stdout()).startsWith("about to fault\n").doesNotContain("still alive");
        if (target.isCortexM()) {
            assertThat(r.stdout()).contains("*** HardFault pc=0x00001000");
        }
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"CORTEX_M0", "NEON"})
    void endlessProgramIsKilledAtTheTimeout(Target target) {
        Toolchains.require(target);
        RunResult r = runner.run(target, List.of(Toolchains.program("forever.c")), List.of(), Duration.ofSeconds(1));

        assertThat(r.status()).isEqualTo(RunResult.Status.TIMEOUT);
        assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(8));
    }

    /** 250 000 iterations of subs + branch: 500 001 instructions, counted within 1 %. */
    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"CORTEX_M0", "CORTEX_M3", "CORTEX_M4", "CORTEX_M7", "CORTEX_M33", "CORTEX_M55", "NEON"})
    void countsALoopOfKnownLength(Target target) {
        RunResult r = run(target, "calibrate.c");

        assertThat(r.passed()).as(r.stdout() + r.stderr()).isTrue();
        assertThat(r.stdout()).isEqualTo("calibrated\n");
        assertThat(r.instructionCounts()).hasSize(1);
        long expected = 2L * 250_000 + 1;
        assertThat(r.instructionCounts().get(0)).isBetween(expected - expected / 100, expected + expected / 100);
        if (target == Target.NEON) {
            // Exact, as before stack painting moved into board_count_begin: its ret and the call of end.
            assertThat(r.instructionCounts().get(0)).isEqualTo(expected + 2);
        }
    }

    /**
     * Counting only the counted regions (traced re-run through a pipe, stopped after the last region)
     * gives exactly what tracing the whole run into a file and counting between the markers gives.
     */
    @ParameterizedTest
    @ValueSource(strings = {"calibrate.c", "regions.c", "stack.c"})
    void neonCountsEqualTheWholeRunTrace(String program) throws IOException {
        RunResult r = run(Target.NEON, program);
        assertThat(r.passed()).as(r.stdout() + r.stderr()).isTrue();

        Path trace = work.resolve(program + ".trace.log");
        ProcessRunner.Outcome whole = ProcessRunner.run(List.of(Target.QEMU_AARCH64, "-singlestep", "-d", "exec,nochain",
                "-D", trace.toString(), r.image().toString()), work, TIMEOUT);
        assertThat(whole.exitCode()).isZero();
        List<Long> expected = countWholeTrace(trace);
        Files.delete(trace);

        assertThat(expected).isNotEmpty();
        assertThat(r.instructionCounts()).isEqualTo(expected);
    }

    /** The counting of the whole-run trace as it was done before (every line read from a file). */
    private static List<Long> countWholeTrace(Path trace) throws IOException {
        List<Long> counts = new ArrayList<>();
        long n = -1;
        try (BufferedReader r = Files.newBufferedReader(trace, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.startsWith("Trace ")) {
                    continue;
                }
                if (line.endsWith(" mcugen_count_start")) {
                    n = Math.max(n, 0) + 1;
                } else if (line.endsWith(" board_count_end")) {
                    if (n >= 0) {
                        counts.add(n);
                    }
                    n = -1;
                } else if (n >= 0) {
                    n++;
                }
            }
        }
        return counts;
    }

    /** Regions of 2n + 1 loop instructions plus the same small marker overhead, on every counting target. */
    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"CORTEX_M0", "CORTEX_M3", "CORTEX_M4", "CORTEX_M7", "CORTEX_M33", "CORTEX_M55", "NEON"})
    void countsEachRegionSeparately(Target target) {
        RunResult r = run(target, "regions.c");

        assertThat(r.stdout()).isEqualTo("regions\n");
        assertThat(r.instructionCounts()).hasSize(3);
        long[] loops = {1000, 5000, 20000};
        for (int i = 0; i < 3; i++) {
            long loop = 2 * loops[i] + 1;
            if (target.isCortexM()) {
                assertThat(r.instructionCounts().get(i)).isBetween(loop - 70, loop + 70); // one SysTick tick
            } else {
                assertThat(r.instructionCounts().get(i)).isEqualTo(loop + 2); // begin's ret, the call of end
            }
        }
        assertThat(r.stackBytes()).hasSize(3);
    }

    /**
     * The verify harness's shape: 20 inferences of about a million instructions, the first counted.
     * Only start-up and that inference are traced, so this stays a few seconds however many follow.
     */
    @Test
    void neonCountsOneInferenceOfTwentyQuickly() {
        long start = System.nanoTime();
        RunResult r = run(Target.NEON, "inferences.c");
        Duration total = Duration.ofNanos(System.nanoTime() - start);

        assertThat(r.passed()).as(r.stdout() + r.stderr()).isTrue();
        assertThat(r.stdout().lines().filter(l -> l.startsWith("y "))).hasSize(20);
        assertThat(r.stdout()).endsWith("done\n");
        assertThat(r.instructionCounts()).hasSize(1);
        assertThat(r.instructionCounts().get(0)).isBetween(600_000L, 2_000_000L);
        assertThat(total).as("build, run and counting re-run").isLessThan(Duration.ofSeconds(15));
    }

    /** Every target reports the stack of each counted region: more than the 4 × 256-byte frames. */
    @ParameterizedTest
    @EnumSource(Target.class)
    void measuresTheStackOfEachRegion(Target target) {
        RunResult r = run(target, "stack.c");

        assertThat(r.passed()).as(r.stdout() + r.stderr()).isTrue();
        assertThat(r.stdout()).isEqualTo("sum 1032\n");
        assertThat(r.stackBytes()).hasSize(2);
        assertThat(r.stackBytes().get(0)).isBetween(4L * 256, 4L * 256 + 512);
        // An empty region reads as the unpainted margin below board_count_begin's stack pointer.
        assertThat(r.stackBytes().get(1)).isLessThanOrEqualTo(128L);
    }

    @Test
    void hostDoesNotCount() {
        RunResult r = run(Target.HOST, "calibrate.c");

        assertThat(r.passed()).isTrue();
        assertThat(r.instructionCounts()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Target.class, names = {"CORTEX_M0", "CORTEX_M3", "CORTEX_M4", "CORTEX_M7", "CORTEX_M33", "CORTEX_M55"})
    void integerCodeLinksNoSoftFloat(Target target) {
        RunResult ints = run(target, "integer_only.c");
        assertThat(ints.stdout()).isEqualTo("q " + expectedQ() + "\n");
        assertThat(Symbols.softFloat(target, ints.image())).isEmpty();

        RunResult floats = run(target, "uses_float.c");
        assertThat(floats.stdout()).isEqualTo("5\n"); // (int) 4.5f + (int) 1.5
        assertThat(Symbols.softFloat(target, floats.image()))
                .anyMatch(s -> s.startsWith("__aeabi_f"))
                .anyMatch(s -> s.startsWith("__aeabi_d"));
    }

    private static String expectedQ() {
        int acc = 0;
        for (int i = 0; i < 16; i++) {
            acc += (byte) (i * 7 - 50) * (byte) (30 - i * 3);
        }
        int q = acc >> 4;
        return Integer.toString(Math.max(-128, Math.min(127, q)));
    }

    @Test
    void buildErrorsAreRunnerExceptionsWithTheCompilerOutput() throws IOException {
        Toolchains.require(Target.CORTEX_M3);
        Path bad = Files.writeString(work.resolve("bad.c"), "int main(void) { return undeclared; }\n");

        assertThatThrownBy(() -> runner.run(Target.CORTEX_M3, List.of(bad), List.of(), TIMEOUT))
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("build for cortex-m3 failed")
                .hasMessageContaining("undeclared");
    }

    @Test
    void m0RefusesToLinkMoreThanItsRam() throws IOException {
        Toolchains.require(Target.CORTEX_M0);
        Path big = Files.writeString(work.resolve("big.c"),
                "#include \"board.h\"\nstatic volatile char arena[15 * 1024];\n"
                        + "int main(void) { arena[0] = 1; return arena[0] - 1; }\n");

        assertThatThrownBy(() -> runner.run(Target.CORTEX_M0, List.of(big), List.of(), TIMEOUT))
                .isInstanceOf(RunnerException.class)
                .hasMessageContaining("RAM overflow");
    }

    @Test
    void describesItselfAsLocalQemu() {
        assertThat(runner.description()).contains("local QEMU");
    }

    @Test
    void bundledBoardSupportMatchesTheFolder(@TempDir Path dir) throws IOException {
        BoardSupport bundled = BoardSupport.bundled(dir);
        Path source = Toolchains.boardsDir();
        List<String> onDisk;
        try (Stream<Path> files = Files.walk(source)) {
            onDisk = files.filter(Files::isRegularFile).map(p -> source.relativize(p).toString()).sorted().toList();
        }
        assertThat(BoardSupport.FILES).containsExactlyInAnyOrderElementsOf(onDisk);
        for (String f : onDisk) {
            assertThat(bundled.root().resolve(f)).hasSameBinaryContentAs(source.resolve(f));
        }
    }

    @Test
    void targetsByCommandLineName() {
        assertThat(Target.fromId("cortex-m0")).isEqualTo(Target.CORTEX_M0);
        assertThat(Target.fromId("neon").emulator()).contains("qemu-aarch64");
        assertThat(Target.CORTEX_M4.board()).contains("mps2-an386");
        assertThat(Target.fromId("cortex-m33").board()).contains("mps2-an505");
        assertThat(Target.fromId("cortex-m55").board()).contains("mps3-an547");
        assertThatThrownBy(() -> Target.fromId("esp32")).hasMessageContaining("cortex-m7");
    }

    // A program compiled for one Cortex-M target runs on the QEMU board of another whose core executes
    // its instruction set (what verify does with a model too big for the target's own board): same
    // output, and the same instruction count as on its own board.

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
