/**
 * The Keras configuration mapping that TF.js {@code model.json}, Keras {@code .h5} and Keras 3
 * {@code .keras} share, so that a layer supported in one format is supported in all:
 * {@link dev.mcugen.ir.keras.KerasTopology} (layers, connections, nested models inlined, Keras 3 weight
 * paths), {@link dev.mcugen.ir.keras.LayerMapper} (layer config to IR op; {@code SUPPORTED} lists the
 * classes), {@link dev.mcugen.ir.keras.LayerWeights} (weights named {@code <layer>/<key>}) and
 * {@link dev.mcugen.ir.keras.KerasGraphs} (the graph assembly). The format packages only find the
 * configuration and the weights.
 */
package dev.mcugen.ir.keras;
