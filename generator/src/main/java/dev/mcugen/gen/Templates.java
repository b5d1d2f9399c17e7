package dev.mcugen.gen;

import freemarker.template.Configuration;
import freemarker.template.DefaultObjectWrapperBuilder;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Locale;
import java.util.Map;

/**
 * The FreeMarker set-up: templates from the generator jar ({@code dev/mcugen/gen/templates/}, the
 * project's {@code templates/} folder), RETHROW so that a missing value fails the build, no
 * locale-dependent number formatting (the view model holds strings only anyway).
 */
public final class Templates {
    /** Where the .ftl files are packaged inside the jar. */
    static final String PATH = "/dev/mcugen/gen/templates";

    private final Configuration cfg;

    public Templates() {
        this(new Configuration(Configuration.VERSION_2_3_34));
        cfg.setClassForTemplateLoading(Templates.class, PATH);
    }

    /** A renderer over a caller-made configuration (tests point it at other templates). */
    public Templates(Configuration cfg) {
        this.cfg = cfg;
        cfg.setDefaultEncoding("UTF-8");
        cfg.setLocale(Locale.ROOT);
        cfg.setNumberFormat("computer");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setObjectWrapper(new DefaultObjectWrapperBuilder(Configuration.VERSION_2_3_34).build());
    }

    /** Renders template {@code name} with {@code model} bound as {@code m}. */
    public String render(String name, Object model) {
        try {
            Template t = cfg.getTemplate(name);
            StringWriter w = new StringWriter();
            t.process(Map.of("m", model), w);
            return w.toString();
        } catch (IOException | TemplateException e) {
            throw new IllegalStateException("template " + name + ": " + e.getMessage(), e);
        }
    }
}
