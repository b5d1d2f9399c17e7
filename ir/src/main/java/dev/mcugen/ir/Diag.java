package dev.mcugen.ir;

/**
 * Diagnostic keys, stable across releases ({@code MCG_<AREA>_<WHAT>}): users search for them in
 * docs/troubleshooting, tests assert on them. Each key says which kind of failure it is; the CLI
 * alone turns kinds into exit codes.
 */
public enum Diag {
    // --- files and data -------------------------------------------------------------------
    /** A file named on the command line or by the model does not exist. */
    MCG_IO_NOT_FOUND(Kind.REJECTED),
    /** A file exists but cannot be read or written. */
    MCG_IO_FAILED(Kind.REJECTED),
    /** A .npy file is malformed, Fortran-ordered, big-endian or of an unsupported dtype. */
    MCG_NPY_FORMAT(Kind.REJECTED),
    /** A .npy file holds fewer bytes than its header promises. */
    MCG_NPY_TRUNCATED(Kind.REJECTED),
    /** Input data does not fit the model's input shape. */
    MCG_DATA_SHAPE(Kind.REJECTED),
    /** Input data holds NaN or infinite values (in float64 data, also values beyond float32's range). */
    MCG_DATA_NONFINITE(Kind.REJECTED),
    /** Data for a token-id input holds a value that is not a whole number in {@code [0, input_dim)}. */
    MCG_DATA_TOKEN_ID(Kind.REJECTED),
    /** A model with several inputs got another number of data files than it has inputs (one per input, in order). */
    MCG_DATA_FILE_COUNT(Kind.REJECTED),
    /** The data files of a model with several inputs hold different numbers of samples. */
    MCG_DATA_SAMPLE_COUNT(Kind.REJECTED),
    /**
     * A data or model file that is not a regular file (a FIFO, a device such as /dev/zero, a socket):
     * reading it could block forever or never end. Symlinks to regular files are fine.
     */
    MCG_IO_NOT_REGULAR(Kind.REJECTED),
    /** A data or model file larger than mcugen reads (the limit is in the message). */
    MCG_IO_TOO_LARGE(Kind.REJECTED),

