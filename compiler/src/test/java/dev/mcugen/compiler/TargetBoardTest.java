package dev.mcugen.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.gen.GenOptions;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.scale.QuantOptions.Target;
import org.junit.jupiter.api.Test;

class TargetBoardTest {
    @Test
    void aBoardAloneCompilesForItsCore() {
        TargetBoard b = TargetBoard.resolve("rp2040", null, null, null).orElseThrow();
        assertThat(b.target()).isEqualTo(Target.CORTEX_M0);
        assertThat(b.emulated()).isFalse();
        GenOptions.Budget budget = b.budget();
        assertThat(budget.flashBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(budget.ramBytes()).isEqualTo(264 * 1024);
        assertThat(budget.stackBytes()).isEqualTo(BoardCatalog.STACK_RESERVE_BYTES);
        assertThat(budget.where()).isEqualTo("board rp2040 (RP2040 on a Raspberry Pi Pico (2 MiB QSPI flash), Cortex-M0+)");
        assertThat(TargetBoard.resolve("nrf5340", null, null, null).orElseThrow().target()).isEqualTo(Target.CORTEX_M33);
        assertThat(TargetBoard.resolve("stm32h743", null, null, null).orElseThrow().target()).isEqualTo(Target.CORTEX_M7);
    }

    @Test
    void anOlderTargetIsAcceptedANewerOneRefused() {
        assertThat(TargetBoard.resolve("nrf52840", null, null, Target.CORTEX_M0).orElseThrow().target())
                .isEqualTo(Target.CORTEX_M0);
        assertThatThrownBy(() -> TargetBoard.resolve("rp2040", null, null, Target.CORTEX_M4))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_CLI_BOARD_TARGET);
                    assertThat(e.getMessage()).contains("cortex-m4 (Armv7E-M) cannot run on rp2040's Cortex-M0+ (Armv6-M)");
                });
        assertThatThrownBy(() -> TargetBoard.resolve("samd21", null, null, Target.HOST))
                .isInstanceOfSatisfying(McugenException.class, e -> assertThat(e.diag()).isEqualTo(Diag.MCG_CLI_BOARD_TARGET));
    }

    @Test
    void flashAndRamReplaceTheBoardsFiguresOrMakeABoardOfTheirOwn() {
        TargetBoard b = TargetBoard.resolve("rp2040", "16M", null, null).orElseThrow();
        assertThat(b.flashBytes()).isEqualTo(16L * 1024 * 1024);
        assertThat(b.ramBytes()).isEqualTo(264 * 1024);
        assertThat(b.source()).endsWith("; flash from --flash 16M");

        TargetBoard custom = TargetBoard.resolve(null, "1M", "64K", Target.CORTEX_M0).orElseThrow();
        assertThat(custom.name()).isEqualTo("custom");
        assertThat(custom.flashBytes()).isEqualTo(1024 * 1024);
        assertThat(custom.ramBytes()).isEqualTo(64 * 1024);
        assertThat(custom.core()).isNull();

        // Host has no QEMU board: the figure not given is unlimited.
        TargetBoard host = TargetBoard.resolve(null, null, "64K", null).orElseThrow();
        assertThat(host.target()).isEqualTo(Target.HOST);
        assertThat(host.flashBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(host.ramBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void withoutBoardOptionsACortexMTargetKeepsItsQemuBoard() {
        TargetBoard b = TargetBoard.resolve(null, null, null, Target.CORTEX_M0).orElseThrow();
        assertThat(b.emulated()).isTrue();
        assertThat(b.budget()).isEqualTo(Boards.budget(Target.CORTEX_M0));
        assertThat(TargetBoard.resolve(null, null, null, null)).isEmpty();
        assertThat(TargetBoard.resolve(null, null, null, Target.NEON)).isEmpty();
    }

    @Test
    void verifyRunsOnTheTargetsBoardWhenItFitsElseOnABiggerCoreThatRunsTheCode() {
        assertThat(Boards.emulatorFor(Target.CORTEX_M0, 100_000, 1_000)).hasValue(Target.CORTEX_M0);
        // 410 KB of constants: not the micro:bit (256 KiB), the Cortex-M3 of mps2-an385.
        assertThat(Boards.emulatorFor(Target.CORTEX_M0, 420_000, 1_000)).hasValue(Target.CORTEX_M3);
        // 20 KiB of context does not fit the micro:bit's 16 KiB of RAM either.
        assertThat(Boards.emulatorFor(Target.CORTEX_M0, 1_000, 20_000)).hasValue(Target.CORTEX_M3);
        // The M55's own board has 2 MiB of code memory and nothing else runs Armv8.1-M.
        assertThat(Boards.emulatorFor(Target.CORTEX_M55, 3_000_000, 1_000)).isEmpty();
        assertThat(Boards.emulatorFor(Target.CORTEX_M33, 3_000_000, 1_000)).hasValue(Target.CORTEX_M33);
        assertThat(Boards.emulatorFor(Target.CORTEX_M4, 5_000_000, 1_000)).isEmpty();
        assertThat(Boards.emulatorFor(Target.HOST, 1, 1)).isEmpty();
    }
}
