package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parts of report.html's view model: sections it has no template for, the per-step plot's x axis. */
class ReportHtmlPartsTest {
    @Test
    void aSectionThePageDoesNotKnowIsShownAsATable() throws Exception {
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree("""
                {"model": "m", "name": "m", "target": "cortex-m4", "verdict": {"status": "PASS"}, "samples": 4,
                 "board": {"name": "nucleo-f446re", "flash_bytes": 524288, "fits": true, "regions": [1, 2]},
                 "extra_count": 12345}
                """);
        List<Map<String, Object>> others = ReportHtml.others(root);
        assertThat(others).extracting(o -> o.get("id")).containsExactly("other-board", "other-extra_count");
        assertThat(others.get(0).get("title")).isEqualTo("Board");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> rows = (List<Map<String, String>>) others.get(0).get("rows");
        assertThat(rows).extracting(r -> r.get("key") + " = " + r.get("value")).containsExactly("name = nucleo-f446re",
                "flash bytes = 524,288 B", "fits = yes", "regions = [1,2]");
        @SuppressWarnings("unchecked")
        List<Map<String, String>> single = (List<Map<String, String>>) others.get(1).get("rows");
        assertThat(single).extracting(r -> r.get("value")).containsExactly("12,345");
    }

    @Test
    void stepPlotsLabelTheFirstTheLastAndRoundStepsBetween() {
        assertThat(ReportHtml.stepTicks(50)).extracting(t -> t.get("label")).containsExactly("0", "10", "20", "30", "40", "49");
        assertThat(ReportHtml.stepTicks(49)).extracting(t -> t.get("label")).containsExactly("0", "10", "20", "30", "40", "48");
        assertThat(ReportHtml.stepTicks(8)).extracting(t -> t.get("label")).containsExactly("0", "1", "2", "3", "4", "5", "6", "7");
        assertThat(ReportHtml.stepTicks(1)).extracting(t -> t.get("label")).containsExactly("0");
        // 1,000 steps: about 8 labels, grouped by thousands, the last one kept.
        assertThat(ReportHtml.stepTicks(1001)).extracting(t -> t.get("label")).containsExactly("0", "200", "400", "600",
                "800", "1,000");
        assertThat(ReportHtml.stepTicks(50).get(0).get("x")).isEqualTo("0.0");
        assertThat(ReportHtml.stepTicks(50).get(5).get("x")).isEqualTo("560.0");
    }
}
