package dev.mcugen.gen;

import freemarker.cache.StringTemplateLoader;
import freemarker.template.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TemplatesTest {
    @Test
    void missingValueFailsTheBuild() {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        StringTemplateLoader loader = new StringTemplateLoader();
        loader.putTemplate("t.ftl", "static const ${m.ctype} ${m.name}[${m.noSuchField}];\n");
        cfg.setTemplateLoader(loader);
        Templates t = new Templates(cfg);
        View.Array a = new View.Array("int8_t", "w", "3", "c", List.of("1, 2, 3"));
        assertThatThrownBy(() -> t.render("t.ftl", a)).hasMessageContaining("noSuchField");
    }

    @Test
    void recordsRenderThroughTheRealTemplatesAndMapsToo() {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        StringTemplateLoader loader = new StringTemplateLoader();
        loader.putTemplate("t.ftl", "${m.name}=${m.length}");
        cfg.setTemplateLoader(loader);
        assertThat(new Templates(cfg).render("t.ftl", new View.Array("int8_t", "w", "3", "c", List.of())))
                .isEqualTo("w=3");
        assertThat(new Templates(cfg).render("t.ftl", Map.of("name", "v", "length", "4"))).isEqualTo("v=4");
    }

    @Test
    void templatesFolderHoldsOnlyFtl() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("mcugen.root", "..")).resolve("templates");
        try (var s = java.nio.file.Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.endsWith(".ftl")).isNotEmpty();
        }
    }

    @Test
    void memoryPlanReusesDeadBuffers() {
        MemoryPlanner.Plan p = MemoryPlanner.plan(List.of(new MemoryPlanner.Buffer("a", 100, 0, 1),
                new MemoryPlanner.Buffer("b", 50, 1, 2), new MemoryPlanner.Buffer("c", 100, 2, 3),
                new MemoryPlanner.Buffer("d", 3, 3, 3)));
        assertThat(p.offsets()).containsEntry("a", 0).containsEntry("c", 0).containsEntry("b", 100).containsEntry("d", 100);
        assertThat(p.arenaBytes()).isEqualTo(152);
    }
}
