package dev.mcugen.ir.data;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.GraphInput;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.TokenIds;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import dev.mcugen.ir.npy.NpyDtype;
import dev.mcugen.ir.interp.Batch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads model input data from float32 .npy files of shape {@code [N, ...input shape]} (DESIGN §1:
 * {@code [N, T, F]} for sequences, {@code [N, F]} otherwise), one file per model input, and checks
 * it fits the model, naming the file in every error. An open sequence length in the model takes
 * the file's length. float64 files (numpy's default) are accepted, narrowed to float32 as
 * {@code astype(numpy.float32)} would; every check then applies to the narrowed values, and the
 * caller is told once per file (see {@link #float64Note}).
 */
public final class InputData {
    private InputData() {
    }

    /** Reads one file per model input, in the model's input order; float64 files are converted unreported. */
    public static Batch read(Graph graph, List<Path> files) {
        return read(graph, files, note -> { });
    }

    /**
     * Reads one file per model input, in the model's input order; {@code notes} receives
     * {@link #float64Note} for each float64 file, once the data has passed every check.
     */
    public static Batch read(Graph graph, List<Path> files, Consumer<String> notes) {
        checkCount(graph, files);
        List<NpyArray> arrays = new ArrayList<>();
        for (Path f : files) {
            arrays.add(Npy.read(f));
        }
        Batch b = of(graph, arrays, files.stream().map(Path::toString).toList());
        noteConversions(files, arrays, notes);
        return b;
    }

    /** As {@link #read(ImportedModel, List, Consumer)}, float64 files converted unreported. */
    public static Batch read(ImportedModel model, List<Path> files) {
        return read(model, files, note -> { });
    }

    /**
     * Reads one file per input of an imported model: data in the source framework's layout (an
     * ONNX model from PyTorch takes NCHW) is checked against that layout and moved to the IR's.
     * {@code notes} receives {@link #float64Note} for each float64 file, once the data passed every check.
     */
    public static Batch read(ImportedModel model, List<Path> files, Consumer<String> notes) {
        Graph graph = model.graph();
        boolean anyPerm = graph.inputs().stream().anyMatch(in -> model.sourceLayout().containsKey(in.name()));
        if (!anyPerm) {
            return read(graph, files, notes);
        }
        checkCount(graph, files);
        // Check each file against the input's shape as the source framework lays it out, then move it.
        List<GraphInput> sourceInputs = new ArrayList<>();
        for (GraphInput in : graph.inputs()) {
            int[] perm = Layouts.samplePerm(model, in.name());
            sourceInputs.add(perm == null ? in
                    : new GraphInput(in.name(), new Shape(Layouts.permuteDims(in.shape().dims(), Layouts.inverse(perm)))));
        }
        List<NpyArray> arrays = new ArrayList<>();
        for (Path f : files) {
            arrays.add(Npy.read(f));
        }
        Map<String, FloatTensor> source = tensors(sourceInputs, arrays, files.stream().map(Path::toString).toList(),
                tokenLimits(graph));
        Map<String, FloatTensor> moved = new LinkedHashMap<>();
        for (GraphInput in : graph.inputs()) {
            FloatTensor t = source.get(in.name());
            int[] perm = Layouts.samplePerm(model, in.name());
            moved.put(in.name(), perm == null ? t : Layouts.toIr(t, perm));
        }
        Batch b = Batch.of(graph, moved);
        noteConversions(files, arrays, notes);
        return b;
    }

    /** The line telling the user that {@code file} held float64 values, read as float32. */
    public static String float64Note(Path file) {
        return file + " is float64; converted to float32";
    }

    private static void noteConversions(List<Path> files, List<NpyArray> arrays, Consumer<String> notes) {
        for (int k = 0; k < files.size(); k++) {
            if (arrays.get(k).dtype() == NpyDtype.FLOAT64) {
                notes.accept(float64Note(files.get(k)));
            }
        }
    }

    /** One file per input, or {@link Diag#MCG_DATA_FILE_COUNT} naming the inputs in order and the files. */
    private static void checkCount(Graph graph, List<Path> files) {
        if (files.size() != graph.inputs().size()) {
            throw new McugenException(Diag.MCG_DATA_FILE_COUNT, files.isEmpty() ? "model '" + graph.name() + "'"
                    : String.join(", ", files.stream().map(Path::toString).toList()), files.size() + " data file(s) given but model '"
                    + graph.name() + "' has " + graph.inputs().size() + " input(s) " + graph.inputs().stream()
                    .map(GraphInput::name).toList() + "; give one file per input, in that order");
        }
    }

    /** Checks arrays against the model's inputs; {@code sources} name them in errors. */
    public static Batch of(Graph graph, List<NpyArray> arrays, List<String> sources) {
        return Batch.of(graph, tensors(graph.inputs(), arrays, sources, tokenLimits(graph)));
    }

    /** The valid ids {@code [0, limit)} of each token-id input. */
    private static Map<String, Integer> tokenLimits(Graph graph) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (GraphInput in : graph.inputs()) {
            TokenIds.limit(graph, in.name()).ifPresent(l -> m.put(in.name(), l));
        }
        return m;
    }

    private static Map<String, FloatTensor> tensors(List<GraphInput> inputs, List<NpyArray> arrays, List<String> sources,
                                                    Map<String, Integer> tokenLimits) {
        Map<String, FloatTensor> batches = new LinkedHashMap<>();
        int count = -1;
        for (int k = 0; k < arrays.size(); k++) {
            GraphInput in = inputs.get(k);
            NpyArray a = arrays.get(k);
            String src = sources.get(k);
            Shape expected = in.shape();
            String want = "[N, " + expected.toString().substring(1);
            Integer tokenLimit = tokenLimits.get(in.name());
            if (!a.dtype().isFloat() && tokenLimit == null) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, src, "holds " + a.dtype().descr()
                        + " values; input '" + in.name() + "' takes float32 data (arr.astype(numpy.float32))");
            }
            List<Integer> dims = a.shape();
            if (dims.size() != expected.rank() + 1) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, src, "has shape " + dims + " but input '" + in.name()
                        + "' takes " + want + (dims.size() == expected.rank() ? " (add a leading sample axis)" : ""));
            }
            Shape sample = new Shape(dims.subList(1, dims.size()));
            if (!expected.accepts(sample)) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, src, "has shape " + dims + " but input '" + in.name()
                        + "' takes " + want);
            }
            if (dims.get(0) == 0 || sample.size() == 0) {
                throw new McugenException(Diag.MCG_DATA_SHAPE, src, "holds no samples (shape " + dims + ")");
            }
            if (count >= 0 && dims.get(0) != count) {
                throw new McugenException(Diag.MCG_DATA_SAMPLE_COUNT, src, "holds " + dims.get(0) + " samples but "
                        + sources.get(0) + " (input '" + inputs.get(0).name() + "') holds " + count
                        + "; every input's file needs the same number of samples");
            }
            count = dims.get(0);
            if (tokenLimit != null) {
                batches.put(in.name(), FloatTensor.of(new Shape(dims), tokenIds(a, src, in.name(), tokenLimit, sample.size())));
                continue;
            }
            float[] values = a.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    int per = sample.size();
                    throw new McugenException(Diag.MCG_DATA_NONFINITE, src, "sample " + (i / per) + " holds " + values[i]
                            + " at flat index " + (i % per) + (a.dtype() == NpyDtype.FLOAT64
                            ? " as float32 (float64 values beyond float32's ±3.4e38 become infinite)" : "")
                            + "; clean the data first");
                }
            }
            batches.put(in.name(), FloatTensor.of(new Shape(dims), values));
        }
        return batches;
    }

    /**
     * The token ids of {@code a} (any integer dtype, or float32 holding whole numbers), each checked to
     * be in {@code [0, limit)}; as floats, exact since {@code limit <= 2^24}.
     *
     * @throws McugenException {@link Diag#MCG_DATA_TOKEN_ID} naming the file, the sample and the value
     */
    private static float[] tokenIds(NpyArray a, String src, String input, int limit, int per) {
        float[] values = a.toFloatArray();
        int[] ints = a.dtype().isInteger() ? a.toIntArray() : null;
        for (int i = 0; i < values.length; i++) {
            double v = ints != null ? ints[i] : values[i];
            if (!(v >= 0 && v < limit) || v != Math.rint(v)) {
                String shown = ints != null ? Integer.toString(ints[i]) : Float.toString(values[i]);
                throw new McugenException(Diag.MCG_DATA_TOKEN_ID, src, "sample " + (i / per) + " holds " + shown
                        + " at flat index " + (i % per) + "; input '" + input + "' takes token ids, whole numbers in [0, "
                        + limit + ") (the embedding's input_dim)");
            }
        }
        return values;
    }

}
