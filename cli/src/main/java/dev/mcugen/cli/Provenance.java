package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.ir.ModelLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where a report came from: the mcugen version, the command line as given, the SHA-256 of every file
 * read (the model with its weight files, calibration and data) and the time (UTC). With it a report
 * tells which model and which mcugen made the C beside it; it also makes the reports (not the C) differ
 * from one run to the next.
 */
final class Provenance {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A word the shell reads as itself: no quoting needed. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Provenance() {
    }

    /** mcugen's version: the Maven project version recorded at build time ("dev" when it cannot be read). */
    static String version() {
        try (InputStream in = Provenance.class.getResourceAsStream("mcugen.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through to the manifest
        }
        String v = Provenance.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * The command line as a shell would take it back: {@code mcugen} and the arguments, each quoted
     * when it holds anything but plain characters. Characters that do not show (control, bidirectional)
     * appear as {@code U+XXXX} (the page escapes markup itself).
     */
    static String commandLine(List<String> args) {
        StringBuilder b = new StringBuilder("mcugen");
        for (String a : args) {
            b.append(' ');
            String v = dev.mcugen.ir.Names.visible(a);
            b.append(PLAIN.matcher(v).matches() ? v : "'" + v.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }

    /**
     * The files a model is read from: the model file and, for a TF.js model.json, the weight files its
     * manifest lists (that exist beside it).
     */
    static List<Path> modelFiles(Path model) {
        List<Path> files = new ArrayList<>(List.of(model));
        if (ModelLoader.detect(model) != ModelLoader.Format.TFJS_LAYERS) {
            return files;
        }
        try {
            JsonNode manifest = JSON.readTree(model.toFile()).path("weightsManifest");
            for (JsonNode group : manifest) {
                for (JsonNode p : group.path("paths")) {
                    Path f = model.resolveSibling(p.asText()).normalize();
                    if (Files.isRegularFile(f) && !files.contains(f)) {
                        files.add(f);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the importer has read it already; a file that cannot be read again is left out
        }
        return files;
    }

    /**
     * The provenance object.
     *
     * @param args  the command's arguments as given (after {@code mcugen})
     * @param files role ("model", "calibration", "data") to the files read in that role
     */
    static ObjectNode json(List<String> args, Map<String, List<Path>> files) {
        ObjectNode o = JSON.createObjectNode();
        o.put("mcugen_version", version());
        o.put("command_line", commandLine(args));
        o.put("generated_utc", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        ArrayNode fs = o.putArray("files");
        Map<Path, Boolean> seen = new LinkedHashMap<>();
        files.forEach((role, paths) -> {
            for (Path p : paths) {
                if (seen.putIfAbsent(p.toAbsolutePath().normalize(), true) != null) {
                    continue;
                }
                ObjectNode e = fs.addObject();
                e.put("role", role);
                e.put("path", p.toString());
                try {
                    Manifest.Entry m = Manifest.of(p);
                    e.put("bytes", m.size());
                    e.put("sha256", m.sha256());
                } catch (IOException ex) {
                    e.putNull("bytes");
                    e.putNull("sha256");
                }
            }
        });
        return o;
    }
}
