/** The contract system of coupled scales and the heuristic solver (seed 001); filled by the quantization work. */
package dev.mcugen.scale;
