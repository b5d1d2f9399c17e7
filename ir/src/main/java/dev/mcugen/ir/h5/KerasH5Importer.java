package dev.mcugen.ir.h5;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import java.nio.file.Path;

/** Imports Keras {@code .h5} and Keras 3 {@code .keras} files (placeholder until the importer lands). */
public final class KerasH5Importer {
    private KerasH5Importer() {
    }

    public static ImportedModel loadH5(Path file) {
        throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file.toString(), "Keras HDF5 import is not available yet");
    }

    public static ImportedModel loadKerasArchive(Path file) {
        throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file.toString(), "Keras .keras import is not available yet");
    }
}
