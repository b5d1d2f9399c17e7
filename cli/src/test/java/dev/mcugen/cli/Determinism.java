package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Compares generated folders byte for byte. */
final class Determinism {
    private Determinism() {
    }

    /** Every regular file under {@code dir} by relative path (with '/'), mcugen's marker included. */
    static SortedMap<String, byte[]> tree(Path dir) throws IOException {
        SortedMap<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> {
                try {
                    m.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return m;
    }

    static void assertSame(SortedMap<String, byte[]> a, SortedMap<String, byte[]> b, String what) {
        assertThat(b.keySet()).as(what + ": file names").containsExactlyElementsOf(a.keySet());
        for (String k : a.keySet()) {
            assertThat(b.get(k)).as(what + ": " + k).isEqualTo(a.get(k));
        }
    }
}
