/**
 * Calibration (seed 001 min/max): {@link dev.mcugen.ir.calib.Calibrator} runs representative data
 * through the float interpreter and records, per tensor the interpreter reports (model inputs, node
 * outputs, recurrent internals per time step), a {@link dev.mcugen.ir.calib.TensorRange} with a
 * {@link dev.mcugen.ir.calib.Histogram}; the scale solver turns these into scales and zero points.
 */
package dev.mcugen.ir.calib;
