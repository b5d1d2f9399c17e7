package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a report came from: version, command line, the files read with their SHA-256, the date. */
class ProvenanceTest {
    @TempDir
    Path tmp;

    @Test
    void theCommandLineIsQuotedAndShowsControlCharacters() {
        assertThat(Provenance.commandLine(List.of("build", "m.h5", "--target", "cortex-m4")))
                .isEqualTo("mcugen build m.h5 --target cortex-m4");
        // Spaces and shell characters quoted as a shell takes them back; a quote inside closes and reopens.
        assertThat(Provenance.commandLine(List.of("build", "my model.h5", "--out", "it's")))
                .isEqualTo("mcugen build 'my model.h5' --out 'it'\\''s'");
        // An escape sequence or a bidi override in a file name shows as U+XXXX: nothing reaches a terminal or page raw.
        String line = Provenance.commandLine(List.of("build", "a\u001b[31mb\u202e.h5"));
        assertThat(line).isEqualTo("mcugen build 'aU+001B[31mbU+202E.h5'").doesNotContain("\u001b", "\u202e");
    }

    @Test
    void theVersionIsTheProjects() {
        // Filtered into mcugen.properties by Maven: never the placeholder.
        assertThat(Provenance.version()).isNotBlank().doesNotContain("${").matches("\\d+\\.\\d+.*");
    }

    @Test
    void everyFileReadIsListedOnceWithItsSha256() throws Exception {
        Path model = tmp.resolve("m.onnx");
        Files.write(model, "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Path data = tmp.resolve("x.npy");
        Files.write(data, new byte[0]);
        Map<String, List<Path>> files = new LinkedHashMap<>();
        files.put("model", List.of(model));
        files.put("calibration", List.of(data));
        files.put("data", List.of(data));
        Instant before = Instant.now().minusSeconds(1);
        JsonNode p = Provenance.json(List.of("verify", model.toString()), files);
        assertThat(p.get("files")).hasSize(2);
        assertThat(p.get("files").get(0).get("role").asText()).isEqualTo("model");
        // SHA-256("abc"), the FIPS 180-2 example.
        assertThat(p.get("files").get(0).get("sha256").asText())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(p.get("files").get(0).get("bytes").asLong()).isEqualTo(3);
        assertThat(p.get("files").get(1).get("role").asText()).isEqualTo("calibration");
        assertThat(Instant.parse(p.get("generated_utc").asText())).isAfter(before);
        assertThat(p.get("generated_utc").asText()).endsWith("Z");
        assertThat(p.get("command_line").asText()).startsWith("mcugen verify ");
    }

    @Test
    void aTfjsModelListsItsWeightFiles() {
        List<Path> files = Provenance.modelFiles(CliTest.HAR.resolve("model.json"));
        assertThat(files).hasSize(6);
        assertThat(files.get(0).getFileName()).hasToString("model.json");
        assertThat(files.subList(1, 6)).allSatisfy(f -> assertThat(f.getFileName().toString()).endsWith(".bin"));
    }
}
