package dev.mcugen.gen;

import freemarker.template.Configuration;
import freemarker.template.DefaultObjectWrapperBuilder;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
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
        StringWriter w = new StringWriter();
        try {
            render(name, model, w);
        } catch (IOException e) {
            throw new IllegalStateException("template " + name + ": " + e.getMessage(), e);
        }
        return w.toString();
    }

    /**
     * Renders template {@code name} with {@code model} bound as {@code m} into {@code out}, as it
     * goes (a model's C file can be larger than a Java string). Failures of {@code out} are thrown
     * as they are; template errors as {@link IllegalStateException}.
     */
    public void render(String name, Object model, Writer out) throws IOException {
        Template t;
        try {
            t = cfg.getTemplate(name);
        } catch (IOException e) {
            throw new IllegalStateException("template " + name + ": " + e.getMessage(), e);
        }
        try {
            t.process(Map.of("m", model), out);
        } catch (TemplateException e) {
            throw new IllegalStateException("template " + name + ": " + e.getMessage(), e);
        }
    }
}