    // --- model import ---------------------------------------------------------------------
    /** The model file is not valid JSON. */
    MCG_IMPORT_JSON(Kind.REJECTED),
    /** The JSON is not a model mcugen understands (missing topology, wrong format tag...). */
    MCG_IMPORT_FORMAT(Kind.REJECTED),
    /** The model has no layers that compute anything. */
    MCG_IMPORT_EMPTY_MODEL(Kind.REJECTED),
    /** A layer class mcugen does not support. */
    MCG_IMPORT_LAYER_UNSUPPORTED(Kind.REJECTED),
    /** A supported layer with an option mcugen does not support (stateful, channels_first...). */
    MCG_IMPORT_OPTION_UNSUPPORTED(Kind.REJECTED),
    /** An activation function mcugen does not support. */
    MCG_IMPORT_ACTIVATION_UNSUPPORTED(Kind.REJECTED),
    /** Layers reference each other in a way that is not a DAG (unknown inbound layer, cycle...). */
    MCG_IMPORT_TOPOLOGY(Kind.REJECTED),
    /** A weight shard named in the manifest is absent. */
    MCG_IMPORT_SHARD_MISSING(Kind.REJECTED),
    /** The weight shards hold fewer (or more) bytes than the manifest describes. */
    MCG_IMPORT_SHARD_SIZE(Kind.REJECTED),
    /** A shard path leaves the model's folder (absolute, or with ".."). */
    MCG_IMPORT_SHARD_PATH(Kind.REJECTED),
    /** A weight dtype mcugen cannot read. */
    MCG_IMPORT_WEIGHT_DTYPE(Kind.REJECTED),
    /** A weight's manifest shape does not match what its layer needs. */
    MCG_IMPORT_WEIGHT_SHAPE(Kind.REJECTED),
    /** A layer lacks a weight it needs. */
    MCG_IMPORT_WEIGHT_MISSING(Kind.REJECTED),
    /** The model file lists a weight that no layer of the model uses. */
    MCG_IMPORT_WEIGHT_UNUSED(Kind.REJECTED),
    /** The model file gives the same weight twice. */
    MCG_IMPORT_WEIGHT_DUPLICATE(Kind.REJECTED),
    /** A weight holds NaN or infinite values. */
    MCG_IMPORT_WEIGHT_NONFINITE(Kind.REJECTED),
    /**
     * A weight's stored values cannot be read: malformed base64, a non-number in a data array,
     * none or more than one of the value sources a format allows.
     */
    MCG_IMPORT_WEIGHT_DATA(Kind.REJECTED),
    /** A manifest quantization scheme mcugen cannot dequantize. */
    MCG_IMPORT_QUANTIZATION(Kind.REJECTED),
    /**
     * The file is a model or data format mcugen does not read (a PyTorch checkpoint, a TensorFlow
     * SavedModel, a .npy...); the message says what it is and which formats mcugen reads.
     */
    MCG_IMPORT_UNKNOWN_FORMAT(Kind.REJECTED),
    /** An operation of the source format (ONNX node, TFLite builtin) mcugen cannot import; names op and node. */
    MCG_IMPORT_UNSUPPORTED(Kind.REJECTED),
    /**
     * A quantized {@code .tflite} (int8 / int16 tensors): mcugen imports float {@code .tflite} files; keeping
     * a file's own integers is not available yet.
     */
    MCG_IMPORT_TFLITE_QUANTIZED(Kind.REJECTED),
    /**
     * An operator of a quantized {@code .tflite} that mcugen cannot run with TFLite's own integers (an op
     * without an integer kernel yet, or an option of it); names the operator and its output tensor.
     */
    MCG_TFLITE_QUANT_UNSUPPORTED(Kind.REJECTED),
    /**
     * Quantization parameters of a quantized {@code .tflite} that TFLite itself refuses or that mcugen
     * cannot keep: int8 weights with a zero point other than 0, int4 or uint8 tensors, a missing scale,
     * a reshape or pooling whose output scale differs from its input's; names the tensor.
     */
    MCG_TFLITE_QUANT_PARAMS(Kind.REJECTED),
    /**
     * A binary model file whose structure is broken: truncated, offsets out of range or in cycles, wrong
     * protobuf wire types, HDF5 datasets of the wrong type or shape, tensors claiming more bytes than the
     * file holds, element counts beyond 2^31.
     */
    MCG_IMPORT_CORRUPT(Kind.REJECTED),
    /** A {@code .keras} zip archive that is not one: entries escaping the archive, too large when unpacked, missing entries. */
    MCG_IMPORT_ARCHIVE(Kind.REJECTED),
    /** ONNX external tensor data that is missing, too short, or outside the model's folder. */
    MCG_IMPORT_EXTERNAL_DATA(Kind.REJECTED),

    // --- graph ----------------------------------------------------------------------------
    /** A graph whose shapes do not fit together (layer input rank, concat sizes...). */
    MCG_GRAPH_SHAPE(Kind.REJECTED),
    /** A structurally invalid graph (duplicate names, dangling inputs...). */
    MCG_GRAPH_INVALID(Kind.REJECTED),
    /** An op attribute that is missing, unknown, of the wrong type or out of range. */
    MCG_GRAPH_ATTR(Kind.REJECTED),

    // --- quantization ---------------------------------------------------------------------
    /**
     * A layer configuration the integer recipes cannot express (e.g. a recurrent activation other
     * than sigmoid or hard_sigmoid).
     */
    MCG_QUANT_UNSUPPORTED(Kind.REJECTED),
    /**
     * A quantized parameter (a folded bias, a multiplier) does not fit its integer: the calibrated
     * ranges are far from the weights' scale (data scaled by 1e-30, a layer that outputs ~0).
     */
    MCG_QUANT_RANGE(Kind.REJECTED),

    // --- C generation ---------------------------------------------------------------------
    /**
     * A quantized model the C generator cannot lower (several inputs or outputs, an open sequence
     * length, an int32 tensor other than the logits before softmax, a width pair without a kernel).
     */
    MCG_GEN_UNSUPPORTED(Kind.REJECTED),
    /**
     * The model does not fit the target's board: its context (arena + recurrent state) and the
     * board's stack exceed the RAM, or its constants exceed the flash. The message gives both sides.
     */
    MCG_GEN_TOO_BIG(Kind.REJECTED),
    /**
     * {@code --input-format} / {@code --output-format} cannot serve this model: an input of token ids
     * (no samples to convert), or a format whose step is 2^31 times larger, or 2^32 times smaller,
     * than the model's (every value would saturate, or round to the zero point).
     */
    MCG_GEN_IO_FORMAT(Kind.REJECTED),

