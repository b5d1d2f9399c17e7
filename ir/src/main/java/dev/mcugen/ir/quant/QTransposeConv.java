package dev.mcugen.ir.quant;

import dev.mcugen.ir.Shape;

import java.util.List;

/**
 * Integer transposed convolution (Keras Conv1DTranspose over {@code [T, C]}, height 1, and
 * Conv2DTranspose over {@code [H, W, C]}), kernel {@code [kh, kw, F, C]} as Keras stores it:
 * <pre>
 *   acc_f(oy, ox) = bias_f + Σ_{iy, ix, c : r = oy + padTop - iy·sh in [0, kh), q = ox + padLeft - ix·sw in [0, kw)}
 *                           (x(iy, ix, c) - zp_x) · w[r, q, f, c]
 *   y_f(oy, ox)   = clamp(zp_y + R_f(acc_f), actMin, actMax)      (accShift as in QFullyConnected)
 * </pre>
 * The input zero point is subtracted per tap instead of being folded into the bias, because the
 * number of taps reaching an output position varies with the position (at the borders, and with
 * strides); {@code bias_f = round(b_f / (s_w s_x))}. Positions no tap reaches get the bias alone,
 * exactly the float model's result. {@code outH, outW} and the signed {@code padTop, padLeft} come
 * from {@code SpatialOps.transposeGeometry} (TensorFlow's rules).
 *
 * @param weights int8 {@code [kh, kw, F, C]}
 * @param bias    {@code [F]}, int32 (accShift 0) or int64
 * @param rescale one entry or one per filter
 */
public record QTransposeConv(String name, String input, Shape inputShape, Shape outputShape, QuantType outputType,
                             int kernelH, int kernelW, int strideH, int strideW, int padTop, int padLeft,
                             int outH, int outW, int inputZeroPoint, IntTensor weights, IntTensor bias,
                             List<Rescale> rescale, int accShift, int actMin, int actMax) implements QFeedForward {
    public QTransposeConv {
        rescale = List.copyOf(rescale);
        if (inputShape.rank() != 2 && inputShape.rank() != 3 || !inputShape.isFullyKnown()) {
            throw new IllegalArgumentException(name + ": transposed conv input must be a known [T, C] or [H, W, C], not "
                    + inputShape);
        }
        if (inputShape.rank() == 2 && (kernelH != 1 || strideH != 1 || outH != 1 || padTop != 0)) {
            throw new IllegalArgumentException(name + ": a 1-D transposed convolution has height 1");
        }
        int filters = weights.shape().dim(2);
        if (weights.shape().rank() != 4 || !weights.shape().equals(Shape.of(kernelH, kernelW, filters, inputShape.last()))
                || weights.bits() != 8) {
            throw new IllegalArgumentException(name + ": weights must be int8 [" + kernelH + ", " + kernelW + ", F, "
                    + inputShape.last() + "], not " + weights);
        }
        if (strideH < 1 || strideW < 1 || outH < 1 || outW < 1) {
            throw new IllegalArgumentException(name + ": strides and output size must be >= 1");
        }
        QChecks.bias(name, bias, filters, accShift);
        QChecks.rescales(name, rescale, filters);
        QChecks.clamp(name, outputType, actMin, actMax);
    }

    @Override
    public List<String> inputs() {
        return List.of(input);
    }

    public int filters() {
        return weights.shape().dim(2);
    }

    public int channels() {
        return inputShape.last();
    }

    public Rescale rescaleOf(int f) {
        return rescale.size() == 1 ? rescale.get(0) : rescale.get(f);
    }
}
