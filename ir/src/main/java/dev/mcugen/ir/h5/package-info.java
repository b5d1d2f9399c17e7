/**
 * Keras {@code .h5} (Keras 2 and Keras 3 legacy HDF5) and Keras 3 {@code .keras} (zip) import, read with
 * jhdf (pure Java HDF5) over the shared Keras mapping of {@code dev.mcugen.ir.keras}.
 */
package dev.mcugen.ir.h5;
