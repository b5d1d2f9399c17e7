package dev.mcugen.gen;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Static memory planning: every intermediate tensor gets a byte offset in one arena, and two
 * tensors share bytes only when their lifetimes do not overlap. A lifetime is the closed interval
 * of steps {@code [producer, last reader]}; closed, so a kernel's output never overlaps its own
 * inputs (no kernel runs in place). Placement is greedy best-known-first: largest buffer first
 * (ties by first use, then name), each at the lowest 4-byte aligned offset that does not collide
 * with a placed buffer alive at the same time. Deterministic for the same input.
 */
public final class MemoryPlanner {
    /** Alignment of every buffer, in bytes. */
    public static final int ALIGN = 4;

    /** A buffer to place: {@code bytes} live from step {@code first} to step {@code last}, inclusive. */
    public record Buffer(String name, int bytes, int first, int last) {
        public Buffer {
            if (bytes <= 0 || first > last) {
                throw new IllegalArgumentException("buffer " + name + ": " + bytes + " bytes, steps " + first + ".." + last);
            }
        }

        boolean aliveWith(Buffer o) {
            return first <= o.last && o.first <= last;
        }
    }

    /** The plan: offsets by buffer name (in the order given) and the arena size (a multiple of 4, at least 4). */
    public record Plan(Map<String, Integer> offsets, int arenaBytes) {
    }

    private MemoryPlanner() {
    }

    public static Plan plan(List<Buffer> buffers) {
        List<Buffer> order = new ArrayList<>(buffers);
        order.sort(Comparator.comparingInt(Buffer::bytes).reversed().thenComparingInt(Buffer::first)
                .thenComparing(Buffer::name));
        List<Buffer> placed = new ArrayList<>();
        Map<String, Integer> at = new LinkedHashMap<>();
        int size = 0;
        for (Buffer b : order) {
            List<int[]> busy = new ArrayList<>();
            for (Buffer p : placed) {
                if (p.aliveWith(b)) {
                    int o = at.get(p.name());
                    busy.add(new int[] {o, o + p.bytes()});
                }
            }
            busy.sort(Comparator.comparingInt(r -> r[0]));
            int offset = 0;
            for (int[] r : busy) {
                if (offset + b.bytes() <= r[0]) {
                    break;
                }
                offset = Math.max(offset, align(r[1]));
            }
            at.put(b.name(), offset);
            placed.add(b);
            size = Math.max(size, offset + b.bytes());
        }
        Map<String, Integer> offsets = new LinkedHashMap<>();
        for (Buffer b : buffers) {
            offsets.put(b.name(), at.get(b.name()));
        }
        return new Plan(offsets, Math.max(ALIGN, align(size)));
    }

    static int align(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }
}
