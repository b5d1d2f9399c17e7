package dev.mcugen.qemu;

import dev.mcugen.compiler.Boards;
import dev.mcugen.scale.QuantOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The targets of DESIGN §7: how to compile for each one and how to run the result.
 *
 * <p>Cortex-M targets count work with SysTick under {@code -icount shift=0} (one instruction = 1 ns
 * of virtual time); {@link #instructionsPerTickNumerator()} / {@link #instructionsPerTickDenominator()}
 * is the factor measured on each board (see qemu-tests/README.md). {@code neon} counts instructions
 * from QEMU's exec trace; {@code host} does not count.
 */
public enum Target {
    HOST("host", Kind.NATIVE, "gcc", List.of(), null, null, "size", "nm", 0, 1),
    CORTEX_M0("cortex-m0", Kind.CORTEX_M, "arm-none-eabi-gcc", List.of("-mcpu=cortex-m0", "-mthumb"),
            "microbit", "microbit.ld", "arm-none-eabi-size", "arm-none-eabi-nm", 125, 2),
    CORTEX_M3("cortex-m3", Kind.CORTEX_M, "arm-none-eabi-gcc", List.of("-mcpu=cortex-m3", "-mthumb"),
            "mps2-an385", "mps2-an385.ld", "arm-none-eabi-size", "arm-none-eabi-nm", 40, 1),
    CORTEX_M4("cortex-m4", Kind.CORTEX_M, "arm-none-eabi-gcc",
            List.of("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"),
            "mps2-an386", "mps2-an386.ld", "arm-none-eabi-size", "arm-none-eabi-nm", 40, 1),
    CORTEX_M7("cortex-m7", Kind.CORTEX_M, "arm-none-eabi-gcc", List.of("-mcpu=cortex-m7", "-mthumb"),
            "mps2-an500", "mps2-an500.ld", "arm-none-eabi-size", "arm-none-eabi-nm", 40, 1),
    // Armv8-M Mainline with the DSP extension; the AN505's SysTick runs at its 20 MHz SYSCLK.
    CORTEX_M33("cortex-m33", Kind.CORTEX_M, "arm-none-eabi-gcc",
            List.of("-mcpu=cortex-m33", "-mthumb", "-mfloat-abi=soft"),
            "mps2-an505", "mps2-an505.ld", "arm-none-eabi-size", "arm-none-eabi-nm", 50, 1),
    // Armv8.1-M: soft float ABI, so gcc enables no MVE (Helium) and the M4/M7 DSP kernels run; the
    // AN547's SysTick runs at its 32 MHz SYSCLK (31.25 instructions per tick).
    CORTEX_M55("cortex-m55", Kind.CORTEX_M, "arm-none-eabi-gcc",
            List.of("-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=soft"),
            "mps3-an547", "mps3-an547.ld", "arm-none-eabi-size", "arm-none-eabi-nm", 125, 4),
    NEON("neon", Kind.LINUX_USER, "aarch64-linux-gnu-gcc", List.of("-static"), null, null,
            "aarch64-linux-gnu-size", "aarch64-linux-gnu-nm", 1, 1);

    /** How a target's program runs. */
    public enum Kind {
        /** Natively on the build machine. */
        NATIVE,
        /** Bare metal under {@code qemu-system-arm}, output and exit through semihosting. */
        CORTEX_M,
        /** A static Linux program under QEMU user mode. */
        LINUX_USER
    }

    public static final String QEMU_SYSTEM_ARM = "qemu-system-arm";
    public static final String QEMU_AARCH64 = "qemu-aarch64";

    private final String id;
    private final Kind kind;
    private final String compiler;
    private final List<String> cpuFlags;
    private final String board;
    private final String linkerScript;
    private final String sizeTool;
    private final String nmTool;
    private final long instructionsPerTickNumerator;
    private final long instructionsPerTickDenominator;

    Target(String id, Kind kind, String compiler, List<String> cpuFlags, String board, String linkerScript,
           String sizeTool, String nmTool, long ipsNum, long ipsDen) {
        this.id = id;
        this.kind = kind;
        this.compiler = compiler;
        this.cpuFlags = cpuFlags;
        this.board = board;
        this.linkerScript = linkerScript;
        this.sizeTool = sizeTool;
        this.nmTool = nmTool;
        this.instructionsPerTickNumerator = ipsNum;
        this.instructionsPerTickDenominator = ipsDen;
    }

    /** The board memory of a Cortex-M target ({@link Boards}); empty for host and neon (no fixed budget). */
    public Optional<Boards.Memory> memory() {
        return Boards.memory(quantTarget());
    }

    /** The same target as the quantizer names it. */
    public QuantOptions.Target quantTarget() {
        return QuantOptions.Target.valueOf(name());
    }

    /** The name used on the command line ({@code --target}). */
    public String id() {
        return id;
    }

    public Kind kind() {
        return kind;
    }

    public String compiler() {
        return compiler;
    }

    /** Flags selecting the CPU and instruction set (without optimisation or board flags). */
    public List<String> cpuFlags() {
        return cpuFlags;
    }

    /** The QEMU machine ({@code -M}), present for Cortex-M targets only. */
    public Optional<String> board() {
        return Optional.ofNullable(board);
    }

    /** The linker script's file name inside the board support folder, for Cortex-M targets. */
    public Optional<String> linkerScript() {
        return Optional.ofNullable(linkerScript);
    }

    public String sizeTool() {
        return sizeTool;
    }

    public String nmTool() {
        return nmTool;
    }

    /** Instructions per SysTick tick = numerator / denominator (Cortex-M; measured per board). */
    public long instructionsPerTickNumerator() {
        return instructionsPerTickNumerator;
    }

    public long instructionsPerTickDenominator() {
        return instructionsPerTickDenominator;
    }

    /** The emulator this target needs, if any. */
    public Optional<String> emulator() {
        return switch (kind) {
            case NATIVE -> Optional.empty();
            case CORTEX_M -> Optional.of(QEMU_SYSTEM_ARM);
            case LINUX_USER -> Optional.of(QEMU_AARCH64);
        };
    }

    /** The programs that compile and measure for this target; they always run on this machine. */
    public List<String> buildTools() {
        return List.of(compiler, sizeTool, nmTool);
    }

    /** Every external program compiling and running for this target needs (build tools + emulator). */
    public List<String> requiredTools() {
        return emulator().map(e -> List.of(compiler, sizeTool, nmTool, e)).orElseGet(this::buildTools);
    }

    public boolean isCortexM() {
        return kind == Kind.CORTEX_M;
    }

    public static Target fromId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown target '" + id + "'; expected one of "
                        + Arrays.stream(values()).map(Target::id).toList()));
    }

    @Override
    public String toString() {
        return id;
    }
}
