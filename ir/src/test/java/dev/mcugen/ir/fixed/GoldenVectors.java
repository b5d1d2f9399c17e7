package dev.mcugen.ir.fixed;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;

/**
 * (inputs, expected output) tables for every primitive of this package, for the C runtime's host
 * tests to replay: one CSV per primitive, a header line naming the columns, then one row of decimal
 * integers per case, the last column the expected result. Rows are the edge values of
 * {@link ExactReference#edgeValues()} crossed with each other (or with every shift), then seeded
 * random operands of every magnitude; activations list every int16 input for every format.
 * Run {@link #main} with an output folder (default {@code target/golden-vectors}).
 *
 * <p>{@link #writeBinary} writes the same tables in the compact form the C host tests
 * ({@code runtime-c/test}) read: {@code <name>.bin}, the 4 bytes {@code MCGV}, then the number of
 * columns and of rows, then the rows, every value an int32 in little-endian byte order.
 */
public final class GoldenVectors {
    /** One primitive's cases. */
    public record Table(String name, List<String> columns, List<int[]> rows) {
    }

    private static final int RANDOM_ROWS = 100_000;
    private static final long SEED = 20240601L;
    private static final int[] MULTIPLIERS = {0, 1 << 30, (1 << 30) + 1, 1518500250, Integer.MAX_VALUE};

    private GoldenVectors() {
    }

    /** All tables. */
    public static List<Table> all() {
        int[] edges = ExactReference.edgeValues();
        Random rnd = new Random(SEED);
        List<Table> tables = new ArrayList<>();
        tables.add(binary("srdhm", "a", "b", edges, edges, FixedPoint::srdhm, rnd, GoldenVectors::anyMagnitude));
        tables.add(withShift("rdivpot", edges, 0, 31, FixedPoint::rdivpot, rnd));
        tables.add(withShift("shl_sat", edges, 0, 30, FixedPoint::shlSat, rnd));
        tables.add(withShift("mul_pot", edges, FixedPoint.MIN_SHIFT, FixedPoint.MAX_SHIFT, FixedPoint::mulPot, rnd));
        tables.add(requant(edges, rnd));
        tables.add(unary("sat_int8", edges, FixedPoint::satInt8));
        tables.add(unary("sat_int16", edges, FixedPoint::satInt16));
        int[] int16Edges = {-32768, -32767, -16384, -1, 0, 1, 16383, 16384, 32766, 32767};
        tables.add(binary("add_sat16", "a", "b", int16Edges, int16Edges, FixedPoint::addSat16, rnd, GoldenVectors::anyInt16));
        tables.add(binary("sub_sat16", "a", "b", int16Edges, int16Edges, FixedPoint::subSat16, rnd, GoldenVectors::anyInt16));
        for (Int16Activation impl : new Int16Activation[] {LutActivation.INSTANCE, PolyActivation.INSTANCE}) {
            String prefix = impl == LutActivation.INSTANCE ? "lut_" : "poly_";
            tables.add(activation(prefix + "sigmoid", impl::sigmoid));
            tables.add(activation(prefix + "tanh", impl::tanh));
        }
        List<int[]> lut = new ArrayList<>();
        int[] table = LutActivation.table();
        for (int i = 0; i < table.length; i++) {
            lut.add(new int[] {i, table[i]});
        }
        tables.add(new Table("lut_table", List.of("index", "value"), lut));
        return tables;
    }

