package dev.mcugen.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.scale.QuantOptions.Target;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BoardCatalogTest {
    private static final long K = 1024;
    private static final long M = 1024 * 1024;

    @Test
    void theAskedPartsWithTheirDataSheetFigures() {
        check("stm32f411", Core.CORTEX_M4, 512 * K, 128 * K, "DS10314");
        check("stm32l4r5", Core.CORTEX_M4, 2 * M, 640 * K, "DS12023");
        check("stm32h743", Core.CORTEX_M7, 2 * M, M, "DS12110");
        check("nrf52840", Core.CORTEX_M4, M, 256 * K, "nRF52840 Product Specification");
        check("nrf5340", Core.CORTEX_M33, M, 512 * K, "nRF5340 Product Specification");
        check("rp2040", Core.CORTEX_M0PLUS, 2 * M, 264 * K, "RP-008371-DS");
        check("rp2350", Core.CORTEX_M33, 4 * M, 520 * K, "RP-008373-DS");
        check("samd21", Core.CORTEX_M0PLUS, 256 * K, 32 * K, "DS40001882");
        check("lpc55s69", Core.CORTEX_M33, 640 * K, 320 * K, "LPC55S6x");
        check("imxrt1062", Core.CORTEX_M7, 8 * M, M, "IMXRT1060CEC");
    }

    private static void check(String name, Core core, long flash, long ram, String source) {
        BoardCatalog.Board b = BoardCatalog.board(name);
        assertThat(b.core()).as(name).isEqualTo(core);
        assertThat(b.flashBytes()).as(name).isEqualTo(flash);
        assertThat(b.ramBytes()).as(name).isEqualTo(ram);
        assertThat(b.source()).as(name).contains(source);
    }

    @Test
    void namesAreUniqueLowerCaseAndFoundInAnyCase() {
        Set<String> seen = new HashSet<>();
        for (BoardCatalog.Board b : BoardCatalog.all()) {
            assertThat(b.name()).matches("[a-z0-9]+");
            assertThat(seen.add(b.name())).as(b.name()).isTrue();
            assertThat(b.source()).isNotBlank();
        }
        assertThat(BoardCatalog.find("NRF52840")).map(BoardCatalog.Board::name).hasValue("nrf52840");
        assertThat(BoardCatalog.find("list")).isEmpty();
    }

    @Test
    void partsWithoutInternalFlashSayWhoseFlashIsCounted() {
        assertThat(BoardCatalog.board("rp2040").part()).contains("Raspberry Pi Pico").contains("2 MiB");
        assertThat(BoardCatalog.board("rp2350").part()).contains("Pico 2").contains("4 MiB");
        assertThat(BoardCatalog.board("imxrt1062").part()).contains("Teensy 4.1").contains("8 MiB");
    }

    @Test
    void anUnknownBoardListsTheNames() {
        assertThatThrownBy(() -> BoardCatalog.board("esp32"))
                .isInstanceOfSatisfying(McugenException.class, e -> {
                    assertThat(e.diag()).isEqualTo(Diag.MCG_CLI_UNKNOWN_BOARD);
                    assertThat(e.getMessage()).contains("'esp32'").contains(BoardCatalog.names()).doesNotContain("\n");
                });
    }

    @Test
    void theTableListsEveryBoardWithItsTarget() {
        String t = BoardCatalog.table();
        assertThat(t.lines()).hasSize(BoardCatalog.all().size() + 1);
        assertThat(t).contains("rp2040      Cortex-M0+  cortex-m0       2 MiB   264 KiB");
    }

    @Test
    void coresRunOlderInstructionSetsOnly() {
        assertThat(Core.CORTEX_M0PLUS.runs(Target.CORTEX_M0)).isTrue();
        assertThat(Core.CORTEX_M0PLUS.runs(Target.CORTEX_M3)).isFalse();
        assertThat(Core.CORTEX_M4.runs(Target.CORTEX_M0)).isTrue();
        assertThat(Core.CORTEX_M4.runs(Target.CORTEX_M3)).isTrue();
        assertThat(Core.CORTEX_M4.runs(Target.CORTEX_M7)).isTrue();
        assertThat(Core.CORTEX_M4.runs(Target.CORTEX_M33)).isFalse();
        assertThat(Core.CORTEX_M7.runs(Target.CORTEX_M4)).isTrue();
        assertThat(Core.CORTEX_M33.runs(Target.CORTEX_M4)).isTrue();
        assertThat(Core.CORTEX_M33.runs(Target.CORTEX_M55)).isFalse();
        assertThat(Core.CORTEX_M55.runs(Target.CORTEX_M33)).isTrue();
        for (Core c : Core.values()) {
            assertThat(c.runs(c.target())).as(c.label()).isTrue();
            assertThat(c.runs(Target.HOST)).isFalse();
            assertThat(c.runs(Target.NEON)).isFalse();
        }
    }
}
