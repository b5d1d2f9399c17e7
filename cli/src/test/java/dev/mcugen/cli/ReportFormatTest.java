package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The labels and number formats report.html shows report.json's figures with. */
class ReportFormatTest {
    private static final JsonNodeFactory J = JsonNodeFactory.instance;

    @Test
    void integersAndBytesHaveThousandsSeparators() {
        assertThat(ReportFormat.integer(0)).isEqualTo("0");
        assertThat(ReportFormat.integer(999)).isEqualTo("999");
        assertThat(ReportFormat.integer(1000)).isEqualTo("1,000");
        assertThat(ReportFormat.integer(1_270_000)).isEqualTo("1,270,000");
        assertThat(ReportFormat.integer(-2_147_483_648L)).isEqualTo("-2,147,483,648");
        assertThat(ReportFormat.bytes(29_404)).isEqualTo("29,404 B");
    }

    @Test
    void figuresKeepFourSignificantDigits() {
        assertThat(ReportFormat.figure(0.006103873252868652)).isEqualTo("0.006104");
        assertThat(ReportFormat.figure(0.002126359759397648)).isEqualTo("0.002126");
        assertThat(ReportFormat.figure(12_345.678)).isEqualTo("12,350");
        assertThat(ReportFormat.figure(1234.5)).isEqualTo("1,234");
        assertThat(ReportFormat.figure(-0.5)).isEqualTo("-0.5");
        assertThat(ReportFormat.figure(-1234.56)).isEqualTo("-1,235");
        assertThat(ReportFormat.figure(2.534361609463076E-10)).isEqualTo("2.534e-10");
        assertThat(ReportFormat.figure(1.5e-4)).isEqualTo("1.500e-4");
        assertThat(ReportFormat.figure(3.2e12)).isEqualTo("3.200e12");
        assertThat(ReportFormat.figure(0)).isEqualTo("0");
        assertThat(ReportFormat.figure(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(ReportFormat.figure(Double.NaN)).isEqualTo("NaN");
        assertThat(ReportFormat.figure(0.00784313725490196, 6)).isEqualTo("0.00784314");
    }

    @Test
    void theFormatsDoNotDependOnTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            // German groups with '.' and writes ',' for the decimal point; the report does not follow it.
            Locale.setDefault(Locale.GERMANY);
            assertThat(ReportFormat.integer(1_270_000)).isEqualTo("1,270,000");
            assertThat(ReportFormat.figure(1234.5678e3)).isEqualTo("1,235,000");
            assertThat(ReportFormat.figure(0.5)).isEqualTo("0.5");
            assertThat(ReportFormat.db(47.17283721163624)).isEqualTo("47.17");
            assertThat(ReportFormat.percent(100)).isEqualTo("100.0 %");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void keysGetHumanLabelsWithUnits() {
        assertThat(ReportFormat.label("sqnr_db").text()).isEqualTo("SQNR (dB)");
        assertThat(ReportFormat.label("top1_agreement").text()).isEqualTo("top-1 agreement");
        assertThat(ReportFormat.label("max_abs_error").text()).isEqualTo("max |error|");
        assertThat(ReportFormat.label("bit_exact").text()).isEqualTo("bit-exact with the simulator");
        assertThat(ReportFormat.label("instructions_per_inference").text()).isEqualTo("instructions per inference");
        // A key the table does not know: underscores become spaces; *_bytes are bytes.
        assertThat(ReportFormat.label("board_name").text()).isEqualTo("board name");
        assertThat(ReportFormat.label("some_new_bytes").kind()).isEqualTo(ReportFormat.Kind.BYTES);
    }

    @Test
    void valuesAreShownByTheirKeysKind() {
        assertThat(ReportFormat.value("top1_agreement", J.numberNode(1.0))).isEqualTo("100.0 %");
        assertThat(ReportFormat.value("top1_agreement", J.numberNode(0.95))).isEqualTo("95.0 %");
        assertThat(ReportFormat.value("top1_agreement_percent", J.numberNode(87.5))).isEqualTo("87.5 %");
        assertThat(ReportFormat.value("sqnr_db", J.numberNode(47.17283721163624))).isEqualTo("47.17");
        // report.json writes an infinite SQNR (no error at all) as null.
        assertThat(ReportFormat.value("sqnr_db", J.nullNode())).isEqualTo("inf (exact)");
        assertThat(ReportFormat.value("cosine", J.numberNode(0.9999915362066674))).isEqualTo("0.999992");
        assertThat(ReportFormat.value("instructions_per_inference", J.numberNode(1_270_000L))).isEqualTo("1,270,000");
        assertThat(ReportFormat.value("flash_bytes", J.numberNode(29_404))).isEqualTo("29,404 B");
        assertThat(ReportFormat.value("stack_bytes", J.nullNode())).isEqualTo("—");
        assertThat(ReportFormat.value("bit_exact", J.booleanNode(true))).isEqualTo("yes");
        assertThat(ReportFormat.value("per_channel", J.booleanNode(false))).isEqualTo("no");
        assertThat(ReportFormat.value("runner", J.textNode("local QEMU"))).isEqualTo("local QEMU");
        assertThat(ReportFormat.value("max_rescale_residual", J.numberNode(2.534361609463076E-10))).isEqualTo("2.534e-10");
    }
}
