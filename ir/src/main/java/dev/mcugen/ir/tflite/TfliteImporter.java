package dev.mcugen.ir.tflite;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import java.nio.file.Path;

/** Imports float {@code .tflite} files (placeholder until the importer lands). */
public final class TfliteImporter {
    private TfliteImporter() {
    }

    public static ImportedModel load(Path file) {
        throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file.toString(), "TFLite import is not available yet");
    }
}
