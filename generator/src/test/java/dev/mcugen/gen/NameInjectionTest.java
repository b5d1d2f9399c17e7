package dev.mcugen.gen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.Names;
import dev.mcugen.ir.json.GraphJson;
import dev.mcugen.ir.quant.IntObserver;
import dev.mcugen.ir.quant.QGraph;
import dev.mcugen.ir.quant.QInput;
import dev.mcugen.ir.sim.FixedPointSimulator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 17 part 1, C injection through names: each reproduced case as a regression test, then a
 * property test with random hostile names. A name used to reach comments and identifiers as it
 * was: a trailing backslash spliced the next line (the softmax call vanished), a newline injected
 * preprocessor lines into .c and .h, U+202E made gcc's -Wbidi-chars fail, mcu_ names clashed with
 * the runtime. Each case generates the C of a small graph (conv, add, pools, dense, sigmoid,
 * softmax) under hostile names, checks the text, compiles it with -Werror and -Wbidi-chars=any, and
 * runs it against the simulator.
 */
class NameInjectionTest {
    /** The layer names of {@link RandomGraphTest#graph}, the input "x" and the model "rnd". */
    private static final List<String> NAMES = List.of("rnd", "x", "conv", "rq", "add", "pool", "gap", "drop", "fc1", "sig",
            "fc2", "softmax", "dw", "prelu", "lut");

    @Test
    void backslashAtTheEndOfLayerNamesKeepsTheSoftmaxCall(@TempDir Path dir) throws Exception {
        Map<String, String> text = checkBitExact(dir, n -> n + "\\", 1);
        assertThat(text.get("rnd_.c")).contains("mcu_softmax_");
    }

    @Test
    void backslashAtTheEndOfTheModelNameKeepsTheBannerOneLine(@TempDir Path dir) throws Exception {
        Map<String, String> text = checkBitExact(dir, n -> n.equals("rnd") ? "har\\" : n, 2);
        assertThat(text.get("har_.h")).contains(" * model: har?\n");
    }

    @Test
    void preprocessorLinesInNamesAreNotInjectedIntoCOrH(@TempDir Path dir) throws Exception {
        Map<String, String> text = checkBitExact(dir, n -> n + "\n#error injected " + n + "\n#define RND_H 1\n", 3);
        for (Map.Entry<String, String> f : text.entrySet()) {
            for (String line : f.getValue().split("\n")) {
                assertThat(line.strip().startsWith("#") && (line.contains("error injected") || line.contains("define RND_H 1"))).as("%s: %s", f.getKey(), line).isFalse();
            }
        }
    }

    @Test
    void commentClosersInNamesDoNotEndTheComment(@TempDir Path dir) throws Exception {
        Map<String, String> text = checkBitExact(dir, n -> n + "*/ int evil_" + n + "; /*", 4);
        assertThat(String.join("", text.values())).doesNotContain("*/ int evil");
    }

    @Test
    void trigraphBackslashInNamesCannotSplice(@TempDir Path dir) throws Exception {
        Map<String, String> text = checkBitExact(dir, n -> n + "??/", 5);
        assertThat(String.join("", text.values())).doesNotContain("??");
    }

    @Test
    void trojanSourceBidiOverrideInNamesNeverReachesTheC(@TempDir Path dir) throws Exception {
        // gcc 12: -Wbidi-chars=any in the compile (see compileAll) fails on any of these in the source
        checkBitExact(dir, n -> n + "\u202e\u2066evil\u2069" + n, 6);
    }

