package dev.mcugen.cli.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes large random-weight models for the compiler scaling benchmark: a TF.js layers
 * {@code model.json} (the format {@code tfjs.io} / {@code tensorflowjs_converter} write: Sequential
 * topology, one weights-manifest group of float32 little-endian values cut into 4 MiB shards named
 * {@code group1-shardKofN.bin}, as TF.js does) and a small {@code calibration.npy} beside it.
 *
 * <p>Two families: a stack of Dense layers (each {@code width x width}, ReLU but the last) and a stack
 * of LSTM layers (input {@code width} features, {@code width} units, every layer but the last
 * returning sequences). Weights are Glorot-uniform, biases uniform in [-0.1, 0.1] (an LSTM's forget
 * gate bias 1, as Keras' {@code unit_forget_bias}); calibration inputs are uniform in [-1, 1]. Every
 * value comes from one {@link SplittableRandom} seeded with {@code --seed}, so the same arguments give
 * byte-identical files.
 *
 * <p>JDK only (no project classes), so that the benchmark script runs it as a single source file:
 * {@code java ScalingModels.java OUT --family lstm --layers 10 --width 2048 --steps 4 --samples 2}.
 */
public final class ScalingModels {
    /** TF.js' default shard size ({@code weightsManifest} paths, 4 MiB each). */
    static final int SHARD_BYTES = 4 * 1024 * 1024;

    /** What to write. */
    public record Spec(String family, int layers, int width, int steps, int samples, long seed) {
        public Spec {
            if (!family.equals("dense") && !family.equals("lstm")) {
                throw new IllegalArgumentException("family must be dense or lstm, not " + family);
            }
            if (layers < 1 || width < 1 || samples < 1 || family.equals("lstm") && steps < 1) {
                throw new IllegalArgumentException("layers, width, samples (and steps for lstm) must be >= 1");
            }
        }

        /** Parameters of layer {@code k} (0-based; every layer reads {@code width} features). */
        long layerParams() {
            long w = width;
            return family.equals("dense") ? w * w + w : 4 * w * (w + w + 1);
        }

        /** Parameters of the whole model. */
        public long params() {
            return layers * layerParams();
        }

        /** The model's name (also the folder name the benchmark uses). */
        public String name() {
            return family + layers + "x" + width;
        }
    }

    private ScalingModels() {
    }

    /**
     * The width of a {@code layers}-layer model of {@code family} whose parameter count is closest to
     * {@code params} (at least 1).
     */
    public static int widthFor(String family, int layers, long params) {
        int best = 1;
        long bestErr = Long.MAX_VALUE;
        for (int w = 1; w <= 100_000; w++) {
            long p = new Spec(family, layers, w, 1, 1, 0).params();
            long err = Math.abs(p - params);
            if (err < bestErr) {
                best = w;
                bestErr = err;
            }
            if (p > params) {
                break;
            }
        }
        return best;
    }

    /** Writes {@code model.json}, its shards and {@code calibration.npy} into {@code dir}. */
    public static void write(Spec s, Path dir) throws IOException {
        Files.createDirectories(dir);
        SplittableRandom rnd = new SplittableRandom(s.seed());
        List<String> weights = new ArrayList<>();
        List<String> layers = new ArrayList<>();
        List<String> shards = new ArrayList<>();
        long total = 0;
        for (int k = 0; k < s.layers(); k++) {
            total += s.layerParams();
        }
        int shardCount = (int) ((total * 4 + SHARD_BYTES - 1) / SHARD_BYTES);
        try (ShardWriter out = new ShardWriter(dir, shardCount, shards)) {
            int w = s.width();
            for (int k = 0; k < s.layers(); k++) {
                boolean last = k == s.layers() - 1;
                String input = k == 0 ? "\"batch_input_shape\": " + (s.family().equals("dense") ? "[null, " + w + "]"
                        : "[null, " + s.steps() + ", " + w + "]") + ", " : "";
                if (s.family().equals("dense")) {
                    String name = "dense_" + (k + 1);
                    layers.add("{\"class_name\": \"Dense\", \"config\": {\"name\": \"" + name + "\", \"trainable\": true, "
                            + input + "\"dtype\": \"float32\", \"units\": " + w + ", \"activation\": \""
                            + (last ? "linear" : "relu") + "\", \"use_bias\": true, \"kernel_initializer\": null, "
                            + "\"bias_initializer\": null, \"kernel_regularizer\": null, \"bias_regularizer\": null, "
                            + "\"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null}}");
                    glorot(out, rnd, w, w, (long) w * w);
                    uniform(out, rnd, w, 0.1f, -1);
                    weights.add(entry(name + "/kernel", w, w));
                    weights.add(entry(name + "/bias", w));
                } else {
                    String name = "lstm_" + (k + 1);
                    layers.add("{\"class_name\": \"LSTM\", \"config\": {\"name\": \"" + name + "\", \"trainable\": true, "
                            + input + "\"dtype\": \"float32\", \"units\": " + w + ", \"activation\": \"tanh\", "
                            + "\"recurrent_activation\": \"sigmoid\", \"use_bias\": true, \"kernel_initializer\": null, "
                            + "\"recurrent_initializer\": null, \"bias_initializer\": null, \"unit_forget_bias\": true, "
                            + "\"kernel_regularizer\": null, \"recurrent_regularizer\": null, \"bias_regularizer\": null, "
                            + "\"activity_regularizer\": null, \"kernel_constraint\": null, \"recurrent_constraint\": null, "
                            + "\"bias_constraint\": null, \"dropout\": 0, \"recurrent_dropout\": 0, \"implementation\": null, "
                            + "\"return_sequences\": " + !last + ", \"return_state\": false, \"go_backwards\": false, "
                            + "\"stateful\": false, \"unroll\": false}}");
                    glorot(out, rnd, w, 4 * w, (long) w * 4 * w);
                    glorot(out, rnd, w, 4 * w, (long) w * 4 * w);
                    // Keras gate order i, f, c, o: the forget gate (second quarter) starts at 1.
                    uniform(out, rnd, 4 * w, 0.1f, w);
                    weights.add(entry(name + "/kernel", w, 4 * w));
                    weights.add(entry(name + "/recurrent_kernel", w, 4 * w));
                    weights.add(entry(name + "/bias", 4 * w));
                }
            }
        }
        StringBuilder json = new StringBuilder();
        json.append("{\"format\": \"layers-model\", \"generatedBy\": \"mcugen ScalingModels (random weights, seed ")
                .append(s.seed()).append(")\", \"convertedBy\": null, \"modelTopology\": {\"class_name\": \"Sequential\", ")
                .append("\"config\": {\"name\": \"").append(s.name()).append("\", \"layers\": [")
                .append(String.join(", ", layers)).append("]}, \"keras_version\": \"tfjs-layers 4.22.0\", ")
                .append("\"backend\": \"tensor_flow.js\"}, \"weightsManifest\": [{\"paths\": [");
        for (int i = 0; i < shards.size(); i++) {
            json.append(i > 0 ? ", " : "").append('"').append(shards.get(i)).append('"');
        }
        json.append("], \"weights\": [").append(String.join(", ", weights)).append("]}]}\n");
        Files.writeString(dir.resolve("model.json"), json);
        int[] shape = s.family().equals("dense") ? new int[] {s.samples(), s.width()}
                : new int[] {s.samples(), s.steps(), s.width()};
        writeNpy(dir.resolve("calibration.npy"), shape, rnd);
    }

    private static String entry(String name, int... shape) {
        StringBuilder b = new StringBuilder("{\"name\": \"").append(name).append("\", \"shape\": [");
        for (int i = 0; i < shape.length; i++) {
            b.append(i > 0 ? ", " : "").append(shape[i]);
        }
        return b.append("], \"dtype\": \"float32\"}").toString();
    }

    /** {@code count} values uniform in +-sqrt(6 / (fanIn + fanOut)). */
    private static void glorot(ShardWriter out, SplittableRandom rnd, int fanIn, int fanOut, long count) throws IOException {
        float limit = (float) Math.sqrt(6.0 / (fanIn + fanOut));
        for (long i = 0; i < count; i++) {
            out.put((float) ((rnd.nextDouble() * 2 - 1) * limit));
        }
    }

    /** {@code count} values uniform in +-limit; values {@code [one, 2 one)} are 1 instead (when one >= 0). */
    private static void uniform(ShardWriter out, SplittableRandom rnd, int count, float limit, int one) throws IOException {
        for (int i = 0; i < count; i++) {
            float v = (float) ((rnd.nextDouble() * 2 - 1) * limit);
            out.put(one >= 0 && i >= one && i < 2 * one ? 1f : v);
        }
    }

    /** A float32 little-endian {@code .npy} (format 1.0) of uniform values in [-1, 1]. */
    static void writeNpy(Path file, int[] shape, SplittableRandom rnd) throws IOException {
        StringBuilder dims = new StringBuilder();
        long n = 1;
        for (int d : shape) {
            dims.append(d).append(", ");
            n *= d;
        }
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims.substring(0, dims.length() - (shape.length > 1 ? 2 : 1)) + "), }";
        int headerLen = 10 + dict.length() + 1;
        int pad = (64 - headerLen % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(10 + header.length() + (int) n * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        buf.putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        for (long i = 0; i < n; i++) {
            buf.putFloat((float) (rnd.nextDouble() * 2 - 1));
        }
        try (OutputStream o = Files.newOutputStream(file)) {
            o.write(buf.array());
        }
    }

    /** Float32 little-endian values into {@code group1-shardKofN.bin} files of {@link #SHARD_BYTES}. */
    private static final class ShardWriter implements AutoCloseable {
        private final Path dir;
        private final int count;
        private final List<String> names;
        private final ByteBuffer buf = ByteBuffer.allocate(SHARD_BYTES).order(ByteOrder.LITTLE_ENDIAN);

        ShardWriter(Path dir, int count, List<String> names) {
            this.dir = dir;
            this.count = count;
            this.names = names;
        }

        void put(float v) throws IOException {
            if (!buf.hasRemaining()) {
                flush();
            }
            buf.putFloat(v);
        }

        private void flush() throws IOException {
            String name = "group1-shard" + (names.size() + 1) + "of" + count + ".bin";
            names.add(name);
            buf.flip();
            try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            buf.clear();
        }

        @Override
        public void close() throws IOException {
            if (buf.position() > 0) {
                flush();
            }
            if (names.size() != count) {
                throw new IllegalStateException(names.size() + " shards written, " + count + " announced");
            }
        }
    }

    /**
     * {@code OUT --family dense|lstm (--layers L --width W | --params P) [--steps T] [--samples N]
     * [--seed S]}: writes the model into folder OUT and prints its name and parameter count.
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ScalingModels OUT --family dense|lstm (--layers L --width W | --layers L --params P)"
                    + " [--steps T] [--samples N] [--seed S]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String family = "dense";
        int layers = 4;
        int width = -1;
        long params = -1;
        int steps = 8;
        int samples = 4;
        long seed = 1;
        for (int i = 1; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--family" -> family = v;
                case "--layers" -> layers = Integer.parseInt(v);
                case "--width" -> width = Integer.parseInt(v);
                case "--params" -> params = Long.parseLong(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--samples" -> samples = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (width < 0) {
            width = widthFor(family, layers, params);
        }
        Spec s = new Spec(family, layers, width, steps, samples, seed);
        try {
            write(s, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.printf(Locale.ROOT, "%s %d%n", s.name(), s.params());
    }
}
