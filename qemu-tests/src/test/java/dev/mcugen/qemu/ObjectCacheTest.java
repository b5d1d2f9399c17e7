package dev.mcugen.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object cache's key is the translation unit: the same source and headers from another folder
 * share it (and the cached object equals a fresh compile byte for byte), while a changed header, a
 * macro, a flag or another target's CPU flags each make another key.
 */
class ObjectCacheTest {
    @TempDir
    Path tmp;

    private static final String KERNEL = """
            #include "k.h"
            int32_t k(int32_t x) { return x * SCALE + 1; }
            """;

    private Path unit(String folder, String header) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(folder));
        Files.createDirectories(d.resolve("include"));
        Files.writeString(d.resolve("include/k.h"), header);
        return Files.writeString(d.resolve("k.c"), KERNEL);
    }

    private static List<String> compile(Target t, Path source, String... extra) {
        List<String> cc = new ArrayList<>(List.of(t.compiler()));
        cc.addAll(t.cpuFlags());
        cc.add("-O2");
        cc.addAll(List.of(extra));
        cc.add("-I" + source.getParent().resolve("include"));
        return cc;
    }

    private String key(Target t, Path source, String... extra) {
        return ObjectCache.key(compile(t, source, extra), source, tmp.resolve("k.i"), t);
    }

    @Test
    void theKeyIsTheTranslationUnitNotItsFolder() throws Exception {
        Assumptions.assumeTrue(Tools.missingBuildTools(Target.HOST).isEmpty(), "no host compiler");
        String header = "#include <stdint.h>\n#define SCALE 3\n";
        Path a = unit("a", header);
        Path b = unit("b", header);
        Path c = unit("c", "#include <stdint.h>\n#define SCALE 4\n");
        assertThat(key(Target.HOST, b)).isEqualTo(key(Target.HOST, a));
        assertThat(key(Target.HOST, c)).as("another header content").isNotEqualTo(key(Target.HOST, a));
        assertThat(key(Target.HOST, a, "-DEXTRA=1")).as("another flag").isNotEqualTo(key(Target.HOST, a));
        assertThat(key(Target.HOST, a, "-O3")).as("another optimisation").isNotEqualTo(key(Target.HOST, a));
        assertThat(tmp.resolve("k.i")).as("the preprocessed text is not left behind").doesNotExist();
        if (Tools.missingBuildTools(Target.CORTEX_M4).isEmpty() && Tools.missingBuildTools(Target.CORTEX_M7).isEmpty()) {
            assertThat(key(Target.CORTEX_M4, a)).as("another CPU").isNotEqualTo(key(Target.CORTEX_M7, a));
        }
    }

    @Test
    void aCachedObjectIsTheObjectAFreshCompileMakes() throws Exception {
        Assumptions.assumeTrue(Tools.missingBuildTools(Target.HOST).isEmpty(), "no host compiler");
        String header = "#include <stdint.h>\n#define SCALE 5\n";
        Path a = unit("a", header);
        Path b = unit("b", header);
        Path objA = tmp.resolve("a.o");
        Path objB = tmp.resolve("b.o");
        // A macro no other test uses: a key no other test can have made.
        String define = "-DOBJECT_CACHE_TEST=" + System.nanoTime();
        String k = key(Target.HOST, a, define);
        assertThat(ObjectCache.fetch(k, objA)).as("nothing cached yet").isFalse();
        List<String> cmd = new ArrayList<>(compile(Target.HOST, a, define));
        cmd.addAll(List.of("-c", a.toString(), "-o", objA.toString()));
        assertThat(ProcessRunner.run(cmd, tmp, java.time.Duration.ofMinutes(1)).exitCode()).isZero();
        ObjectCache.store(k, objA);
        // The same unit from folder b: a hit, and byte for byte what compiling b itself makes.
        assertThat(key(Target.HOST, b, define)).isEqualTo(k);
        assertThat(ObjectCache.fetch(k, objB)).isTrue();
        List<String> fresh = new ArrayList<>(compile(Target.HOST, b, define));
        Path objFresh = tmp.resolve("fresh.o");
        fresh.addAll(List.of("-c", b.toString(), "-o", objFresh.toString()));
        assertThat(ProcessRunner.run(fresh, tmp, java.time.Duration.ofMinutes(1)).exitCode()).isZero();
        assertThat(Files.readAllBytes(objB)).isEqualTo(Files.readAllBytes(objFresh));
        assertThat(ObjectSizes.of(Target.HOST, List.of(objB))).isEqualTo(ObjectSizes.of(Target.HOST, List.of(objFresh)));
    }
}