    @Test
    void runtimePrefixesAndKeywordsAsNamesAreMangled(@TempDir Path dir) throws Exception {
        List<String> hostile = List.of("mcu_nn", "int", "mcu_rnn", "while", "mcu_softmax_s8", "MCU_ALIGN4", "_Bool",
                "__x", "rnd_ctx_t", "return", "mcu_fully_connected_s8", "rnd_invoke", "mcu_depthwise_conv_s8", "float",
                "mcu_lut_s8");
        Map<String, String> text = checkBitExact(dir, n -> hostile.get(NAMES.indexOf(n)), 7);
        assertThat(text).containsKey("m_mcu_nn.c");
        assertThatThrownBy(() -> new GenOptions("mcu_nn", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GenOptions("mcu_rnn", List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GenOptions("int", List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesEqualAfterManglingStayDistinctInC(@TempDir Path dir) throws Exception {
        // "conv" derives conv_w, conv_params...: layers named like those, or mangling to them, must not clash
        Map<String, String> to = Map.ofEntries(Map.entry("rnd", "m"), Map.entry("x", "x"), Map.entry("conv", "a"),
                Map.entry("rq", "a_w"), Map.entry("add", "a w"), Map.entry("pool", "a-params"), Map.entry("gap", "a.b"),
                Map.entry("drop", "a_b"), Map.entry("fc1", "a_rescale"), Map.entry("sig", "a?rescale"),
                Map.entry("fc2", "a_params_2"), Map.entry("softmax", "a_ctx_t"), Map.entry("dw", "a_bias"),
                Map.entry("prelu", "a_gains"), Map.entry("lut", "a_table"));
        checkBitExact(dir, to::get, 8);
    }

    @Test
    void floatBaselineCommentsTakeHostileLayerNamesSafely(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        Path har = FloatCGeneratorTest.root().resolve("examples/har_lstm");
        ObjectMapper om = new ObjectMapper();
        ObjectNode j = (ObjectNode) om.readTree(GraphJson.toJson(ModelLoader.load(har)));
        Map<String, String> to = Map.of("lstm_input", "in*/ int evil; /*", "lstm", "lstm??/\n#error injected\u202e",
                "output", "out\\");
        j.put("name", "har\\");
        j.findParents("name").forEach(o -> {
            String n = o.get("name").asText();
            if (to.containsKey(n)) {
                ((ObjectNode) o).put("name", to.get(n));
            }
        });
        for (JsonNode n : j.get("nodes")) {
            ArrayNode ins = (ArrayNode) n.get("inputs");
            for (int i = 0; i < ins.size(); i++) {
                ins.set(i, to.get(ins.get(i).asText()));
            }
        }
        ((ArrayNode) j.get("outputs")).set(0, "out\\");
        Graph g = GraphJson.fromJson(om.writeValueAsString(j));
        String id = Names.cIdentifier(g.name());
        FloatCGenerator.Output out = new FloatCGenerator().build(g, id, List.of("model " + g.name()));
        CGenerator.write(out.files(), dir);
        Map<String, String> text = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> f : out.files().entrySet()) {
            if (!f.getKey().startsWith("runtime")) {
                text.put(f.getKey(), new String(f.getValue(), StandardCharsets.UTF_8));
            }
        }
        checkText(text, g.name());
        assertThat(String.join("", text.values())).contains("mcf_softmax_f32(").doesNotContain("\n#error");
        List<String> cmd = new ArrayList<>(List.of("gcc", "-fsyntax-only", "-std=c99", "-Wall", "-Wextra", "-Werror",
                "-Wconversion", "-Wbidi-chars=any"));
        Files.walk(dir).filter(p -> p.toString().endsWith(".h")).map(p -> "-I" + p.getParent()).distinct().forEach(cmd::add);
        cmd.add(dir.resolve(id + ".c").toString());
        HostC.exec(cmd, null, dir);
    }

    /**
     * Property: random names (weird code points, \, *\/, ??/, line breaks, keywords, mcu_ prefixes,
     * names equal after mangling) on every layer, the input and the model; the C of every case
     * compiles with -Werror -Wbidi-chars=any, keeps every kernel call, is ASCII with no line
     * ending in a backslash; a sample of the cases also runs bit-exact against the simulator.
     */
    @Test
    void arbitraryUnicodeNamesGiveCThatCompilesWithWerror(@TempDir Path dir) throws Exception {
        HostC.requireGcc();
        long start = System.nanoTime();
        Random r = new Random(2026);
        List<Path> sources = new ArrayList<>();
        int cases = 300;
        for (int c = 0; c < cases; c++) {
            Map<String, String> to = randomNames(r);
            long seed = r.nextLong();
            QGraph g = RandomGraphTest.graph(new Random(seed), c % 2 == 0 ? 8 : 16, to::get);
            String id = Names.cIdentifier(g.name());
            CGenerator.Output out = new CGenerator().build(g, new GenOptions(id, List.of("case " + c + " " + g.name())));
            Path d = dir.resolve("case" + c);
            CGenerator.write(out.files(), d);
            Map<String, String> text = modelFiles(out.files(), id);
            checkText(text, "case " + c + " " + to);
            String plain = new String(new CGenerator().build(RandomGraphTest.graph(new Random(seed), c % 2 == 0 ? 8 : 16,
                    UnaryOperator.identity()), new GenOptions("rnd", List.of())).files().get("rnd.c"), StandardCharsets.UTF_8);
            assertThat(calls(text.get(id + ".c"))).as("case %d %s", c, to).isEqualTo(calls(plain));
            sources.add(d.resolve(id + ".c"));
            if (c % 100 == 0) {
                runBitExact(d.resolve("run"), g, id, out, new Random(seed));
            }
        }
        for (int i = 0; i < sources.size(); i += 50) {
            compileAll(sources.subList(i, Math.min(sources.size(), i + 50)), dir.resolve("case0/runtime/include"), dir);
        }
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(120);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static final List<String> PIECES = List.of("\\", "*/", "/*", "??/", "??=", "?", "\n", "\r\n", "\u2028",
            "#define X 1", "#include <stdio.h>", "\u202e", "\u2066", "\u200f", "\u0000", "\u001b[2J", "\t", "int", "while",
            "_Bool", "__", "_", "mcu_", "MCU_", "mcu_nn", "mcu_rnn", "ctx_t", "_w", "_params", "_b", "_input_gate", "a b", "a_b",
            "\u00e9", "\u5c42", "\ud83d\ude00", "\uffff", "\ufeff", "1", "9x", "\"", "'", "%s", "$", "`", "@", " ", "layer",
            "dense", "softmax");

    /** Twelve distinct random names; a third of them a variant of an earlier one that mangles alike. */
    private static Map<String, String> randomNames(Random r) {
        Map<String, String> to = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        List<String> made = new ArrayList<>();
        for (String n : NAMES) {
            String s;
            do {
                if (!made.isEmpty() && r.nextInt(3) == 0) {
                    String prev = made.get(r.nextInt(made.size()));
                    s = switch (r.nextInt(4)) {
                        case 0 -> prev + "_w";
                        case 1 -> prev.replace('_', ' ') + "\u00e9";
                        case 2 -> prev + "_params";
                        default -> prev + r.nextInt(3);
                    };
                } else {
                    StringBuilder b = new StringBuilder();
                    int k = 1 + r.nextInt(5);
                    for (int i = 0; i < k; i++) {
                        b.append(r.nextInt(6) == 0 ? new String(Character.toChars(1 + r.nextInt(0x10FFFE)))
                                : PIECES.get(r.nextInt(PIECES.size())));
                    }
                    s = b.toString();
                }
                s = s.replaceAll("[\\ud800-\\udfff]", "s"); // lone surrogates (a pair is one code point to Pattern): well-formed UTF-16 only
            } while (!used.add(s));
            made.add(s);
            to.put(n, s);
        }
        return to;
    }

    private static int calls(String c) {
        return (int) c.lines().filter(l -> l.matches("\\s+mcu_\\w+\\(.*")).count();
    }

    /** Generates g renamed by {@code nm}, checks the text, compiles with -Wbidi-chars=any and runs it vs the simulator. */
    private static Map<String, String> checkBitExact(Path dir, UnaryOperator<String> nm, int seed) throws Exception {
        HostC.requireGcc();
        QGraph g = RandomGraphTest.graph(new Random(seed), seed % 2 == 0 ? 16 : 8, nm);
        String id = Names.cIdentifier(g.name());
        CGenerator.Output out = new CGenerator().build(g, new GenOptions(id, List.of("banner " + g.name())));
        Map<String, String> text = modelFiles(out.files(), id);
        checkText(text, g.name());
        String plain = new String(new CGenerator().build(RandomGraphTest.graph(new Random(seed), seed % 2 == 0 ? 16 : 8,
                UnaryOperator.identity()), new GenOptions("rnd", List.of())).files().get("rnd.c"), StandardCharsets.UTF_8);
        assertThat(calls(text.get(id + ".c"))).isEqualTo(calls(plain)).isGreaterThan(5);
        runBitExact(dir, g, id, out, new Random(seed));
        compileAll(List.of(dir.resolve(id + ".c")), dir.resolve("runtime/include"), dir);
        return text;
    }

    private static void runBitExact(Path dir, QGraph g, String id, CGenerator.Output out, Random rnd) throws Exception {
        FixedPointSimulator sim = new FixedPointSimulator(g);
        QInput in = g.inputs().get(0);
        List<int[]> xs = new ArrayList<>();
        List<int[]> want = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            int[] x = new int[in.shape().size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = in.type().qmin() + rnd.nextInt(in.type().qmax() - in.type().qmin() + 1);
            }
            xs.add(x);
            want.add(sim.run(Map.of(in.name(), x), IntObserver.NONE).get(g.outputs().get(0)));
        }
        List<int[]> got = HostC.run(dir, id, out.files(), xs);
        for (int i = 0; i < xs.size(); i++) {
            assertThat(got.get(i)).as("sample %d", i).containsExactly(want.get(i));
        }
    }

    /** The files names reach: the model's .c, .h, CMakeLists.txt and .mk fragment. */
    private static Map<String, String> modelFiles(Map<String, byte[]> files, String id) {
        Map<String, String> text = new LinkedHashMap<>();
        for (String f : List.of(id + ".c", id + ".h", "CMakeLists.txt", id + ".mk")) {
            assertThat(files).containsKey(f);
            text.put(f, new String(files.get(f), StandardCharsets.UTF_8));
        }
        return text;
    }

    private static void checkText(Map<String, String> text, String what) {
        for (Map.Entry<String, String> f : text.entrySet()) {
            String s = f.getValue();
            assertThat(s).as("%s of %s", f.getKey(), what).matches("[\\x20-\\x7e\\n]*").doesNotContain("??");
            for (String line : s.split("\n")) {
                // make continues a '#' comment after a backslash too; its rules end lines in one by design
                boolean comment = !f.getKey().endsWith(".mk") || line.startsWith("#");
                assertThat(comment && line.endsWith("\\")).as("%s of %s: %s", f.getKey(), what, line).isFalse();
            }
        }
    }

    /** gcc -fsyntax-only, C99, every warning an error, any bidirectional character an error (gcc 12). */
    private static void compileAll(List<Path> sources, Path runtimeInclude, Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gcc", "-fsyntax-only", "-std=c99", "-Wall", "-Wextra", "-Werror",
                "-Wconversion", "-Wbidi-chars=any", "-Wcomment", "-Wtrigraphs", "-I" + runtimeInclude));
        sources.forEach(p -> cmd.add(p.toString()));
        HostC.exec(cmd, null, dir);
    }
}