    /** Writes every table as {@code <name>.csv} into {@code dir}, creating it if needed. */
    public static List<Path> write(Path dir) {
        try {
            Files.createDirectories(dir);
            List<Path> files = new ArrayList<>();
            for (Table t : all()) {
                Path file = dir.resolve(t.name() + ".csv");
                try (BufferedWriter w = Files.newBufferedWriter(file)) {
                    w.write(String.join(",", t.columns()));
                    w.write('\n');
                    StringBuilder line = new StringBuilder();
                    for (int[] row : t.rows()) {
                        line.setLength(0);
                        for (int i = 0; i < row.length; i++) {
                            line.append(i == 0 ? "" : ",").append(row[i]);
                        }
                        w.append(line).append('\n');
                    }
                }
                files.add(file);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Magic bytes at the start of every binary table. */
    public static final byte[] BINARY_MAGIC = {'M', 'C', 'G', 'V'};

    /**
     * Writes every table as {@code <name>.bin} into {@code dir} (format in the class comment),
     * creating it if needed; returns the files in the order of {@link #all()}.
     */
    public static List<Path> writeBinary(Path dir) {
        return writeBinary(dir, all());
    }

    /** Writes the given tables as {@code <name>.bin} into {@code dir}. */
    public static List<Path> writeBinary(Path dir, List<Table> tables) {
        try {
            Files.createDirectories(dir);
            List<Path> files = new ArrayList<>();
            byte[] word = new byte[4];
            for (Table t : tables) {
                Path file = dir.resolve(t.name() + ".bin");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    out.write(BINARY_MAGIC);
                    writeInt(out, word, t.columns().size());
                    writeInt(out, word, t.rows().size());
                    for (int[] row : t.rows()) {
                        if (row.length != t.columns().size()) {
                            throw new IllegalStateException(t.name() + ": row of " + row.length + " values");
                        }
                        for (int v : row) {
                            writeInt(out, word, v);
                        }
                    }
                }
                files.add(file);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeInt(OutputStream out, byte[] word, int v) throws IOException {
        word[0] = (byte) v;
        word[1] = (byte) (v >>> 8);
        word[2] = (byte) (v >>> 16);
        word[3] = (byte) (v >>> 24);
        out.write(word);
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/golden-vectors");
        write(dir).forEach(System.out::println);
    }

    private static int anyMagnitude(Random rnd) {
        return rnd.nextInt() >> rnd.nextInt(32);
    }

    private static int anyInt16(Random rnd) {
        return rnd.nextInt(65536) - 32768;
    }

    private interface IntSource {
        int next(Random rnd);
    }

    private interface ActivationFunction {
        int apply(int x, int integerBits);
    }

    private static Table unary(String name, int[] edges, IntUnaryOperator f) {
        List<int[]> rows = new ArrayList<>();
        for (int x : edges) {
            rows.add(new int[] {x, f.applyAsInt(x)});
        }
        for (int x = -70_000; x <= 70_000; x++) {
            rows.add(new int[] {x, f.applyAsInt(x)});
        }
        return new Table(name, List.of("x", "out"), rows);
    }

    private static Table binary(String name, String a, String b, int[] edgesA, int[] edgesB,
                                IntBinaryOperator f, Random rnd, IntSource random) {
        List<int[]> rows = new ArrayList<>();
        for (int x : edgesA) {
            for (int y : edgesB) {
                rows.add(new int[] {x, y, f.applyAsInt(x, y)});
            }
        }
        for (int i = 0; i < RANDOM_ROWS; i++) {
            int x = random.next(rnd);
            int y = random.next(rnd);
            rows.add(new int[] {x, y, f.applyAsInt(x, y)});
        }
        return new Table(name, List.of(a, b, "out"), rows);
    }

    private static Table withShift(String name, int[] edges, int minShift, int maxShift, IntBinaryOperator f, Random rnd) {
        List<int[]> rows = new ArrayList<>();
        for (int x : edges) {
            for (int e = minShift; e <= maxShift; e++) {
                rows.add(new int[] {x, e, f.applyAsInt(x, e)});
            }
        }
        for (int i = 0; i < RANDOM_ROWS; i++) {
            int x = anyMagnitude(rnd);
            int e = minShift + rnd.nextInt(maxShift - minShift + 1);
            rows.add(new int[] {x, e, f.applyAsInt(x, e)});
        }
        return new Table(name, List.of("x", "shift", "out"), rows);
    }

    private static Table requant(int[] edges, Random rnd) {
        List<int[]> rows = new ArrayList<>();
        for (int x : edges) {
            for (int m : MULTIPLIERS) {
                for (int s = FixedPoint.MIN_SHIFT; s <= FixedPoint.MAX_SHIFT; s++) {
                    rows.add(new int[] {x, m, s, FixedPoint.requant(x, m, s)});
                }
            }
        }
        for (int i = 0; i < RANDOM_ROWS; i++) {
            int x = anyMagnitude(rnd);
            int m = (1 << 30) + rnd.nextInt(1 << 30);
            int s = FixedPoint.MIN_SHIFT + rnd.nextInt(FixedPoint.MAX_SHIFT - FixedPoint.MIN_SHIFT + 1);
            rows.add(new int[] {x, m, s, FixedPoint.requant(x, m, s)});
        }
        return new Table("requant", List.of("x", "multiplier", "shift", "out"), rows);
    }

    private static Table activation(String name, ActivationFunction f) {
        List<int[]> rows = new ArrayList<>();
        for (int m = 0; m <= Int16Activation.MAX_INTEGER_BITS; m++) {
            for (int x = FixedPoint.INT16_MIN; x <= FixedPoint.INT16_MAX; x++) {
                rows.add(new int[] {m, x, f.apply(x, m)});
            }
        }
        return new Table(name, List.of("integer_bits", "x", "out"), rows);
    }
}
