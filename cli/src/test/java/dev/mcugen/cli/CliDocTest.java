package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** docs/cli.md names every command and every option the command line accepts. */
class CliDocTest {
    @Test
    void everyCommandAndOptionIsDocumented() throws Exception {
        String doc = Files.readString(CliTest.ROOT.resolve("docs/cli.md"));
        CommandLine cl = new CommandLine(new Main());
        assertThat(cl.getSubcommands()).isNotEmpty();
        for (var e : cl.getSubcommands().entrySet()) {
            assertThat(doc).as("section for %s", e.getKey()).contains("## `" + e.getKey() + "`");
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                assertThat(doc).as("%s %s", e.getKey(), o.longestName()).contains("`" + o.longestName());
            }
        }
    }
}
