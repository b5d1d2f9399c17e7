package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;

/**
 * A report page rendered by headless Chromium: its screenshot, and the layout of its elements. The
 * page itself holds no script; for the layout the test renders a copy with a probe script appended
 * that writes every element box, the navigation's targets and any inner scroll box into the DOM,
 * which {@code --dump-dom} then prints.
 */
final class ChromiumPage {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final int WIDTH = 1280;
    static final int HEIGHT = 900;

    /** Appended to the copy before {@code </body>}: the page's layout as JSON in {@code <pre id="probe">}. */
    private static final String PROBE = """
            <script>
            (function () {
              function box(e) { var r = e.getBoundingClientRect(); return {x: r.x, y: r.y + window.scrollY, w: r.width, h: r.height}; }
              var out = {ids: {}, nav: [], h2: [], scrollers: [], svgs: [], tables: [], ticks: 0};
              document.querySelectorAll('[id]').forEach(function (e) { out.ids[e.id] = box(e); });
              document.querySelectorAll('nav a').forEach(function (a) { out.nav.push(a.getAttribute('href').substring(1)); });
              document.querySelectorAll('h2[id], section[id]').forEach(function (e) { out.h2.push(e.id); });
              document.querySelectorAll('body *').forEach(function (e) {
                var s = getComputedStyle(e);
                if (/(auto|scroll)/.test(s.overflow + s.overflowX + s.overflowY)) { out.scrollers.push(e.tagName + '.' + e.className); }
              });
              document.querySelectorAll('svg').forEach(function (e) { out.svgs.push(box(e)); });
              document.querySelectorAll('table').forEach(function (e) { out.tables.push(box(e)); });
              document.querySelectorAll('.step-plot .x-tick').forEach(function (e) { if (box(e).w > 0) { out.ticks++; } });
              var pre = document.createElement('pre');
              pre.id = 'probe';
              pre.textContent = JSON.stringify(out);
              document.body.appendChild(pre);
            })();
            </script>
            """;

    /** The layout probe's findings and the screenshot of the page's top. */
    record Rendered(JsonNode layout, BufferedImage top) {
        JsonNode box(String id) {
            JsonNode b = layout.path("ids").get(id);
            assertThat(b).as("element #%s rendered", id).isNotNull();
            return b;
        }

        /** How many pixels of the screenshot's top {@code rows} are within 2 of {@code rgb} on each channel. */
        int pixels(int rgb, int rows) {
            int n = 0;
            for (int y = 0; y < Math.min(rows, top.getHeight()); y++) {
                for (int x = 0; x < top.getWidth(); x++) {
                    int p = top.getRGB(x, y);
                    if (Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) <= 2 && Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255)) <= 2
                            && Math.abs((p & 255) - (rgb & 255)) <= 2) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    private ChromiumPage() {
    }

    /** Renders {@code html} (skipped without Chromium). */
    static Rendered render(Path html, Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no /usr/bin/chromium (CI installs it)");
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertThat(page).contains("</body>");
        Path probe = tmp.resolve("probe-" + html.getParent().getFileName() + ".html");
        Files.writeString(probe, page.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
        String dom = run(tmp, probe, "--dump-dom").stdout();
        int at = dom.indexOf("<pre id=\"probe\">");
        assertThat(at).as("the probe ran: %s", dom.length() > 300 ? dom.substring(dom.length() - 300) : dom).isNotNegative();
        String json = dom.substring(at + "<pre id=\"probe\">".length(), dom.indexOf("</pre>", at))
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        JsonNode layout = new ObjectMapper().readTree(json);
        Path png = tmp.resolve("shot-" + html.getParent().getFileName() + ".png");
        run(tmp, html, "--screenshot=" + png);
        assertThat(png).as("screenshot").isRegularFile();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as("a PNG").isNotNull();
        return new Rendered(layout, img);
    }

    /** What Chromium printed. */
    record Output(String stdout, String stderr) {
    }

    /** Runs headless Chromium on {@code page} with {@code flags} (skipped without Chromium); it must exit 0. */
    static Output run(Path tmp, Path page, String... flags) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "no /usr/bin/chromium (CI installs it)");
        Path profile = Files.createDirectories(tmp.resolve("chromium-profile"));
        Path out = tmp.resolve("chromium.out");
        Path err = tmp.resolve("chromium.err");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=" + profile, "--window-size=" + WIDTH + "," + HEIGHT));
        cmd.addAll(List.of(flags));
        cmd.add(page.toAbsolutePath().toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s: " + Files.readString(err));
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("chromium exit; stderr: %s", stderr).isZero();
        return new Output(Files.readString(out, StandardCharsets.UTF_8), stderr);
    }
}
