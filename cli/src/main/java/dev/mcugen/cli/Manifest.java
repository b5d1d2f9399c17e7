package dev.mcugen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files mcugen wrote, with their size and SHA-256: kept in an output folder's marker file and in
 * the {@code .mcugen-files} record of {@code simulate}/{@code convert} outputs. A file is mcugen's only
 * while it is listed and unchanged; everything else is the user's and is never deleted or replaced
 * without {@code --force} (and then kept aside, for folders).
 */
final class Manifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One written file. */
    record Entry(long size, String sha256) {
    }

    private Manifest() {
    }

    static Entry of(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
                size += n;
            }
        }
        return new Entry(size, HexFormat.of().formatHex(md.digest()));
    }

    /** Whether {@code file} is a regular file (not a link) still equal to {@code e}. */
    static boolean unchanged(Path file, Entry e) {
        try {
            return e != null && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && Files.size(file) == e.size() && of(file).equals(e);
        } catch (IOException ex) {
            return false;
        }
    }

    /** Every regular file under {@code root} (relative, '/'-separated), except {@code root/skip}. */
    static Map<String, Entry> scan(Path root, String skip) throws IOException {
        Map<String, Entry> files = new TreeMap<>();
        try (var s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = rel(root, p);
                if (!rel.isEmpty() && !rel.equals(skip) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    files.put(rel, of(p));
                }
            }
        }
        return files;
    }

    static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
    }

    /** A manifest file's JSON, or null when it is absent, too large or not JSON (an older mcugen's marker). */
    static JsonNode readJson(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > (64 << 20)) {
                return null;
            }
            return JSON.readTree(file.toFile());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The files a manifest file lists, or null when it is absent, not JSON or has no list. */
    static Map<String, Entry> read(Path file) {
        return files(readJson(file));
    }

    /** The files a manifest's bytes list (read by the caller, e.g. through a locked channel), or null. */
    static Map<String, Entry> parse(byte[] json) {
        try {
            return json.length == 0 ? null : files(JSON.readTree(json));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Map<String, Entry> files(JsonNode root) {
        JsonNode files = root == null ? null : root.get("files");
        if (files == null || !files.isObject()) {
            return null;
        }
        Map<String, Entry> m = new TreeMap<>();
        for (var it = files.fields(); it.hasNext(); ) {
            var f = it.next();
            JsonNode size = f.getValue().get("size");
            JsonNode sha = f.getValue().get("sha256");
            if (size == null || !size.canConvertToLong() || sha == null || !sha.isTextual()) {
                return null;
            }
            m.put(f.getKey(), new Entry(size.asLong(), sha.asText()));
        }
        return m;
    }

    /** The JSON text of a manifest: a note for whoever opens it, the writer, and the files. */
    static String render(String note, Map<String, Object> extra, Map<String, Entry> files) {
        ObjectNode root = JSON.createObjectNode();
        root.put("written_by", "mcugen");
        root.put("note", note);
        extra.forEach((k, v) -> root.putPOJO(k, v));
        ObjectNode fs = root.putObject("files");
        files.forEach((k, e) -> {
            ObjectNode o = fs.putObject(k);
            o.put("size", e.size());
            o.put("sha256", e.sha256());
        });
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What under {@code root} mcugen did not write or that changed since, per {@code files}
     * ("path (why)"): files not listed or different, links, folders holding no listed file.
     * {@code root/marker} itself is mcugen's.
     */
    static List<String> foreign(Path root, String marker, Map<String, Entry> files) throws IOException {
        List<String> found = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String rel = rel(root, dir);
                if (rel.isEmpty()) {
                    return FileVisitResult.CONTINUE;
                }
                boolean holdsOurs = files.keySet().stream().anyMatch(k -> k.startsWith(rel + "/"));
                if (!holdsOurs) {
                    found.add(rel + "/ (a folder mcugen did not make)");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = rel(root, file);
                if (rel.equals(marker)) {
                    return FileVisitResult.CONTINUE;
                }
                Entry e = files.get(rel);
                if (e == null || !attrs.isRegularFile()) {
                    found.add(rel + " (not written by mcugen)");
                } else if (attrs.size() != e.size() || !of(file).equals(e)) {
                    found.add(rel + " (changed since mcugen wrote it)");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return found;
    }

    /** The first few of {@code items}, and how many more, for a one-line message. */
    static String few(List<String> items) {
        int shown = Math.min(3, items.size());
        String s = String.join(", ", items.subList(0, shown));
        return items.size() > shown ? s + " and " + (items.size() - shown) + " more" : s;
    }
}
