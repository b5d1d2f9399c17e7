package dev.mcugen.ir;

/**
 * The memory budget of a command: before a large allocation whose size is known up front (a file's
 * bytes, an array a header promises), check it fits the heap that is left, and refuse with
 * {@link Diag#MCG_ENV_OUT_OF_MEMORY} naming what needed it, instead of failing somewhere later with
 * an OutOfMemoryError whose trace says nothing useful.
 */
public final class MemoryBudget {
    private MemoryBudget() {
    }

    /** The bytes the heap can still give: its maximum less what is in use now. */
    public static long available() {
        Runtime rt = Runtime.getRuntime();
        return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /**
     * Checks that {@code bytes} more can be allocated.
     *
     * @param subject the file or tensor that needs them
     * @param what    what for, e.g. "reading it"
     */
    public static void require(String subject, long bytes, String what) {
        long left = available();
        if (bytes > left) {
            // Garbage may be all that holds the rest: one collection before refusing.
            System.gc();
            left = available();
        }
        if (bytes > left) {
            throw new McugenException(Diag.MCG_ENV_OUT_OF_MEMORY, subject, what + " needs " + mb(bytes)
                    + " MB but the Java heap has " + mb(left) + " MB left of " + mb(Runtime.getRuntime().maxMemory())
                    + " MB; give it more with MCUGEN_JAVA_OPTS=-Xmx<size> (e.g. -Xmx4g), or use smaller data");
        }
    }

    private static long mb(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
