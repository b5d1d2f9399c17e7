package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.View;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.ContractResult;
import dev.mcugen.scale.QuantOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict's checks: which outcomes fail, which warn, and the reason written with a FAIL. */
class VerdictTest {
    private static ContractResult result(Contract c, ContractResult.Status s, String detail) {
        return new ContractResult(c, s, 0, detail);
    }

    @Test
    void heldAndRoundedContractsPass() {
        Verdict v = new Verdict();
        Verdict.contracts(v, List.of(result(new Contract.Coverage("x", -1, 1), ContractResult.Status.HELD, "ok"),
                result(new Contract.Product("y", "w", "x"), ContractResult.Status.ROUNDED, "within one step")), false);
        assertThat(v.passed()).isTrue();
        assertThat(v.checks()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(Verdict.Status.PASS);
            assertThat(c.detail()).isEqualTo("2 contracts: 1 held, 1 rounded, 0 violated");
        });
        assertThat(v.line()).isEqualTo("PASS: 1 check passed");
    }

    @Test
    void aViolatedContractFailsABuildAndWarnsInVerify() {
        List<ContractResult> rs = List.of(result(new Contract.EqualScale(List.of("a", "b")), ContractResult.Status.VIOLATED,
                "int8 'a' and 'b' differ"));
        Verdict build = new Verdict();
        Verdict.contracts(build, rs, false);
        assertThat(build.passed()).isFalse();
        assertThat(build.line()).isEqualTo("FAIL: contracts: 1 contracts: 0 held, 0 rounded, 1 violated (first: "
                + new Contract.EqualScale(List.of("a", "b")).kind() + " on a, b: int8 'a' and 'b' differ)");
        Verdict verify = new Verdict();
        Verdict.contracts(verify, rs, true);
        assertThat(verify.passed()).isTrue();
        assertThat(verify.checks().get(0).status()).isEqualTo(Verdict.Status.WARNING);
        assertThat(verify.line()).isEqualTo("PASS: 0 checks passed, 1 warning");
    }

    @Test
    void aRangeSaturatingAtItsFixedFormatWarns() {
        // A gate's pre-activation held at Q3.12 while calibration saw more: saturation by design.
        Verdict v = new Verdict();
        Verdict.contracts(v, List.of(result(new Contract.FixedFormat("gru/z_pre", 16, 12), ContractResult.Status.HELD, "Q3.12"),
                result(new Contract.Coverage("gru/z_pre", -10, 12), ContractResult.Status.VIOLATED, "saturates at ±8")), false);
        assertThat(v.passed()).isTrue();
        assertThat(v.checks().get(0).status()).isEqualTo(Verdict.Status.WARNING);
        assertThat(v.checks().get(0).detail()).contains("1 violated", "saturate by design", "gru/z_pre");
    }

    @Test
    void anAccumulatorThatCouldOverflowFailsUnlessHandled() {
        AccumulatorBound safe = new AccumulatorBound("d", "matmul", 0, 1000, Integer.MAX_VALUE, "");
        AccumulatorBound handled = new AccumulatorBound("r", "gate", 3, 1L << 40, Integer.MAX_VALUE, "int64 accumulator");
        AccumulatorBound open = new AccumulatorBound("c", "matmul", 7, 3_000_000_000L, Integer.MAX_VALUE, "");
        Verdict ok = new Verdict();
        Verdict.overflow(ok, List.of(safe, handled));
        assertThat(ok.passed()).isTrue();
        assertThat(ok.checks().get(0).detail()).contains("1 beyond it handled (int64 accumulator)");
        Verdict bad = new Verdict();
        Verdict.overflow(bad, List.of(safe, open));
        assertThat(bad.passed()).isFalse();
        assertThat(bad.checks().get(0).detail()).isEqualTo("1 of 2 accumulators could overflow (first: layer 'c' matmul,"
                + " bound 3,000,000,000 > 2,147,483,647)");
    }

    @Test
    void theBoardCheckUsesTheBudgetTheGeneratorChecked() {
        GenOptions.Budget microbit = dev.mcugen.compiler.Boards.budget(QuantOptions.Target.CORTEX_M0);
        Verdict m0 = new Verdict();
        Verdict.board(m0, new View.Footprint(300_000, 1_000, 0), microbit, "cortex-m0", null);
        assertThat(m0.passed()).isFalse();
        assertThat(m0.checks().get(0).detail()).startsWith(microbit.where() + ": constants 300,000 B of 262,144 B flash");
        Verdict m4 = new Verdict();
        Verdict.board(m4, new View.Footprint(5_784, 288, 96), dev.mcugen.compiler.Boards.budget(QuantOptions.Target.CORTEX_M4),
                "cortex-m4", null);
        assertThat(m4.passed()).isTrue();
        assertThat(m4.checks().get(0).detail()).endsWith("RAM 384 B (context) + 65,536 B (stack reserved) of 4,194,304 B");
        // --ram alone: flash not limited.
        Verdict ramOnly = new Verdict();
        Verdict.board(ramOnly, new View.Footprint(5_784, 288, 96), new GenOptions.Budget("a board with 64 KiB RAM",
                Long.MAX_VALUE, 65_536, 2_048), "cortex-m4", null);
        assertThat(ramOnly.passed()).isTrue();
        assertThat(ramOnly.checks().get(0).detail()).isEqualTo("a board with 64 KiB RAM: constants 5,784 B (flash not limited);"
                + " RAM 384 B (context) + 2,048 B (stack reserved) of 65,536 B");
        Verdict host = new Verdict();
        Verdict.board(host, new View.Footprint(5_784, 288, 96), null, "host", null);
        assertThat(host.checks().get(0).status()).isEqualTo(Verdict.Status.NOT_APPLICABLE);
    }

    @Test
    void theMeasuredStackIsHeldAgainstTheBoard() {
        GenOptions.Budget board = new GenOptions.Budget("board nrf52840", 1_048_576, 10_000, 2_048);
        View.Footprint f = new View.Footprint(5_784, 7_000, 0);
        // Within the reserve: passes, with the measured figure beside the reserve.
        Verdict within = new Verdict();
        Verdict.board(within, f, board, "cortex-m4", 1_500L);
        assertThat(within.checks().get(0).status()).isEqualTo(Verdict.Status.PASS);
        assertThat(within.checks().get(0).detail()).endsWith("RAM 7,000 B (context) + 2,048 B (stack reserved; one"
                + " inference used 1,500 B, measured on cortex-m4) of 10,000 B");
        // Above the reserve but the RAM holds it: a warning that says how much stack to give.
        Verdict above = new Verdict();
        Verdict.board(above, f, board, "cortex-m4", 2_372L);
        assertThat(above.passed()).isTrue();
        assertThat(above.checks().get(0).status()).isEqualTo(Verdict.Status.WARNING);
        assertThat(above.checks().get(0).detail()).endsWith("RAM 7,000 B (context) + 2,372 B (stack one inference used,"
                + " measured on cortex-m4) of 10,000 B; more than the 2,048 B build reserves: give the firmware's stack"
                + " at least 2,372 B on top of its own use");
        // Context and measured stack beyond the RAM: fails.
        Verdict over = new Verdict();
        Verdict.board(over, f, board, "cortex-m4", 3_100L);
        assertThat(over.passed()).isFalse();
        assertThat(over.summary()).isEqualTo(Verdict.FITS_THE_BOARD + ": board nrf52840: constants 5,784 B of 1,048,576 B"
                + " flash (0.6 %, before code); RAM 7,000 B (context) + 3,100 B (stack one inference used, measured on"
                + " cortex-m4) of 10,000 B: the context and that stack do not fit");
    }

    @Test
    void theJsonHasTheStatusTheReasonAndEveryCheck() {
        Verdict v = new Verdict().add("bit-exact with the simulator", Verdict.Status.PASS, "4 samples")
                .add("SQNR of output 'y'", Verdict.Status.FAIL, "12.00 dB below --min-sqnr 30 dB, on 4 samples")
                .add("streaming", Verdict.Status.NOT_APPLICABLE, "no _step");
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        v.into(o);
        assertThat(o.get("status").asText()).isEqualTo("FAIL");
        assertThat(o.get("summary").asText()).isEqualTo("SQNR of output 'y': 12.00 dB below --min-sqnr 30 dB, on 4 samples");
        assertThat(o.get("checks")).hasSize(3);
        assertThat(o.get("checks").get(2).get("status").asText()).isEqualTo("not applicable");
    }
}
