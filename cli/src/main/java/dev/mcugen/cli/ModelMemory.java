package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.gen.View;
import dev.mcugen.qemu.ObjectSizes;

/**
 * report.json's {@code model_memory}: what the model alone needs, beside the whole test image's
 * figures verify also records ({@code cost}). Exact from the generated C: the constants (flash), the
 * arena and the recurrent state (RAM, the context {@code <id>_ctx_t}). From verify: the stack of one
 * inference, measured on the target by painting; and the model's object files (the generated C and
 * the runtime sources it calls, compiled with the target's flags) by section. A figure build cannot
 * know is null.
 */
final class ModelMemory {
    private ModelMemory() {
    }

    /**
     * The section.
     *
     * @param f       the generated C's footprint
     * @param stack   the stack measured by verify (null in build or when not measured)
     * @param objects the model's object files (null in build or when they could not be measured)
     * @param target  the target the objects were compiled for (for the note)
     * @param verify   whether verify writes it (then a null figure could not be measured, rather than left to verify)
     */
    static ObjectNode json(View.Footprint f, Long stack, ObjectSizes objects, String target, boolean verify) {
        ObjectNode o = dev.mcugen.scale.ContractReport.mapper().createObjectNode();
        o.put("constants_bytes", f.constBytes());
        o.put("arena_bytes", f.arenaBytes());
        o.put("state_bytes", f.stateBytes());
        o.put("context_bytes", f.contextBytes());
        if (stack != null) {
            o.put("stack_bytes", stack);
        } else {
            o.putNull("stack_bytes");
        }
        if (objects != null) {
            o.put("code_bytes", objects.textBytes());
            o.put("object_constants_bytes", objects.rodataBytes());
            o.put("object_data_bytes", objects.dataBytes());
            o.put("object_bss_bytes", objects.bssBytes());
        } else {
            o.putNull("code_bytes");
            o.putNull("object_constants_bytes");
            o.putNull("object_data_bytes");
            o.putNull("object_bss_bytes");
        }
        o.put("note", "constants, arena and state: exact, from the generated C (the arena and the state make up the"
                + " context <id>_ctx_t)"
                + (stack != null ? "; stack: one inference of sample 0, measured on " + target + " by painting"
                : verify ? "; stack: not measured on " + target : "; stack: measured by verify")
                + (objects != null ? "; code and object sections: the generated C and the runtime sources it calls, compiled"
                + " for " + target + " with the test image's flags (-O2, one section per function), before linking"
                : verify ? "; code size: the model's sources could not be compiled on their own for " + target
                : "; code size: measured by verify from the model's object files"));
        return o;
    }

}
