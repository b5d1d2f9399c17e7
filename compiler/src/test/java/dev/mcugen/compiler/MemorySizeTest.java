package dev.mcugen.compiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import org.junit.jupiter.api.Test;

class MemorySizeTest {
    @Test
    void plainBytesAndBinarySuffixesInAnyCase() {
        assertThat(MemorySize.parse("262144", "--flash")).isEqualTo(262_144);
        assertThat(MemorySize.parse("64K", "--ram")).isEqualTo(65_536);
        assertThat(MemorySize.parse("64k", "--ram")).isEqualTo(65_536);
        assertThat(MemorySize.parse("264KiB", "--ram")).isEqualTo(270_336);
        assertThat(MemorySize.parse("32 KB", "--ram")).isEqualTo(32_768);
        assertThat(MemorySize.parse("1M", "--flash")).isEqualTo(1_048_576);
        assertThat(MemorySize.parse("2MiB", "--flash")).isEqualTo(2_097_152);
        assertThat(MemorySize.parse(" 8mb ", "--flash")).isEqualTo(8_388_608);
        assertThat(MemorySize.parse("4096M", "--flash")).isEqualTo(MemorySize.MAX_BYTES);
    }

    @Test
    void anythingElseIsAOneLineUsageErrorNamingTheOption() {
        for (String bad : new String[] {"", "K", "1.5M", "-1", "64KB2", "1G", "12 bytes", "0x1000", "99999999999"}) {
            assertThatThrownBy(() -> MemorySize.parse(bad, "--ram")).as(bad)
                    .isInstanceOfSatisfying(McugenException.class, e -> {
                        assertThat(e.diag()).isEqualTo(Diag.MCG_CLI_USAGE);
                        assertThat(e.subject()).isEqualTo("--ram");
                        assertThat(e.getMessage()).doesNotContain("\n");
                    });
        }
        assertThatThrownBy(() -> MemorySize.parse("0", "--flash")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> MemorySize.parse("4097M", "--flash")).hasMessageContaining("out of range");
    }

    @Test
    void formatsAsDataSheetsWriteSizes() {
        assertThat(MemorySize.format(2 * 1024 * 1024)).isEqualTo("2 MiB");
        assertThat(MemorySize.format(264 * 1024)).isEqualTo("264 KiB");
        assertThat(MemorySize.format(1000)).isEqualTo("1,000 B");
    }
}
