package dev.mcugen.scale.ff;

import dev.mcugen.ir.Node;
import dev.mcugen.ir.Op;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;
import dev.mcugen.ir.quant.QEmbedding;
import dev.mcugen.ir.quant.QNode;
import dev.mcugen.ir.quant.QuantType;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.LoweringContext;
import dev.mcugen.scale.Recipe;
import dev.mcugen.scale.RecipeContext;
import dev.mcugen.scale.TensorSpec;

import java.util.List;

/**
 * Embedding as {@link QEmbedding}. Contract: the table's quantization IS the output's. The output is
 * an activation ({@code --precision} width and symmetry) covering the whole table's range, not only
 * the rows the calibration data used (every row is reachable by some token id); the table is then
 * quantized with the solved output type, so the lookup copies integers with no rescale.
 */
final class EmbeddingRecipe implements Recipe {
    @Override
    public void declare(Node node, RecipeContext ctx) {
        float[] table = node.weight("embeddings").toArray();
        double lo = 0;
        double hi = 0;
        for (float v : table) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        ctx.system().tensor(new TensorSpec(node.name(), Specs.activationBits(ctx.options()),
                Specs.activationSymmetry(ctx.options()), lo, hi));
        ctx.system().add(new Contract.Coverage(node.name(), lo, hi));
    }

    @Override
    public List<QNode> lower(Node node, LoweringContext ctx) {
        Op.Embedding op = (Op.Embedding) node.op();
        QuantType ty = ctx.solution().type(node.name());
        float[] table = node.weight("embeddings").toArray();
        long[] q = new long[table.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = ty.quantize(table[i]);
        }
        return List.of(new QEmbedding(node.name(), node.inputs().get(0), node.outputShape(), ty,
                IntTensor.of(Shape.of(op.inputDim(), op.outputDim()), ty.bits(), q)));
    }
}
