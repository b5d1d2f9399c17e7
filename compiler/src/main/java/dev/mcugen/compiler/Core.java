package dev.mcugen.compiler;

import dev.mcugen.scale.QuantOptions;
import java.util.Optional;

/**
 * The Arm Cortex-M cores of the boards mcugen knows (the catalog's parts and the QEMU machines
 * {@code verify} runs on), with the instruction set each executes. The architectures nest: Armv6-M
 * (Cortex-M0, M0+) is contained in Armv7-M (M3), which is contained in Armv7E-M (M4, M7: the DSP
 * extension), itself contained in Armv8-M Mainline with the DSP extension (M33 as built in every part
 * here) and in Armv8.1-M Mainline (M55). A core runs the code of every {@code --target} whose
 * architecture its own contains: cortex-m0 code runs on every core, cortex-m4 code on an M7, M33 or
 * M55, cortex-m55 code only on an M55.
 */
public enum Core {
    CORTEX_M0("Cortex-M0", 0, QuantOptions.Target.CORTEX_M0),
    CORTEX_M0PLUS("Cortex-M0+", 0, QuantOptions.Target.CORTEX_M0),
    CORTEX_M3("Cortex-M3", 1, QuantOptions.Target.CORTEX_M3),
    CORTEX_M4("Cortex-M4", 2, QuantOptions.Target.CORTEX_M4),
    CORTEX_M7("Cortex-M7", 2, QuantOptions.Target.CORTEX_M7),
    CORTEX_M33("Cortex-M33", 3, QuantOptions.Target.CORTEX_M33),
    CORTEX_M55("Cortex-M55", 4, QuantOptions.Target.CORTEX_M55);

    private static final String[] ARCHITECTURES = {"Armv6-M", "Armv7-M", "Armv7E-M", "Armv8-M Mainline",
        "Armv8.1-M Mainline"};

    private final String label;
    private final int architecture;
    private final QuantOptions.Target target;

    Core(String label, int architecture, QuantOptions.Target target) {
        this.label = label;
        this.architecture = architecture;
        this.target = target;
    }

    /** The core's name as Arm writes it, e.g. "Cortex-M0+". */
    public String label() {
        return label;
    }

    /** The instruction set architecture, e.g. "Armv6-M". */
    public String architecture() {
        return ARCHITECTURES[architecture];
    }

    /** The {@code --target} made for this core: what {@code --board} alone compiles for. */
    public QuantOptions.Target target() {
        return target;
    }

    /**
     * Whether this core executes code built for {@code code}: a Cortex-M target whose architecture
     * this core's contains. Never host or neon.
     */
    public boolean runs(QuantOptions.Target code) {
        return architectureOf(code).map(a -> a <= architecture).orElse(false);
    }

    /** The architecture of a target's code, e.g. "Armv6-M" for cortex-m0; empty for host, neon and java. */
    public static Optional<String> architectureName(QuantOptions.Target code) {
        return architectureOf(code).map(a -> ARCHITECTURES[a]);
    }

    private static Optional<Integer> architectureOf(QuantOptions.Target code) {
        return switch (code) {
            case CORTEX_M0 -> Optional.of(0);
            case CORTEX_M3 -> Optional.of(1);
            // -mcpu=cortex-m7 code is Armv7E-M like cortex-m4's (tuned for the M7's pipeline only).
            case CORTEX_M4, CORTEX_M7 -> Optional.of(2);
            case CORTEX_M33 -> Optional.of(3);
            case CORTEX_M55 -> Optional.of(4);
            case HOST, NEON, JAVA -> Optional.empty();
        };
    }
}
