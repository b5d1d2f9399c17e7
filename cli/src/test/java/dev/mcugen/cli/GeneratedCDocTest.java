package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/generated-c.md shows the firmware example's main.c exactly as it is built and tested. */
class GeneratedCDocTest {
    @Test
    void theDocumentedMainIsTheTestedOne() throws Exception {
        String doc = Files.readString(CliTest.ROOT.resolve("docs/generated-c.md"));
        String main = Files.readString(CliTest.ROOT.resolve("examples/firmware/main.c"));
        assertThat(doc).contains("```c\n" + main + "```");
    }
}
