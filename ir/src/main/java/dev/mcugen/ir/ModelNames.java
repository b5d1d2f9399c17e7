package dev.mcugen.ir;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The C name of a model when the user gives none. A model's own name is often the name its
 * framework gives every model ({@code sequential_1}, {@code model}, {@code functional_2},
 * PyTorch's ONNX graph {@code main_graph} or {@code torch_jit}): ten projects would all get
 * {@code sequential_1_invoke}. Such a name is replaced by the model file's name, or, when the file
 * has a generic name too ({@code model.json}, {@code model.h5}, {@code model.tflite}), by its
 * folder's ({@code har_lstm/model.json} gives {@code har_lstm}).
 */
public final class ModelNames {
    /**
     * Names frameworks give a model nobody named: Keras and TF.js ({@code sequential},
     * {@code model}, {@code functional}, each optionally with {@code _N}), PyTorch's ONNX export
     * ({@code main_graph}, {@code torch_jit}, {@code torch-jit-export}), tf2onnx, TFLite's subgraph
     * {@code main}, and the {@code onnx} mcugen gives an ONNX graph without a name.
     */
    private static final Pattern DEFAULT = Pattern.compile(
            "(sequential|model|functional|keras_model|main_graph|torch_jit|torch-jit-export|tf2onnx|main|graph|onnx|"
                    + "saved_model|serving_default)(_\\d+)?");
    /** File names that say nothing about the model either: the folder names it better. */
    private static final Set<String> GENERIC_FILES = Set.of("weights", "model_float32", "model_int8", "export");

    private ModelNames() {
    }

    /**
     * The name chosen and where it came from.
     *
     * @param id     the C identifier ({@link Names#cIdentifier} of the source)
     * @param source the name it was made from
     * @param origin how that name was found, for the user: "the model's name", "the file name", "the folder name"
     */
    public record Choice(String id, String source, String origin) {
        /** One line for the terminal, e.g. {@code har_lstm (the folder name; the model's own name 'sequential_1' is a framework default)}. */
        public String describe(String modelName) {
            String s = id + " (" + origin;
            if (!origin.equals(MODEL)) {
                s += "; the model's own name '" + Names.cComment(Text.clip(modelName, 40)) + "' is a framework default";
            }
            return s + "; --name sets another)";
        }
    }

    static final String MODEL = "the model's name";

    /** Whether {@code name} is a framework's default model name (or empty). */
    public static boolean frameworkDefault(String name) {
        return name == null || name.isBlank() || DEFAULT.matcher(name.strip().toLowerCase(Locale.ROOT)).matches();
    }

    /**
     * The C name of the model named {@code modelName} read from {@code file}: the model's name
     * unless it is a framework default, else the file's base name, else (a generic file name) the
     * folder's name.
     */
    public static Choice choose(String modelName, Path file) {
        if (!frameworkDefault(modelName) || file == null) {
            return new Choice(Names.cIdentifier(modelName), modelName, MODEL);
        }
        Path abs = file.toAbsolutePath().normalize();
        Path fileName = abs.getFileName();
        String base = fileName == null ? "" : baseName(fileName.toString());
        if (!generic(base)) {
            return new Choice(Names.cIdentifier(base), base, "the file name");
        }
        Path parent = abs.getParent();
        Path folder = parent == null ? null : parent.getFileName();
        if (folder != null && !generic(folder.toString())) {
            return new Choice(Names.cIdentifier(folder.toString()), folder.toString(), "the folder name");
        }
        return new Choice(Names.cIdentifier(modelName), modelName, MODEL);
    }

    private static boolean generic(String name) {
        return frameworkDefault(name) || GENERIC_FILES.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The file name without its extensions ({@code a.legacy.h5} gives {@code a}). */
    static String baseName(String fileName) {
        int dot = fileName.indexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
