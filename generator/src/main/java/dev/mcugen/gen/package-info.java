/** Lowering of the quantized IR to a C view model and FreeMarker rendering; filled by the C generation work. */
package dev.mcugen.gen;
