package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcugen.ir.keras.LayerMapper;
import dev.mcugen.ir.onnx.OnnxImporter;
import dev.mcugen.ir.tflite.TfliteImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/model-format.md lists, per format, exactly the layers / ops its importer maps: the first column
 * of each section's table names them in backticks, and that set equals the importer's own list.
 */
class FormatDocsTest {
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

    @Test
    void kerasSectionListsEveryMappedLayerClass() throws IOException {
        assertThat(firstColumn("## 7.")).containsExactlyInAnyOrderElementsOf(LayerMapper.SUPPORTED);
    }

    @Test
    void tfliteSectionListsEveryMappedBuiltin() throws IOException {
        assertThat(firstColumn("## 8.")).containsExactlyInAnyOrderElementsOf(TfliteImporter.SUPPORTED);
    }

    @Test
    void quantizedTfliteSectionListsEveryMappedBuiltin() throws IOException {
        assertThat(firstColumn("## 10.")).containsExactlyInAnyOrderElementsOf(TfliteImporter.SUPPORTED_QUANTIZED);
    }

    @Test
    void onnxSectionListsEveryMappedOp() throws IOException {
        assertThat(firstColumn("## 9.")).containsExactlyInAnyOrderElementsOf(OnnxImporter.SUPPORTED);
    }

    /** The backticked names in the first column of the table rows of the section starting with {@code heading}. */
    private static Set<String> firstColumn(String heading) throws IOException {
        List<String> lines = Files.readAllLines(doc());
        Set<String> names = new LinkedHashSet<>();
        boolean in = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                in = line.startsWith(heading);
                continue;
            }
            if (in && line.startsWith("| `")) {
                Matcher m = TICKED.matcher(line.split("\\|")[1]);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertThat(names).as("table of section %s", heading).isNotEmpty();
        return names;
    }

    private static Path doc() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path p = d.resolve("docs/model-format.md");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new AssertionError("docs/model-format.md not found above " + Path.of("").toAbsolutePath());
    }
}
