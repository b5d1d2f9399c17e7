package dev.mcugen.ir.keras;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mcugen.ir.Activation;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Padding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The Keras layers that move data (ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D, Permute,
 * RepeatVector) and the transposed convolutions (Conv1DTranspose, Conv2DTranspose), for
 * {@link LayerMapper}: the same config keys in TF.js, {@code .h5} and {@code .keras}.
 */
final class ShapeLayers {
    private ShapeLayers() {
    }


    /** Zero padding or cropping of {@code rank} spatial axes. */
    static Op padOrCrop(LayerConfig c, int rank, boolean pad) {
        if (rank == 2) {
            channelsLast(c);
        }
        String key = pad ? "padding" : "cropping";
        List<Integer> a = amounts(c, key, rank, pad ? 1 : 0);
        return pad ? new Op.ZeroPadding(a) : new Op.Cropping(a);
    }

    /**
     * Keras amounts: an integer (every side), for 1-D a pair {@code [left, right]}, for 2-D a pair
     * {@code [height, width]} (symmetric) or {@code [[top, bottom], [left, right]]}.
     */
    private static List<Integer> amounts(LayerConfig c, String key, int rank, int dflt) {
        JsonNode v = c.raw(key);
        List<Integer> out = new ArrayList<>();
        if (v == null) {
            for (int i = 0; i < 2 * rank; i++) {
                out.add(dflt);
            }
        } else if (!v.isArray()) {
            int n = c.ints(key, 1, null)[0];
            for (int i = 0; i < 2 * rank; i++) {
                out.add(n);
            }
        } else if (rank == 1) {
            for (int x : c.ints(key, 2, null)) {
                out.add(x);
            }
        } else if (v.size() == 2 && v.get(0).isArray() && v.get(1).isArray()) {
            for (int i = 0; i < 2; i++) {
                JsonNode p = v.get(i);
                if (p.size() != 2 || !p.get(0).canConvertToInt() || !p.get(1).canConvertToInt()) {
                    throw c.format(key, "must be [[top, bottom], [left, right]], got " + v);
                }
                out.add(p.get(0).intValue());
                out.add(p.get(1).intValue());
            }
        } else {
            int[] hw = c.ints(key, 2, null);
            out.addAll(List.of(hw[0], hw[0], hw[1], hw[1]));
        }
        for (int x : out) {
            if (x < 0) {
                throw c.format(key, "must hold amounts >= 0, got " + v);
            }
        }
        return out;
    }

    static Op upSampling(LayerConfig c, int rank) {
        int[] size;
        if (rank == 1) {
            size = new int[] {c.integer("size", 2)};
        } else {
            channelsLast(c);
            String interpolation = c.string("interpolation", "nearest");
            if (!interpolation.equals("nearest")) {
                throw c.unsupported("has interpolation '" + interpolation + "'; mcugen supports 'nearest' only (bilinear"
                        + " weights are fractions of the input grid that an integer copy cannot reproduce)");
            }
            size = c.ints("size", 2, new int[] {2, 2});
        }
        for (int s : size) {
            if (s < 1) {
                throw c.format("size", "must hold factors >= 1, got " + Arrays.toString(size));
            }
        }
        return new Op.UpSampling(Arrays.stream(size).boxed().toList());
    }

    static Op permute(LayerConfig c) {
        JsonNode v = c.raw("dims");
        if (v == null || !v.isArray() || v.size() == 0) {
            throw c.format("dims", "must list the permuted axes (1-based), got " + v);
        }
        return new Op.Permute(Arrays.stream(c.ints("dims", v.size(), null)).boxed().toList());
    }

    static Op repeatVector(LayerConfig c) {
        int n = c.integer("n");
        if (n < 1) {
            throw c.format("n", "must be >= 1, got " + n);
        }
        return new Op.RepeatVector(n);
    }

    static Op convTranspose(LayerConfig c, int rank, Activation activation) {
        channelsLast(c);
        int[] ones = new int[rank];
        Arrays.fill(ones, 1);
        int[] k = c.ints("kernel_size", rank, null);
        int[] s = c.ints("strides", rank, ones);
        int[] d = c.ints("dilation_rate", rank, ones);
        if (Arrays.stream(d).anyMatch(x -> x != 1)) {
            throw c.unsupported("has dilation_rate " + Arrays.toString(d) + "; mcugen supports transposed convolutions"
                    + " with dilation 1 only");
        }
        if (c.integer("groups", 1) != 1) {
            throw c.unsupported("is grouped; mcugen supports groups 1 only");
        }
        JsonNode op = c.raw("output_padding");
        List<Integer> outputPadding = op == null || op.isNull() ? List.of()
                : Arrays.stream(c.ints("output_padding", rank, null)).boxed().toList();
        String padding = c.string("padding", "valid").toLowerCase(Locale.ROOT);
        if (!padding.equals("valid") && !padding.equals("same")) {
            throw c.unsupported("has padding '" + padding + "'; mcugen supports 'valid' and 'same'");
        }
        int filters = c.integer("filters");
        if (filters < 1) {
            throw c.format("filters", "must be >= 1, got " + filters);
        }
        return new Op.ConvTranspose(filters, Arrays.stream(k).boxed().toList(), Arrays.stream(s).boxed().toList(),
                padding.equals("same") ? Padding.SAME : Padding.VALID, outputPadding, activation, c.bool("use_bias", true));
    }

    private static void channelsLast(LayerConfig c) {
        String format = c.string("data_format", "channels_last");
        if (format != null && !format.equals("channels_last")) {
            throw c.unsupported("has data_format '" + format + "'; mcugen supports channels_last only");
        }
    }
}
