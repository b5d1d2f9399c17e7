package dev.mcugen.ir.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mcugen.ir.Names;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzz test of the sanitizer every untrusted name goes through on its way into C
 * (docs/fuzzing.md, docs/generated-c.md "Names"): whatever the bytes, as UTF-8 or as Latin-1, the
 * identifier is a valid C99 identifier that is neither a keyword nor reserved (leading '_', the
 * runtime's {@code mcu_} / {@code mcf_} space) and fits the 63 significant characters; the comment
 * text is printable ASCII that cannot end, open or splice a comment (no {@code * /}, {@code / *},
 * backslash, trigraph or trailing '/'); and both are deterministic and idempotent. Without
 * {@code JAZZER_FUZZ=1} it replays {@code NamesFuzzTestInputs/names/} in every build.
 */
class NamesFuzzTest {
    private static final Set<String> KEYWORDS = Set.of("auto", "break", "case", "char", "const", "continue",
            "default", "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long",
            "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
            "union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "asm", "typeof");

    @FuzzTest(maxDuration = "10m")
    @Timeout(30)
    void names(byte[] data) {
        for (String name : new String[] {new String(data, StandardCharsets.UTF_8), new String(data, StandardCharsets.ISO_8859_1)}) {
            String id = Names.cIdentifier(name);
            assertThat(id).matches("[A-Za-z][A-Za-z0-9_]*");
            assertThat(id.length()).isLessThanOrEqualTo(Names.MAX_ID);
            assertThat(KEYWORDS).doesNotContain(id);
            String lower = id.toLowerCase(Locale.ROOT);
            assertThat(lower.startsWith("mcu_") || lower.startsWith("mcf_") || lower.equals("mcu") || lower.equals("mcf"))
                    .as("runtime prefix: %s", id).isFalse();
            assertThat(Names.checkCIdentifier(id)).as("the identifier made of %s", id).isNull();
            assertThat(Names.cIdentifier(name)).isEqualTo(id);

            String comment = Names.cComment(name);
            assertThat(comment.length()).isLessThanOrEqualTo(Names.MAX_COMMENT + 8);
            for (int i = 0; i < comment.length(); i++) {
                char c = comment.charAt(i);
                assertThat(c >= 0x20 && c < 0x7f).as("char %d of %s", (int) c, comment).isTrue();
            }
            assertThat(comment).doesNotContain("*/").doesNotContain("/*").doesNotContain("\\").doesNotContain("??")
                    .doesNotEndWith("/");
            assertThat(Names.cComment(comment)).isEqualTo(comment);
        }
    }
}
