package dev.mcugen.scale.ff;

import dev.mcugen.ir.Op;
import dev.mcugen.scale.Recipe;

/**
 * The recipes of the feed-forward ops (DESIGN §4): one per {@link Op} kind except the recurrent
 * layers. Recipes are stateless; {@link #of} may be called once per node.
 *
 * <table>
 *   <caption>op → recipe, integer op(s), contracts</caption>
 *   <tr><td>Dense, Conv1D, Conv2D</td><td>{@link DenseConvRecipe}</td><td>QFullyConnected / QConv (+ QLogistic,
 *       QRequant or QSoftmax for non-clamp activations)</td><td>Product (bias, logits), Coverage, ExactZero
 *       (ReLU, SAME padding), FixedFormat Q3.12 (sigmoid/tanh pre-activation)</td></tr>
 *   <tr><td>DepthwiseConv</td><td>{@link DepthwiseConvRecipe}</td><td>QDepthwiseConv (+ as Dense)</td><td>as
 *       Dense; weights per channel by default</td></tr>
 *   <tr><td>Pool</td><td>{@link PoolRecipe}</td><td>QPool</td><td>EqualScale</td></tr>
 *   <tr><td>GlobalPool</td><td>{@link GlobalPoolRecipe}</td><td>QGlobalPool</td><td>EqualScale (max; avg under
 *       pot or an open length), else Coverage</td></tr>
 *   <tr><td>Flatten, Reshape, Dropout</td><td>{@link ViewRecipe}</td><td>QReshape</td><td>EqualScale</td></tr>
 *   <tr><td>Activation</td><td>{@link ActivationRecipe}</td><td>QReshape / QRequant / QLogistic /
 *       QSoftmax</td><td>EqualScale (linear, ReLU, ReLU6), else Coverage</td></tr>
 *   <tr><td>LeakyReLU, PReLU, ELU, HardSigmoid (and the activations ELU, swish, hard swish, relu6
 *       hard sigmoid, leaky ReLU, fused or stand-alone)</td><td>{@link PointwiseRecipe}, {@link PointwiseStage}</td>
 *       <td>QLut / QPRelu</td><td>Coverage</td></tr>
 *   <tr><td>BatchNorm (not folded)</td><td>{@link BatchNormRecipe}</td><td>QChannelAffine</td><td>Coverage</td></tr>
 *   <tr><td>LayerNorm</td><td>{@link LayerNormRecipe}</td><td>QLayerNormalization</td><td>Coverage (output),
 *       fixed format of the normalized value, Product (bias)</td></tr>
 *   <tr><td>Embedding</td><td>{@link EmbeddingRecipe}</td><td>QEmbedding</td><td>Coverage of the whole table;
 *       the table's quantization is the output's</td></tr>
 *   <tr><td>Add</td><td>{@link AddRecipe}</td><td>QAdd (QElementwise with a per-channel or constant
 *       operand)</td><td>Coverage</td></tr>
 *   <tr><td>Subtract, Multiply, Average</td><td>{@link ElementwiseRecipe}</td><td>QElementwise</td><td>Coverage</td></tr>
 *   <tr><td>Maximum, Minimum</td><td>{@link ElementwiseRecipe}</td><td>QElementwise</td><td>EqualScale</td></tr>
 *   <tr><td>Concatenate</td><td>{@link ConcatRecipe}</td><td>QConcat</td><td>EqualScale</td></tr>
 *   <tr><td>ZeroPadding, Cropping, UpSampling, Permute, RepeatVector</td><td>{@link MovementRecipe}</td><td>QPad /
 *       QUpsample / QTranspose</td><td>EqualScale; ExactZero(x) for zero padding</td></tr>
 *   <tr><td>ConvTranspose</td><td>{@link TransposeConvRecipe}</td><td>QTransposeConv (+ QLogistic)</td><td>Product
 *       (bias), Coverage, ExactZero (ReLU), FixedFormat Q3.12 (sigmoid/tanh)</td></tr>
 *   <tr><td>Reverse</td><td>{@link ReverseRecipe}</td><td>QReverse</td><td>EqualScale</td></tr>
 * </table>
 * Run {@link BatchNormFolding#fold} on the graph first to fold BatchNorm into the layer before it.
 */
public final class FeedForwardRecipes {
    private FeedForwardRecipes() {
    }

    /** The recipe for a non-recurrent {@code op}; throws {@link IllegalArgumentException} for recurrent ones. */
    public static Recipe of(Op op) {
        if (op instanceof Op.Dense || op instanceof Op.Conv1D || op instanceof Op.Conv2D) {
            return new DenseConvRecipe();
        }
        if (op instanceof Op.DepthwiseConv) {
            return new DepthwiseConvRecipe();
        }
        if (op instanceof Op.Pool) {
            return new PoolRecipe();
        }
        if (op instanceof Op.GlobalPool) {
            return new GlobalPoolRecipe();
        }
        if (op instanceof Op.Flatten || op instanceof Op.Reshape || op instanceof Op.Dropout) {
            return new ViewRecipe();
        }
        if (op instanceof Op.Act) {
            return new ActivationRecipe();
        }
        if (op instanceof Op.LeakyRelu || op instanceof Op.Elu || op instanceof Op.HardSigmoid
                || op instanceof Op.PRelu) {
            return new PointwiseRecipe();
        }
        if (op instanceof Op.BatchNorm) {
            return new BatchNormRecipe();
        }
        if (op instanceof Op.LayerNorm) {
            return new LayerNormRecipe();
        }
        if (op instanceof Op.Embedding) {
            return new EmbeddingRecipe();
        }
        if (op instanceof Op.Add) {
            return new AddRecipe();
        }
        if (op instanceof Op.Concatenate) {
            return new ConcatRecipe();
        }
        if (op instanceof Op.Reverse) {
            return new ReverseRecipe();
        }
        if (op instanceof Op.ConvTranspose) {
            return new TransposeConvRecipe();
        }
        if (dev.mcugen.ir.SpatialOps.handles(op)) {
            return new MovementRecipe();
        }
        if (op instanceof Op.Elementwise) {
            return new ElementwiseRecipe();
        }
        throw new IllegalArgumentException("no feed-forward recipe for " + op.kind());
    }
}
