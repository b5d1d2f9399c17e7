package dev.mcugen.ir;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape of one tensor without its batch dimension, row-major (C order).
 * A dimension of {@link #UNKNOWN} is not fixed by the model (a variable sequence length); it is
 * fixed by the data the model runs on.
 */
public record Shape(List<Integer> dims) {
    /** Marks a dimension the model leaves open (Keras {@code null}). */
    public static final int UNKNOWN = -1;

    public Shape {
        dims = List.copyOf(dims);
        for (int d : dims) {
            if (d < 0 && d != UNKNOWN) {
                throw new IllegalArgumentException("negative dimension " + d + " in " + dims);
            }
        }
    }

    public static Shape of(int... dims) {
        return new Shape(java.util.Arrays.stream(dims).boxed().toList());
    }

    public int rank() {
        return dims.size();
    }

    public int dim(int i) {
        return dims.get(i < 0 ? dims.size() + i : i);
    }

    /** The last dimension (features / channels). */
    public int last() {
        return dims.get(dims.size() - 1);
    }

    public boolean isFullyKnown() {
        return dims.stream().noneMatch(d -> d == UNKNOWN);
    }

    /** Number of elements; only for fully known shapes. */
    public int size() {
        long n = 1;
        for (int d : dims) {
            if (d == UNKNOWN) {
                throw new IllegalStateException("size of a shape with an unknown dimension: " + this);
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalStateException("tensor too large: " + this);
            }
        }
        return (int) n;
    }

    public int[] toArray() {
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** This shape with dimension {@code i} replaced. */
    public Shape with(int i, int value) {
        int[] a = toArray();
        a[i < 0 ? a.length + i : i] = value;
        return of(a);
    }

    /** This shape with the unknown dimensions taken from {@code concrete} (same rank). */
    public boolean accepts(Shape concrete) {
        if (concrete.rank() != rank()) {
            return false;
        }
        for (int i = 0; i < rank(); i++) {
            if (dims.get(i) != UNKNOWN && !dims.get(i).equals(concrete.dims.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return dims.stream().map(d -> d == UNKNOWN ? "?" : Integer.toString(d))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
