/**
 * {@code --target java}: the Java twin of the generated C. {@link dev.mcugen.gen.twin.JavaTwinGenerator}
 * writes the quantized model as one self-contained, float-free Java class whose kernels are the
 * fixed-point simulator's own integer code ({@link dev.mcugen.gen.twin.KernelSources}); {@link
 * dev.mcugen.gen.twin.TwinCompiler} compiles it in memory and {@link dev.mcugen.gen.twin.TwinRunner} runs
 * it through its API for {@code verify}; {@link dev.mcugen.gen.twin.FloatFree} is its float-free check.
 */
package dev.mcugen.gen.twin;
