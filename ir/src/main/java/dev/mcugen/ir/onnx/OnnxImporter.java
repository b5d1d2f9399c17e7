package dev.mcugen.ir.onnx;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ImportedModel;
import dev.mcugen.ir.McugenException;
import java.nio.file.Path;

/** Imports ONNX models (placeholder until the importer lands). */
public final class OnnxImporter {
    private OnnxImporter() {
    }

    public static ImportedModel load(Path file) {
        throw new McugenException(Diag.MCG_IMPORT_UNSUPPORTED, file.toString(), "ONNX import is not available yet");
    }
}
