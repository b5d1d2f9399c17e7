package dev.mcugen.ir.tflite;

import java.util.Map;

/** TFLite builtin operator codes ({@code BuiltinOperator} of schema.fbs) that the importer names. */
final class Builtin {
    static final int ADD = 0;
    static final int AVERAGE_POOL_2D = 1;
    static final int CONCATENATION = 2;
    static final int CONV_2D = 3;
    static final int DEPTHWISE_CONV_2D = 4;
    static final int DEQUANTIZE = 6;
    static final int FULLY_CONNECTED = 9;
    static final int LOGISTIC = 14;
    static final int MAX_POOL_2D = 17;
    static final int MUL = 18;
    static final int RELU = 19;
    static final int RELU_N1_TO_1 = 20;
    static final int RELU6 = 21;
    static final int RESHAPE = 22;
    static final int SOFTMAX = 25;
    static final int TANH = 28;
    static final int CUSTOM = 32;
    static final int PAD = 34;
    static final int PADV2 = 60;
    static final int TRANSPOSE_CONV = 67;
    static final int RESIZE_NEAREST_NEIGHBOR = 97;
    static final int GATHER = 36;
    static final int TRANSPOSE = 39;
    static final int MEAN = 40;
    static final int SUB = 41;
    static final int SQUEEZE = 43;
    static final int UNIDIRECTIONAL_SEQUENCE_LSTM = 44;
    static final int STRIDED_SLICE = 45;
    static final int EXPAND_DIMS = 70;
    static final int SHAPE = 77;
    static final int PRELU = 54;
    static final int PACK = 83;
    static final int MAXIMUM = 55;
    static final int MINIMUM = 57;
    static final int LEAKY_RELU = 98;
    static final int ELU = 111;
    static final int REVERSE_V2 = 105;
    static final int QUANTIZE = 114;
    static final int HARD_SWISH = 117;

    /** Names for messages: the ops above and other common ones a user may meet in a refusal. */
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(ADD, "ADD"), Map.entry(AVERAGE_POOL_2D, "AVERAGE_POOL_2D"),
            Map.entry(CONCATENATION, "CONCATENATION"), Map.entry(CONV_2D, "CONV_2D"),
            Map.entry(DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D"), Map.entry(5, "DEPTH_TO_SPACE"),
            Map.entry(DEQUANTIZE, "DEQUANTIZE"), Map.entry(7, "EMBEDDING_LOOKUP"), Map.entry(8, "FLOOR"),
            Map.entry(FULLY_CONNECTED, "FULLY_CONNECTED"), Map.entry(11, "L2_NORMALIZATION"),
            Map.entry(12, "L2_POOL_2D"), Map.entry(LOGISTIC, "LOGISTIC"), Map.entry(16, "LSTM"),
            Map.entry(MAX_POOL_2D, "MAX_POOL_2D"), Map.entry(MUL, "MUL"), Map.entry(RELU, "RELU"),
            Map.entry(RELU_N1_TO_1, "RELU_N1_TO_1"), Map.entry(RELU6, "RELU6"), Map.entry(RESHAPE, "RESHAPE"),
            Map.entry(23, "RESIZE_BILINEAR"), Map.entry(24, "RNN"), Map.entry(SOFTMAX, "SOFTMAX"),
            Map.entry(27, "SVDF"), Map.entry(TANH, "TANH"), Map.entry(CUSTOM, "CUSTOM"), Map.entry(PAD, "PAD"),
            Map.entry(35, "UNIDIRECTIONAL_SEQUENCE_RNN"), Map.entry(36, "GATHER"), Map.entry(TRANSPOSE, "TRANSPOSE"),
            Map.entry(MEAN, "MEAN"), Map.entry(SUB, "SUB"), Map.entry(42, "DIV"), Map.entry(SQUEEZE, "SQUEEZE"),
            Map.entry(UNIDIRECTIONAL_SEQUENCE_LSTM, "UNIDIRECTIONAL_SEQUENCE_LSTM"),
            Map.entry(STRIDED_SLICE, "STRIDED_SLICE"), Map.entry(46, "BIDIRECTIONAL_SEQUENCE_RNN"),
            Map.entry(47, "EXP"), Map.entry(49, "SPLIT"), Map.entry(50, "LOG_SOFTMAX"),
            Map.entry(52, "BIDIRECTIONAL_SEQUENCE_LSTM"), Map.entry(53, "CAST"), Map.entry(PRELU, "PRELU"),
            Map.entry(55, "MAXIMUM"), Map.entry(57, "MINIMUM"), Map.entry(PADV2, "PADV2"), Map.entry(65, "SLICE"),
            Map.entry(TRANSPOSE_CONV, "TRANSPOSE_CONV"), Map.entry(EXPAND_DIMS, "EXPAND_DIMS"), Map.entry(74, "SUM"),
            Map.entry(SHAPE, "SHAPE"), Map.entry(82, "REDUCE_MAX"), Map.entry(PACK, "PACK"), Map.entry(88, "UNPACK"),
            Map.entry(RESIZE_NEAREST_NEIGHBOR, "RESIZE_NEAREST_NEIGHBOR"), Map.entry(LEAKY_RELU, "LEAKY_RELU"),
            Map.entry(100, "MIRROR_PAD"), Map.entry(102, "SPLIT_V"), Map.entry(REVERSE_V2, "REVERSE_V2"), Map.entry(ELU, "ELU"),
            Map.entry(QUANTIZE, "QUANTIZE"), Map.entry(HARD_SWISH, "HARD_SWISH"), Map.entry(118, "IF"),
            Map.entry(119, "WHILE"), Map.entry(126, "BATCH_MATMUL"), Map.entry(150, "GELU"));

    private Builtin() {
    }

    static String name(int code) {
        return NAMES.getOrDefault(code, "builtin op " + code);
    }
}
