package dev.mcugen.gen;

import java.util.List;

/**
 * The C view model: everything the templates print, already in C form (identifiers, integer
 * literals, initializer expressions, booleans). Templates do no arithmetic and compute nothing;
 * a value they miss fails the build (FreeMarker's RETHROW handler).
 */
public final class View {
    private View() {
    }

    /**
     * One model: the files {@code <id>.h}, {@code <id>.c} and the build fragments.
     *
     * @param id            C identifier prefix
     * @param macro         upper-case prefix of the macros
     * @param guard         include guard of the header
     * @param banner        banner comment lines (model hash, options)
     * @param input         the model input
     * @param output        the model output
     * @param arenaBytes    arena size in bytes (literal, a multiple of 4)
     * @param arenaComment  the memory plan, one line per buffer
     * @param arrays        const parameter arrays (flash)
     * @param params        const params structs
     * @param steps         the kernel calls of {@code _invoke}, in order
     * @param needsString   whether {@code <string.h>} is needed (an output copy)
     * @param runtimeSources runtime {@code .c} files copied beside the model, relative paths
     */
    public record Model(String id, String macro, String guard, List<String> banner, Port input, Port output,
                        String arenaBytes, List<String> arenaComment, List<Array> arrays, List<Params> params,
                        List<Step> steps, boolean needsString, List<String> runtimeSources) {
    }

    /**
     * The model input or output.
     *
     * @param ctype     {@code int8_t} / {@code int16_t}
     * @param size      element count (literal)
     * @param shape     shape as text, for the comment
     * @param zeroPoint literal
     * @param scale     the real scale, for a comment
     * @param scaleNum  integer ratio numerator: scale = num / 2^shift
     * @param scaleShift integer ratio exponent
     */
    public record Port(String ctype, String size, String shape, String zeroPoint, String scale, String scaleNum,
                       String scaleShift, String qmin, String qmax) {
    }

    /**
     * A const array, its literals already wrapped into lines.
     */
    public record Array(String ctype, String name, String length, String comment, List<String> lines) {
    }

    /** A const params struct with designated initializers. */
    public record Params(String ctype, String name, String comment, List<Field> fields) {
    }

    /** One designated initializer; {@code comment} is printed when {@code hasComment}. */
    public record Field(String name, String value, boolean hasComment, String comment) {
    }

    /**
     * One step of {@code _invoke}: a comment, and when {@code call} a kernel call, optionally preceded
     * by local pointer arrays (the inputs of an add). A reshape is a comment only (an alias).
     */
    public record Step(String comment, boolean call, List<Local> locals, String function, List<String> args) {
    }

    /** A local array declaration {@code ctype name[length] = { values };}. */
    public record Local(String ctype, String name, String length, List<String> values) {
    }
}
