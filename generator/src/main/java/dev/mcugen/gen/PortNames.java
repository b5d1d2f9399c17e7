package dev.mcugen.gen;

import dev.mcugen.ir.Names;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The C names of a model's inputs and outputs, shared by the integer C ({@link Lowering}) and the
 * float baseline ({@link FloatCGenerator}). One input and one output keep the names the API always
 * had: parameters {@code x} and {@code y}, the word {@code input} / {@code output} (types
 * {@code <id>_input_t}, macros {@code <ID>_INPUT_SIZE}). Otherwise each takes its tensor's name, made
 * an identifier fragment by {@link Names#cFragment} (two names that meet after that, case ignored, get
 * their position appended): parameter {@code in_<name>} / {@code out_<name>}, word
 * {@code input_<name>} / {@code output_<name>}. A parameter must not hide a file-scope name
 * {@code <id>_...}: the prefixes grow a 'p' in front until none can.
 */
final class PortNames {
    /** One input's or output's names: the parameter, the word of its type and macros, the label of its comments. */
    record Port(String param, String word, String label) {
        /** The macro part after {@code <ID>_}: the word in upper case. */
        String macro() {
            return word.toUpperCase(Locale.ROOT);
        }
    }

    private PortNames() {
    }

    /** The names of {@code inputs}, in order. */
    static List<Port> inputs(String id, List<String> inputs, List<String> outputs) {
        return of(id, inputs, outputs, true);
    }

    /** The names of {@code outputs}, in order. */
    static List<Port> outputs(String id, List<String> inputs, List<String> outputs) {
        return of(id, inputs, outputs, false);
    }

    private static List<Port> of(String id, List<String> inputs, List<String> outputs, boolean in) {
        boolean single = inputs.size() == 1 && outputs.size() == 1;
        List<String> inFrags = fragments(inputs);
        List<String> outFrags = fragments(outputs);
        String pin = "in_";
        String pout = "out_";
        while (startsWithId(id, pin, inFrags) || startsWithId(id, pout, outFrags)) {
            pin = "p" + pin;
            pout = "p" + pout;
        }
        List<Port> ports = new ArrayList<>();
        List<String> frags = in ? inFrags : outFrags;
        for (int k = 0; k < frags.size(); k++) {
            String f = frags.get(k);
            if (single) {
                ports.add(in ? new Port("x", "input", "Input") : new Port("y", "output", "Output"));
            } else {
                ports.add(in ? new Port(pin + f, "input_" + f, "Input " + k) : new Port(pout + f, "output_" + f, "Output " + k));
            }
        }
        return List.copyOf(ports);
    }

    private static List<String> fragments(List<String> names) {
        Set<String> seen = new HashSet<>();
        List<String> frags = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            frags.add(fragment(names.get(k), k, seen));
        }
        return frags;
    }

    /** {@code name} as an identifier fragment distinct (case ignored) from those in {@code seen}. */
    private static String fragment(String name, int k, Set<String> seen) {
        String f = Names.cFragment(name);
        if (f.isEmpty() || !seen.add(f.toUpperCase(Locale.ROOT))) {
            String base = f + (f.isEmpty() ? "" : "_") + k;
            f = base;
            for (int j = 2; !seen.add(f.toUpperCase(Locale.ROOT)); j++) {
                f = base + "_" + j;
            }
        }
        return f;
    }

    private static boolean startsWithId(String id, String prefix, List<String> frags) {
        return frags.stream().anyMatch(f -> (prefix + f).startsWith(id + "_"));
    }
}
