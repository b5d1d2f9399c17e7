package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.Diag;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** Every diagnostic key is documented in docs/troubleshooting.md with the exit code the CLI gives it. */
class TroubleshootingDocTest {
    @Test
    void everyKeyHasARowWithItsExitCode() throws Exception {
        String doc = Files.readString(CliTest.ROOT.resolve("docs/troubleshooting.md"));
        for (Diag d : Diag.values()) {
            String row = "| `" + d.name() + "` | " + ExitCodes.of(d.kind()) + " |";
            assertThat(doc).as("docs/troubleshooting.md row for %s", d).contains(row);
        }
    }
}
