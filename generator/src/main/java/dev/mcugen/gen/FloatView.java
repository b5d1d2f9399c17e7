package dev.mcugen.gen;

import dev.mcugen.ir.Names;
import java.util.List;

/**
 * The view model of the float baseline C ({@link FloatCGenerator}): strings ready to print, as
 * {@link View} is for the integer C. The templates compute nothing.
 */
public final class FloatView {
    private FloatView() {
    }

    /**
     * @param id             C identifier prefix
     * @param macro          upper-case prefix of the macros
     * @param guard          include guard
     * @param banner         banner comment lines
     * @param inputShape     the input shape (comment)
     * @param inputSize      floats per input sample
     * @param outputShape    the output shape (comment)
     * @param outputSize     floats per output
     * @param ctx            the context struct's float arrays (never empty: see the template)
     * @param weights        const weight arrays
     * @param steps          the calls of {@code _invoke}, in order
     * @param runtimeSources the runtime {@code .c} files the calls need (file names in runtime/float/)
     * @param weightBytes    bytes of all weight arrays (flash), not printed
     * @param ctxBytes       bytes of the context (RAM), not printed
     * @param single         whether the model has one input and one output ({@code x}, {@code y})
     * @param inputs         the inputs in the model's order (the first is {@code inputShape} / {@code inputSize})
     * @param outputs        the outputs in the model's order
     */
    public record Model(String id, String macro, String guard, List<String> banner, String inputShape,
                        String inputSize, String outputShape, String outputSize, List<Field> ctx,
                        List<Weights> weights, List<Step> steps, List<String> runtimeSources, long weightBytes,
                        long ctxBytes, boolean single, List<Port> inputs, List<Port> outputs) {
        // Names from the model reach these comments: the one sanitizer guards every template line.
        public Model {
            banner = banner.stream().map(Names::cComment).toList();
        }

        public boolean hasCtx() {
            return !ctx.isEmpty();
        }

        /** Whether {@code <string.h>} is needed (a stand-alone activation copies its input). */
        public boolean needsString() {
            return steps.stream().anyMatch(s -> s.code().contains("memcpy("));
        }
    }

    /**
     * A model input or output: {@code float param[<ID>_<macro>_SIZE]}; {@code name} is the
     * comment-safe tensor name.
     */
    public record Port(String name, String param, String macro, String shape, String size) {
        public Port {
            name = Names.cComment(name);
        }
    }

    /** A float array of the context: {@code float name[size];}. */
    public record Field(String name, String size, String comment) {
        public Field {
            comment = Names.cComment(comment);
        }
    }

    /** A const float array: {@code static const float name[count] = { lines };}. */
    public record Weights(String name, String count, String comment, List<String> lines) {
        public Weights {
            comment = Names.cComment(comment);
        }
    }

    /** One statement (or two) of {@code _invoke} with its comment. */
    public record Step(String comment, String code) {
        public Step {
            comment = Names.cComment(comment);
        }
    }
}
