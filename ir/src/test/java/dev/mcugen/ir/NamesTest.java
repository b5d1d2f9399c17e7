package dev.mcugen.ir;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The name sanitizer: each operation on the hostile names of issue 17 and on random text. */
class NamesTest {
    @Test
    void cIdentifierIsNeverAKeywordReservedOrTheRuntimes() {
        assertThat(Names.cIdentifier("har_lstm")).isEqualTo("har_lstm");
        assertThat(Names.cIdentifier("int")).isEqualTo("m_int");
        assertThat(Names.cIdentifier("_Bool")).isEqualTo("m__Bool");
        assertThat(Names.cIdentifier("__x")).isEqualTo("m___x");
        assertThat(Names.cIdentifier("mcu_nn")).isEqualTo("m_mcu_nn");
        assertThat(Names.cIdentifier("MCU_RNN")).isEqualTo("m_MCU_RNN");
        assertThat(Names.cIdentifier("mcu")).isEqualTo("m_mcu");
        assertThat(Names.cIdentifier("1st")).isEqualTo("m_1st");
        assertThat(Names.cIdentifier("")).isEqualTo("m_");
        assertThat(Names.cIdentifier("har\\")).isEqualTo("har_");
        assertThat(Names.cIdentifier("a\n#define X 1")).isEqualTo("a__define_X_1");
        assertThat(Names.checkCIdentifier(Names.cIdentifier("\u202e\u0000"))).isNull();
    }

    @Test
    void longNamesAreCutWithAHashSoTheyStayDistinct() {
        String a = Names.cIdentifier("x".repeat(200) + "a");
        String b = Names.cIdentifier("x".repeat(200) + "b");
        assertThat(a).hasSizeLessThanOrEqualTo(48).isNotEqualTo(b);
        assertThat(Names.cIdentifier("x".repeat(200) + "a")).isEqualTo(a);
    }

    @Test
    void checkCIdentifierRefusesWhatCliNameMustNotBe() {
        assertThat(Names.checkCIdentifier("har")).isNull();
        assertThat(Names.checkCIdentifier("mcu_nn")).contains("runtime");
        assertThat(Names.checkCIdentifier("mcu_rnn")).contains("runtime");
        assertThat(Names.checkCIdentifier("MCU_X")).contains("runtime");
        assertThat(Names.checkCIdentifier("while")).contains("keyword");
        assertThat(Names.checkCIdentifier("_x")).contains("reserved");
        assertThat(Names.checkCIdentifier("a-b")).contains("not a C identifier");
        assertThat(Names.checkCIdentifier("a\\")).contains("not a C identifier");
        assertThat(Names.checkCIdentifier("a".repeat(64))).contains("longer");
    }

    @Test
    void backslashAtTheEndCannotSpliceTheNextLine() {
        assertThat(Names.cComment("dense\\")).isEqualTo("dense?");
        assertThat(Names.cComment("dense??/")).isEqualTo("dense? ?/ ");
    }

    @Test
    void commentDelimitersAndLineBreaksAreBroken() {
        assertThat(Names.cComment("a*/ int evil; /*b")).isEqualTo("a* / int evil; / *b");
        assertThat(Names.cComment("a\n#define X 1\r\n")).isEqualTo("a?#define X 1??".replace("??", "? ?"));
        assertThat(Names.cComment("a/")).isEqualTo("a/ ");
    }

    @Test
    void trojanSourceBidiAndNonAsciiBecomeQuestionMarks() {
        assertThat(Names.cComment("x\u202eevil\u2066")).isEqualTo("x?evil?");
        assertThat(Names.cComment("couche \u00e9\u00e9")).isEqualTo("couche ? ?");
        assertThat(Names.visible("x\u202ey")).isEqualTo("xU+202Ey");
        assertThat(Names.html("<b>\u202e&'\"")).isEqualTo("&lt;b&gt;U+202E&amp;&#39;&quot;");
        assertThat(Names.terminal("x\u202e\u001b[2J", 80)).isEqualTo("x??[2J");
    }

    @Test
    void longCommentsAreCut() {
        assertThat(Names.cComment("y".repeat(100_000))).hasSize(Names.MAX_COMMENT).endsWith("...");
    }

    /** Random text: a comment is printable ASCII without \, without delimiters or trigraph starts; idempotent. */
    @Test
    void randomTextGivesSafeCommentsAndIdentifiers() {
        Random r = new Random(17);
        String alphabet = "\\/*?#\n\r\t _aZ09\"'<>&\u202e\u2066\u00e9\u0000\u007f\u2028";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(12);
            for (int j = 0; j < len; j++) {
                if (r.nextInt(8) == 0) {
                    b.appendCodePoint(1 + r.nextInt(0x10FFFF));
                } else {
                    b.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            String s = b.toString();
            String c = Names.cComment(s);
            assertThat(c).as("%s", s).matches("[\\x20-\\x7e]*").doesNotContain("\\", "*/", "/*", "??").doesNotEndWith("/");
            assertThat(Names.cComment(c)).isEqualTo(c);
            assertThat(Names.checkCIdentifier(Names.cIdentifier(s))).as("%s", s).isNull();
            assertThat(Names.cFragment(s)).matches("[A-Za-z0-9_]*");
        }
    }
}
