package dev.mcugen.ir.interp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The float interpreter reproduces TF.js {@code model.predict} on every fixture and every example. */
class TfjsGoldenTest {
    static Path fixtures() throws URISyntaxException {
        return Path.of(TfjsGoldenTest.class.getResource("/tfjs/fixtures.json").toURI()).getParent();
    }

    static Path examples() {
        return Path.of(System.getProperty("mcugen.root", "..")).resolve("examples");
    }

    @TestFactory
    Stream<DynamicTest> fixturesMatchTfjs() throws URISyntaxException {
        List<Path> folders = FrameworkGoldens.modelFolders(fixtures());
        assertThat(folders).hasSizeGreaterThan(20);
        return folders.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> FrameworkGoldens.check(f, "input.npy", "expected.npy")));
    }

    @TestFactory
    Stream<DynamicTest> examplesMatchTfjs() {
        List<Path> folders = FrameworkGoldens.modelFolders(examples());
        assertThat(folders).extracting(p -> p.getFileName().toString())
                .contains("har_lstm", "kws_gru", "gesture_conv1d", "stacked_rnn");
        return folders.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(),
                () -> FrameworkGoldens.check(f, "test.npy", "expected.npy")));
    }

    @Test
    void everyExampleShipsItsData() {
        for (Path f : FrameworkGoldens.modelFolders(examples())) {
            for (String file : List.of("calibration.npy", "test.npy", "expected.npy", "labels.npy")) {
                assertThat(Files.isRegularFile(f.resolve(file))).as("%s/%s", f.getFileName(), file).isTrue();
            }
        }
    }
}
