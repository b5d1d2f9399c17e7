package dev.mcugen.ir;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A refusal is one printable line whatever the names and tokens it quotes (issue 17, docs/fuzzing.md). */
class McugenExceptionTest {
    @Test
    void quotedControlBidiAndLineBreaksBecomeQuestionMarks() {
        McugenException e = new McugenException(Diag.MCG_IMPORT_WEIGHT_UNUSED, "weight 'dense\u007f2/bias'",
                "belongs to no layer\n\u001b[2J\u202e\u2028 of the model");
        assertThat(e.getMessage()).isEqualTo("weight 'dense?2/bias': belongs to no layer??[2J?? of the model"
                + " [MCG_IMPORT_WEIGHT_UNUSED]");
        assertThat(e.subject()).isEqualTo("weight 'dense?2/bias'");
        assertThat(e.within("model.json\r").getMessage()).startsWith("model.json?: weight 'dense?2/bias': ");
    }

    @Test
    void printableTextIsKeptAsItIs() {
        McugenException e = new McugenException(Diag.MCG_IMPORT_JSON, "modèle 模型 'a<b>'", "is not valid JSON");
        assertThat(e.getMessage()).isEqualTo("modèle 模型 'a<b>': is not valid JSON [MCG_IMPORT_JSON]");
    }
}
