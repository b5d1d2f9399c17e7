package dev.mcugen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcugen.qemu.Target;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --board}, {@code --flash} and {@code --ram}: a model too big for the micro:bit QEMU emulates
 * for cortex-m0 builds for a Cortex-M0+ part with room (an RP2040 on a Pico: 2 MiB flash), is refused
 * naming a part without room, and verifies bit-exact on the Cortex-M3 board QEMU has.
 */
class BoardsCliTest {
    @TempDir
    static Path models;

    @TempDir
    Path tmp;

    /** Dense 600 -> 700: 420,000 int8 weights, about 410 KiB of constants (the micro:bit has 256 KiB of flash). */
    static Path dense410;

    @BeforeAll
    static void writeModel() throws IOException {
        Random r = new Random(18);
        int in = 600;
        int units = 700;
        String json = "{\"format\": \"mcugen-graph\", \"version\": 1, \"name\": \"dense410\","
                + " \"inputs\": [{\"name\": \"x\", \"shape\": [" + in + "]}],"
                + " \"nodes\": [{\"name\": \"out\", \"op\": \"dense\", \"inputs\": [\"x\"], \"attrs\": {\"units\": " + units + "},"
                + " \"weights\": {\"kernel\": {\"shape\": [" + in + ", " + units + "], \"data\": " + numbers(r, in * units) + "},"
                + " \"bias\": {\"shape\": [" + units + "], \"data\": " + numbers(r, units) + "}}}],"
                + " \"outputs\": [\"out\"]}";
        dense410 = models.resolve("dense410.json");
        Files.writeString(dense410, json, StandardCharsets.UTF_8);
        BoardBudgetTest.writeNpy(models.resolve("cal.npy"), r, 8, in);
        BoardBudgetTest.writeNpy(models.resolve("test.npy"), r, 3, in);
    }