    // --- verification (mcugen verify) ---------------------------------------------------------
    /** The generated C on the target gave an integer different from the Java fixed-point simulator. */
    MCG_VERIFY_MISMATCH(Kind.MISMATCH),
    /** The linked Cortex-M image contains soft-float or double routines (the generated code must be float-free). */
    MCG_VERIFY_SOFT_FLOAT(Kind.MISMATCH),
    /**
     * The generated C could not be compiled or run for the target (tools missing, build failure,
     * fault, timeout, unreadable output).
     */
    MCG_VERIFY_RUN_FAILED(Kind.INTERNAL),
    /**
     * Bit-exact, but less accurate against the float model than a threshold the user set
     * ({@code --min-top1}, {@code --min-sqnr}); the message names the model, the output, the figure and
     * the threshold.
     */
    MCG_VERIFY_ACCURACY(Kind.ACCURACY),
    /**
     * The model fits the user's board ({@code --board}, {@code --flash}, {@code --ram}) but no QEMU board
     * that runs its instruction set can hold it with the embedded samples; the message gives the figures.
     */
    MCG_VERIFY_TOO_BIG(Kind.REJECTED),
    /**
     * The C ran bit-exact, but the stack one inference used on the target, measured, does not fit the
     * board's RAM beside the model's context (build can only reserve a fixed stack); the reports are
     * written and their verdict says FAIL with the figures.
     */
    MCG_VERIFY_STACK(Kind.REJECTED),
    /**
     * The float model given to compare a quantized file with ({@code --float-model}) does not fit it:
     * another number or shape of inputs or outputs, or a quantized file itself; the message names which.
     */
    MCG_VERIFY_FLOAT_MODEL(Kind.USAGE),

    // --- output files (--out) ---------------------------------------------------------------
    /** Another mcugen process holds the lock of this --out (it is writing there now). */
    MCG_OUT_LOCKED(Kind.USAGE),
    /**
     * --out holds files mcugen did not write (or that changed since it wrote them), or a folder or file
     * appeared there while mcugen was writing; nothing is replaced unless --force, which keeps them aside.
     */
    MCG_OUT_NOT_OURS(Kind.USAGE),
    /** --out would replace an input of the command: --data, --calibration, the model or a file of its folder. */
    MCG_OUT_IS_INPUT(Kind.USAGE),

    // --- usage and internal ---------------------------------------------------------------
    /** Command-line misuse: unknown option values, incompatible options. */
    MCG_CLI_USAGE(Kind.USAGE),
    /** {@code --board} names a board the catalog does not have; the message lists the names. */
    MCG_CLI_UNKNOWN_BOARD(Kind.USAGE),
    /** {@code --target} is an instruction set the core of the {@code --board} cannot run (newer, or not Cortex-M). */
    MCG_CLI_BOARD_TARGET(Kind.USAGE),
    /**
     * {@code --weight-bits} is not a word length 2..8, {@code auto} (with {@code --budget}) or a readable JSON
     * file of word lengths per weight group ({@code mcugen analyze --out}), or the file names a group the
     * model does not have or a word length outside 2..8.
     */
    MCG_CLI_WEIGHT_BITS(Kind.USAGE),
    /** A bug in mcugen. */
    MCG_INTERNAL(Kind.INTERNAL),

    // --- environment ----------------------------------------------------------------------
    /** A program mcugen runs is not installed (QEMU, a cross compiler) or no container engine can run it. */
    MCG_ENV_TOOL_MISSING(Kind.ENVIRONMENT),
    /** The disk is full (or over quota) while writing output or build folders. */
    MCG_ENV_NO_SPACE(Kind.ENVIRONMENT),
    /** The command needs more memory than the Java heap has (raise it with MCUGEN_JAVA_OPTS=-Xmx...). */
    MCG_ENV_OUT_OF_MEMORY(Kind.ENVIRONMENT);

    /** What sort of failure a key reports. */
    public enum Kind {
        /** The user's model or data cannot be processed. */
        REJECTED,
        /** The command line is wrong. */
        USAGE,
        /** mcugen itself failed. */
        INTERNAL,
        /** Verification found the generated C and the simulator disagreeing. */
        MISMATCH,
        /**
         * The generated C is correct (bit-exact with the simulator) but the quantized model is less
         * accurate than a threshold the user asked for: the model, not mcugen, falls short.
         */
        ACCURACY,
        /**
         * This machine lacks what the command needs (a tool, disk space, memory): neither the input
         * nor mcugen is at fault.
         */
        ENVIRONMENT
    }

    private final Kind kind;

    Diag(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
