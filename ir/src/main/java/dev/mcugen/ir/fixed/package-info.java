/**
 * The integer arithmetic that the fixed-point simulator and the generated C both implement, bit for
 * bit (DESIGN §3): {@link dev.mcugen.ir.fixed.FixedPoint} (srdhm, rounding shifts, requantization,
 * saturating casts), {@link dev.mcugen.ir.fixed.QuantizedMultiplier} (a real scale as the integer
 * pair the C applies), and int16 sigmoid/tanh ({@link dev.mcugen.ir.fixed.Int16Activation}) in two
 * schemes, {@link dev.mcugen.ir.fixed.LutActivation} (TFLM/CMSIS-NN table with interpolation) and
 * {@link dev.mcugen.ir.fixed.PolyActivation} (gemmlowp's table-free evaluation). Each public method
 * states its exact formula and the C form the runtime mirrors; {@code docs/activations.md} explains
 * the activation schemes and their measured errors.
 */
package dev.mcugen.ir.fixed;
