package dev.mcugen.gen;

import dev.mcugen.ir.Names;
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
     * <p>Two shapes of {@code _invoke}: without {@code streaming}, {@link #steps} run once over whole
     * tensors (a recurrent layer is a loop over its time steps). With {@code streaming} (a recurrent
     * model whose layers before the last recurrent one all work step by step), {@code _invoke} resets
     * the state, runs {@link #seqSteps} once per time step on one input row, then {@link #tailSteps}
     * once; {@code _step} runs the same two lists on one row, so streaming equals {@code _invoke}.
     *
     * @param id             C identifier prefix
     * @param macro          upper-case prefix of the macros
     * @param guard          include guard of the header
     * @param banner         banner comment lines (model hash, options)
     * @param single         whether the model has one input and one output (the API of {@code x}, {@code y})
     * @param inputs         the model inputs, in the model's order
     * @param outputs        the model outputs, in the model's order
     * @param arenaBytes     arena size in bytes (literal, a multiple of 4)
     * @param arenaComment   the memory plan, one line per buffer
     * @param arrays         const parameter arrays (flash)
     * @param params         const params structs, in dependency order
     * @param steps          the kernel calls of {@code _invoke} (not streaming)
     * @param needsString    whether {@code <string.h>} is needed (a copy)
     * @param needsLoop      whether {@code _invoke} declares the time-step counter {@code t}
     * @param state          recurrent state arrays of the context (empty for a stateless model)
     * @param resets         what {@code _reset} writes into the state
     * @param streaming      whether {@code _step} exists (see above)
     * @param stream         the streaming shape, or null without {@code streaming}
     * @param noStepReason   why there is no {@code _step} (a comment), empty with {@code streaming}
     * @param runtimeSources runtime {@code .c} files copied beside the model, relative paths
     * @param footprint      the memory figures known before compiling (for the board check, not printed)
     * @param conversions    the caller-format helpers ({@code <id>_quantize_input}...), empty without
     *                       {@code --input-format} / {@code --output-format}
     */
    public record Model(String id, String macro, String guard, List<String> banner, boolean single, List<Port> inputs,
                        List<Port> outputs,
                        String arenaBytes, List<String> arenaComment, List<Array> arrays, List<Params> params,
                        List<Step> steps, boolean needsString, boolean needsLoop, List<StateArray> state,
                        List<Reset> resets, boolean streaming, Stream stream, String noStepReason,
                        List<String> runtimeSources, Footprint footprint, List<Conversion> conversions) {
        // Names from the model reach these comments: the one sanitizer guards every template line.
        public Model {
            banner = banner.stream().map(Names::cComment).toList();
            arenaComment = arenaComment.stream().map(Names::cComment).toList();
            noStepReason = noStepReason.isEmpty() ? "" : Names.cComment(noStepReason);
            conversions = List.copyOf(conversions);
        }

        public boolean hasState() {
            return !state.isEmpty();
        }

        /** The first input (the one input of a single-input model). */
        public Port input() {
            return inputs.get(0);
        }

        /** The first output (the one output of a single-output model). */
        public Port output() {
            return outputs.get(0);
        }
    }

    /**
     * Memory known before compiling.
     *
     * @param constBytes the model's const arrays (weights, biases, rescales): flash
     * @param arenaBytes the arena: RAM
     * @param stateBytes the recurrent state: RAM
     * @param constByLayer the const bytes per layer (the node whose lowering made the arrays), in order
     * @param arena      the arena plan: one entry per buffer
     */
    public record Footprint(long constBytes, long arenaBytes, long stateBytes, List<LayerConst> constByLayer,
                            List<ArenaBuffer> arena) {
        /** Without the breakdowns. */
        public Footprint(long constBytes, long arenaBytes, long stateBytes) {
            this(constBytes, arenaBytes, stateBytes, List.of(), List.of());
        }

        /** The context {@code <id>_ctx_t}: arena plus state. */
        public long contextBytes() {
            return arenaBytes + stateBytes;
        }
    }

    /** The const arrays of one layer: {@code bytes} in {@code arrays} arrays (flash). */
    public record LayerConst(String layer, long bytes, int arrays) {
    }

    /** One arena buffer: tensor {@code tensor} at bytes {@code offset..offset+bytes-1}, live in steps {@code first..last}. */
    public record ArenaBuffer(String tensor, int offset, int bytes, int first, int last) {
    }

    /**
     * How {@code _invoke} and {@code _step} stream: {@code seqSteps} handle one time step (input
     * row {@code x}, output {@code y}: a row when {@code seqOutput}, else the whole output), then
     * {@code tailSteps} finish from the recurrent outputs.
     *
     * @param timeSteps      T (literal)
     * @param stepInputSize  elements of one input row (literal)
     * @param stepOutputSize elements {@code _step} writes (literal)
     * @param seqOutput      whether the model output is a sequence (one row per step)
     * @param invokeX        the row pointer {@code _invoke} passes for step {@code t}
     * @param invokeY        the output pointer {@code _invoke} passes for step {@code t}
     * @param seqSteps       per-step kernel calls
     * @param tailSteps      kernel calls after the steps (may be empty)
     */
    public record Stream(String timeSteps, String stepInputSize, String stepOutputSize, boolean seqOutput,
                         String invokeX, String invokeY, List<Step> seqSteps, List<Step> tailSteps, Pair pair) {
        public boolean hasTail() {
            return !tailSteps.isEmpty();
        }

        /** Whether {@code _invoke} takes the time steps two at a time ({@link Pair}). */
        public boolean paired() {
            return pair != null;
        }
    }

    /**
     * {@code _invoke} two time steps at a time: the recurrent layer that reads the model input
     * computes its input products of steps t and t + 1 in one call ({@code input2}, into the context
     * buffer {@code buffer}), then {@code preSteps} (the {@code seqSteps} with that layer's step
     * reading the products, {@code pre}) run for each step.
     *
     * @param buffer   the ctx member holding the products (int32)
     * @param length   its length (literal): both steps
     * @param half     the offset of step t + 1's products (literal)
     * @param comment  what the buffer holds
     * @param input2   the call computing both steps' products (its x1 argument {@code x1})
     * @param invokeX1 the row pointer of step t + 1
     * @param invokeY1 the output pointer {@code _invoke} passes for step t + 1
     * @param preSteps per-step kernel calls reading {@code pre}
     */
    public record Pair(String buffer, String length, String half, String comment, Call input2, String invokeX1,
                       String invokeY1, List<Step> preSteps) {
        public Pair {
            comment = Names.cComment(comment);
        }
    }

    /**
     * A model input or output.
     *
     * @param ctype     {@code int8_t} / {@code int16_t}
     * @param size      element count (literal)
     * @param shape     shape as text, for the comment
     * @param zeroPoint literal
     * @param scale     the real scale, for a comment
     * @param scaleNum  integer ratio numerator: scale = num / 2^shift
     * @param scaleShift integer ratio exponent
     * @param tensor    the tensor's name in the model (untrusted: {@link #name} is the comment-safe form)
     * @param label     how the header's comments call it ("Input", or "Input 1 'name'" with several)
     * @param param     the parameter of {@code _invoke} ({@code x} / {@code y} for a single-I/O model)
     * @param typeName  its element typedef ({@code <id>_input_t}, or {@code <id>_input_<name>_t} with several)
     * @param macro     the part of its macros after {@code <ID>_} ({@code INPUT}, or {@code INPUT_<NAME>})
     */
    public record Port(String ctype, String size, String shape, String zeroPoint, String scale, String scaleNum,
                       String scaleShift, String qmin, String qmax, String tensor, String label, String param,
                       String typeName, String macro) {
        /** The tensor name fit for a C comment (and a terminal line). */
        public String name() {
            return Names.cComment(dev.mcugen.ir.Text.clip(tensor, 60));
        }
    }

    /**
     * A const array, its literals already wrapped into lines; {@code attribute} is printed after the
     * declarator ("" or e.g. " MCU_ALIGN4", the word alignment of packed weights).
     */
    public record Array(String ctype, String name, String length, String comment, List<String> lines, String attribute) {
        public Array {
            comment = Names.cComment(comment);
        }

        public Array(String ctype, String name, String length, String comment, List<String> lines) {
            this(ctype, name, length, comment, lines, "");
        }
    }

    /** A const params struct with designated initializers. */
    public record Params(String ctype, String name, String comment, List<Field> fields) {
        public Params {
            comment = Names.cComment(comment);
        }
    }

    /**
     * One designated initializer: {@code .name = value} or, when {@code nested} is not empty, a
     * nested brace initializer of those fields; {@code comment} is printed when {@code hasComment}.
     */
    public record Field(String name, String value, boolean hasComment, String comment, List<Field> nested) {
        public Field {
            comment = comment == null ? null : Names.cComment(comment);
        }

        public boolean isNested() {
            return !nested.isEmpty();
        }
    }

    /**
     * One step: a comment, then (unless {@code calls} is empty: a reshape is an alias) the calls,
     * optionally preceded by local arrays and repeated {@code loopCount} times with the counter
     * {@code t} when {@code loop}.
     */
    public record Step(String comment, List<Local> locals, List<Call> calls, boolean loop, String loopCount) {
        public Step {
            comment = Names.cComment(comment);
        }

        public boolean hasCode() {
            return !calls.isEmpty();
        }
    }

    /**
     * A helper converting between the caller's fixed-point format and a model input or output
     * ({@link dev.mcugen.ir.fixed.IoConversion}, whose Java is the reference):
     * {@code dst[i] = saturate(round(((int64_t)src[i] - inZeroPoint) * multiplier / 2^shift) + outZeroPoint)}.
     *
     * @param function     the function's name
     * @param srcType      element type of {@code src}
     * @param dstType      element type of {@code dst}
     * @param doc          the header comment lines (comment-safe)
     * @param subtract     whether {@code inZeroPoint} is subtracted (a model output's zero point)
     * @param inZeroPoint  literal
     * @param multiplier   literal (int64)
     * @param shift        literal, 0..62
     * @param round        literal, 2^(shift-1), or 0 when shift is 0
     * @param outZeroPoint literal
     * @param min          saturation bound literal
     * @param max          saturation bound literal
     */
    public record Conversion(String function, String srcType, String dstType, List<String> doc, boolean subtract,
                             String inZeroPoint, String multiplier, String shift, String round, String outZeroPoint,
                             String min, String max) {
        public Conversion {
            doc = doc.stream().map(Names::cComment).toList();
        }
    }

    /** A function call {@code function(args...)}. */
    public record Call(String function, List<String> args) {
    }

    /** A local array declaration {@code ctype name[length] = { values };}. */
    public record Local(String ctype, String name, String length, List<String> values) {
    }

    /** A state array member {@code ctype name[length]} of the context. */
    public record StateArray(String ctype, String name, String length, String comment) {
        public StateArray {
            comment = Names.cComment(comment);
        }
    }

    /** {@code _reset} sets {@code state.name[0..length)} to {@code value} (a literal of the element type). */
    public record Reset(String name, String length, String value) {
    }
}