    /** Thousandths in [-0.5, 0.5). */
    private static String numbers(Random r, int n) {
        StringBuilder sb = new StringBuilder(n * 7).append('[');
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append((r.nextInt(1000) - 500) / 1000.0);
        }
        return sb.append(']').toString();
    }

    private CliTest.Result build(String... extra) {
        List<String> args = new ArrayList<>(List.of("build", dense410.toString(), "--calibration",
                models.resolve("cal.npy").toString(), "--out", tmp.resolve("out").toString(), "--no-progress"));
        args.addAll(List.of(extra));
        return CliTest.run(args.toArray(String[]::new));
    }

    private JsonNode report() throws IOException {
        return new ObjectMapper().readTree(Files.readString(tmp.resolve("out/report.json")));
    }

    @Test
    void aCortexM0PlusBoardWithRoomBuildsWhatTheMicrobitCannotHold() throws Exception {
        CliTest.assertOneLineError(build("--target", "cortex-m0"), ExitCodes.REJECTED, "MCG_GEN_TOO_BIG",
                "cortex-m0 (QEMU board microbit)", "but the board has 262,144 B");

        CliTest.Result r = build("--board", "rp2040");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = report();
        assertThat(j.get("target").asText()).isEqualTo("cortex-m0");
        JsonNode b = j.get("board");
        assertThat(b.get("name").asText()).isEqualTo("rp2040");
        assertThat(b.get("core").asText()).isEqualTo("Cortex-M0+");
        assertThat(b.get("flash_bytes").asLong()).isEqualTo(2L * 1024 * 1024);
        assertThat(b.get("ram_bytes").asLong()).isEqualTo(264L * 1024);
        assertThat(b.get("source").asText()).contains("RP2040 Datasheet");
        assertThat(b.get("note").asText()).contains("no internal flash");
        assertThat(b.get("emulated").asBoolean()).isFalse();
        // The generated files say which chip they are for.
        assertThat(Files.readString(tmp.resolve("out/dense410.h")))
                .contains("board: rp2040 (RP2040 on a Raspberry Pi Pico (2 MiB QSPI flash), Cortex-M0+), 2 MiB flash, 264 KiB RAM");
        assertThat(Files.readString(tmp.resolve("out/report.html"))).contains("board rp2040 (RP2040");
    }

    @Test
    void aBoardWithoutRoomIsNamedWithTheExactFigures() {
        CliTest.Result r = build("--board", "samd21");
        CliTest.assertOneLineError(r, ExitCodes.REJECTED, "model 'dense410'", "MCG_GEN_TOO_BIG",
                "does not fit board samd21 (ATSAMD21G18A, Cortex-M0+)",
                "needs at least 422,808 B of flash for its weights and parameters (before code) but the board has 262,144 B");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void flashAndRamReplaceTheBoardsFigures() throws Exception {
        CliTest.Result r = build("--board", "samd21", "--flash", "1M");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(report().at("/board/flash_bytes").asLong()).isEqualTo(1024 * 1024);
        assertThat(report().at("/board/ram_bytes").asLong()).isEqualTo(32 * 1024);
        assertThat(report().at("/board/source").asText()).endsWith("; flash from --flash 1M");

        // Without --board: a board of its own for the target given.
        CliTest.Result custom = build("--target", "cortex-m0", "--flash", "512KiB", "--ram", "64K", "--force");
        assertThat(custom.code()).as(custom.err()).isZero();
        assertThat(report().at("/board/name").asText()).isEqualTo("custom");
        assertThat(report().at("/board/ram_bytes").asLong()).isEqualTo(64 * 1024);

        CliTest.assertOneLineError(build("--board", "rp2040", "--flash", "300K"), ExitCodes.REJECTED, "MCG_GEN_TOO_BIG",
                "board rp2040", "but the board has 307,200 B");
    }

    @Test
    void ramOverridesAreCheckedWithTheStackReserve() throws Exception {
        Path model = BoardBudgetTest.longConvModel(tmp);
        CliTest.Result r = CliTest.run("build", model.toString(), "--board", "nrf52840", "--ram", "16K", "--calibration",
                tmp.resolve("cal.npy").toString(), "--out", tmp.resolve("conv").toString(), "--no-progress");
        CliTest.assertOneLineError(r, ExitCodes.REJECTED, "MCG_GEN_TOO_BIG", "board nrf52840 (nRF52840, Cortex-M4)",
                "needs 18,056 B of RAM (arena 16,008 B + recurrent state 0 B + the board's 2,048 B stack) but the board has 16,384 B");
        CliTest.Result ok = CliTest.run("build", model.toString(), "--board", "nrf52840", "--calibration",
                tmp.resolve("cal.npy").toString(), "--out", tmp.resolve("conv").toString(), "--no-progress");
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @Test
    void badSizesAreOneLineUsageErrors() {
        CliTest.assertOneLineError(build("--board", "rp2040", "--flash", "1.5M"), ExitCodes.USAGE, "--flash",
                "'1.5M' is not a size", "MCG_CLI_USAGE");
        CliTest.assertOneLineError(build("--ram", "0"), ExitCodes.USAGE, "--ram", "out of range", "MCG_CLI_USAGE");
    }

    @Test
    void aTargetTheBoardsCoreCannotRunIsRefusedAnOlderOneAccepted() throws Exception {
        CliTest.assertOneLineError(build("--board", "rp2040", "--target", "cortex-m4"), ExitCodes.USAGE,
                "MCG_CLI_BOARD_TARGET", "cortex-m4 (Armv7E-M) cannot run on rp2040's Cortex-M0+ (Armv6-M)");
        assertThat(tmp.resolve("out")).doesNotExist();

        CliTest.Result r = build("--board", "nrf52840", "--target", "cortex-m0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(report().get("target").asText()).isEqualTo("cortex-m0");
        assertThat(report().at("/board/core").asText()).isEqualTo("Cortex-M4");
        // The C is cortex-m0 code (--rescale auto follows the target, not the board's core).
        assertThat(Files.readString(tmp.resolve("out/dense410.h"))).contains("options: --target cortex-m0 ")
                .contains("board: nrf52840 (nRF52840, Cortex-M4)");
    }

    @Test
    void anUnknownBoardListsTheNamesAndListPrintsTheCatalog() {
        CliTest.assertOneLineError(build("--board", "esp32"), ExitCodes.USAGE, "MCG_CLI_UNKNOWN_BOARD", "'esp32'",
                "stm32f411", "imxrt1062");
        CliTest.Result list = CliTest.run("build", "--board", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("rp2040", "Cortex-M0+", "264 KiB", "stm32h743", "Cortex-M7", "docs/boards.md");
        CliTest.Result verifyList = CliTest.run("verify", "--board", "LIST");
        assertThat(verifyList.code()).isZero();
        assertThat(verifyList.out()).contains("nrf5340");
        // Any other --board still needs the model (picocli does not check it beside a help option).
        CliTest.assertOneLineError(CliTest.run("build", "--board", "rp2040"), ExitCodes.USAGE, "MODEL", "MCG_CLI_USAGE");
        CliTest.assertOneLineError(CliTest.run("verify", dense410.toString(), "--board", "rp2040"), ExitCodes.USAGE,
                "--data", "MCG_CLI_USAGE");
    }

    /**
     * The 410 KiB model on an RP2040 (Cortex-M0+): the cortex-m0 program cannot be held by the micro:bit,
     * so it runs on the Cortex-M3 of mps2-an385, bit-exact, with its instructions counted.
     */
    @Test
    void verifyRunsTheArmv6MProgramOnABiggerQemuBoardAndSaysSo() throws Exception {
        VerifyCommandTest.requireTools(Target.CORTEX_M0);
        CliTest.Result r = CliTest.run("verify", dense410.toString(), "--board", "rp2040", "--calibration",
                models.resolve("cal.npy").toString(), "--data", models.resolve("test.npy").toString(), "--samples", "2",
                "--out", tmp.resolve("out").toString(), "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("mcugen: the model does not fit cortex-m0's QEMU board microbit (Cortex-M0, 256 KiB flash,"
                + " 16 KiB RAM): it needs 424,008 B of flash (constants 422,808 B + 2 embedded sample(s) 1,200 B, before code)")
                .contains("verify runs the cortex-m0 (Armv6-M) program on mps2-an385 (Cortex-M3, 4 MiB flash, 4 MiB RAM)")
                .contains("dense410 on cortex-m0", "2 sample(s) x 700 outputs bit-exact with the simulator");
        JsonNode j = report();
        assertThat(j.get("bit_exact").asBoolean()).isTrue();
        assertThat(j.at("/board/name").asText()).isEqualTo("rp2040");
        assertThat(j.at("/emulated_board/machine").asText()).isEqualTo("mps2-an385");
        assertThat(j.at("/emulated_board/core").asText()).isEqualTo("Cortex-M3");
        assertThat(j.at("/emulated_board/program_target").asText()).isEqualTo("cortex-m0");
        // 420,000 MACs of Armv6-M code: more than one instruction each, far from the Cortex-M3 kernel's figure.
        long instructions = j.at("/cost/instructions_per_inference").asLong();
        assertThat(instructions).isBetween(420_000L * 2, 420_000L * 8);
        assertThat(j.at("/cost/flash_bytes").asLong()).isGreaterThan(256 * 1024);
        assertThat(Files.readString(tmp.resolve("out/report.html"))).contains("mps2-an385 (Cortex-M3");
    }

    /**
     * Fits the user's board (8 MiB of flash) but with 20 embedded samples of 100,000 inputs no QEMU board
     * running Armv8.1-M (only the M55's, 2 MiB of code memory) can hold the program: verify says which
     * before running anything.
     */
    @Test
    void aModelNothingEmulatedCanHoldIsRefusedSayingWhich() throws Exception {
        Random r = new Random(5);
        int in = 100_000;
        String json = "{\"format\": \"mcugen-graph\", \"version\": 1, \"name\": \"wide_input\","
                + " \"inputs\": [{\"name\": \"x\", \"shape\": [" + in + "]}],"
                + " \"nodes\": [{\"name\": \"out\", \"op\": \"dense\", \"inputs\": [\"x\"], \"attrs\": {\"units\": 1},"
                + " \"weights\": {\"kernel\": {\"shape\": [" + in + ", 1], \"data\": " + numbers(r, in) + "},"
                + " \"bias\": {\"shape\": [1], \"data\": [0.1]}}}], \"outputs\": [\"out\"]}";
        Path model = tmp.resolve("wide_input.json");
        Files.writeString(model, json, StandardCharsets.UTF_8);
        BoardBudgetTest.writeNpy(tmp.resolve("wcal.npy"), r, 2, in);
        BoardBudgetTest.writeNpy(tmp.resolve("wdata.npy"), r, 20, in);
        CliTest.Result v = CliTest.run("verify", model.toString(), "--target", "cortex-m55", "--flash", "8M", "--calibration",
                tmp.resolve("wcal.npy").toString(), "--data", tmp.resolve("wdata.npy").toString(), "--out",
                tmp.resolve("wout").toString(), "--no-progress");
        CliTest.assertOneLineError(v, ExitCodes.REJECTED, "model 'wide_input'", "MCG_VERIFY_TOO_BIG",
                "fits board custom (a board given by --flash/--ram)",
                "no QEMU board that runs cortex-m55 (Armv8.1-M Mainline) code can hold it",
                "20 embedded sample(s) 2,000,000 B", "mps3-an547 (Cortex-M55, 2 MiB flash, 4 MiB RAM)", "fewer --samples");
        assertThat(tmp.resolve("wout")).doesNotExist();
        // The same model builds for that board: only verify needs the emulated room.
        CliTest.Result b = CliTest.run("build", model.toString(), "--target", "cortex-m55", "--flash", "8M", "--calibration",
                tmp.resolve("wcal.npy").toString(), "--out", tmp.resolve("wbuild").toString(), "--no-progress");
        assertThat(b.code()).as(b.err()).isZero();
    }

    /** A model that fits the micro:bit runs there; verify says the user's board is bigger than the emulated one. */
    @Test
    void verifySaysWhenTheUsersBoardIsBiggerThanTheEmulatedOne() throws Exception {
        VerifyCommandTest.requireTools(Target.CORTEX_M0);
        Path gesture = CliTest.ROOT.resolve("examples/gesture_conv1d");
        CliTest.Result r = CliTest.run("verify", gesture.resolve("model.json").toString(), "--board", "rp2040", "--data",
                gesture.resolve("test.npy").toString(), "--samples", "1", "--out", tmp.resolve("out").toString(),
                "--no-progress");
        assertThat(r.code()).as("stdout %s%nstderr %s", r.out(), r.err()).isZero();
        assertThat(r.out()).contains("mcugen: board rp2040 has 2 MiB flash and 264 KiB RAM, more than the QEMU board verify"
                + " runs cortex-m0 on, microbit (Cortex-M0, 256 KiB flash, 16 KiB RAM); the model and its 1 sample(s) fit both");
        JsonNode j = report();
        assertThat(j.at("/emulated_board/machine").asText()).isEqualTo("microbit");
        assertThat(j.at("/emulated_board/program_target").asText()).isEqualTo("cortex-m0");
        assertThat(j.at("/board/name").asText()).isEqualTo("rp2040");
    }
}
