package dev.mcugen.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcugen.gen.GenOptions;
import dev.mcugen.gen.View;
import dev.mcugen.scale.AccumulatorBound;
import dev.mcugen.scale.Contract;
import dev.mcugen.scale.ContractResult;
import dev.mcugen.scale.QuantizedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict at the top of report.json and report.html: PASS when no check failed, else FAIL with the
 * failed checks as the reason. {@code build} checks the quantization's contracts, the overflow proof
 * and the board's memory; {@code verify} adds bit-exactness, streaming, float-freedom and the accuracy
 * thresholds, and its verdict is its exit status's (FAIL exactly when it exits 6: a run that differs
 * from the simulator writes no report). A violated contract fails a build; in verify it is a warning,
 * since the C was proven equal to the simulator and the accuracy figures measure its effect.
 */
final class Verdict {
    /** A check's outcome. */
    enum Status {
        PASS("pass"), FAIL("fail"), WARNING("warning"), NOT_APPLICABLE("not applicable");

        final String json;

        Status(String json) {
            this.json = json;
        }
    }

    /** One check: what, its outcome, the figures behind it. */
    record Check(String name, Status status, String detail) {
    }

    private final List<Check> checks = new ArrayList<>();

    Verdict add(String name, Status status, String detail) {
        checks.add(new Check(name, status, detail));
        return this;
    }

    /** {@code other}'s checks after these. */
    Verdict addAll(Verdict other) {
        checks.addAll(other.checks);
        return this;
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    boolean passed() {
        return checks.stream().noneMatch(c -> c.status() == Status.FAIL);
    }

    /** "PASS" or "FAIL". */
    String status() {
        return passed() ? "PASS" : "FAIL";
    }

    /** One line: "PASS: 6 checks passed" or "FAIL: name: detail; ...". */
    String line() {
        return status() + ": " + summary();
    }

    /** The reason: "6 checks passed" (and the warnings), or each failed check with its detail. */
    String summary() {
        List<Check> failed = checks.stream().filter(c -> c.status() == Status.FAIL).toList();
        if (failed.isEmpty()) {
            long passed = checks.stream().filter(c -> c.status() == Status.PASS).count();
            long warned = checks.stream().filter(c -> c.status() == Status.WARNING).count();
            return passed + (passed == 1 ? " check" : " checks") + " passed"
                    + (warned == 0 ? "" : ", " + warned + (warned == 1 ? " warning" : " warnings"));
        }
        return String.join("; ", failed.stream().map(c -> c.name() + ": " + c.detail()).toList());
    }

    /**
     * {@code {"status": "PASS"|"FAIL", "summary": the reason, "checks": [{check, status: pass|fail|warning|not
     * applicable, detail}]}} into {@code o}.
     */
    void into(ObjectNode o) {
        o.put("status", status());
        o.put("summary", summary());
        ArrayNode a = o.putArray("checks");
        for (Check c : checks) {
            ObjectNode e = a.addObject();
            e.put("check", c.name());
            e.put("status", c.status().json);
            e.put("detail", c.detail());
        }
    }

    /**
     * The build's checks: contracts (see {@link #contracts}), the overflow proof, the board's memory
     * ({@code gen}'s budget).
     *
     * @param contractsWarn whether a violated contract only warns (verify) instead of failing (build)
     */
    static Verdict quantization(QuantizedModel qm, GenOptions gen, View.Footprint f, boolean contractsWarn) {
        return quantization(qm, gen, f, contractsWarn, null);
    }

    /**
     * As {@link #quantization(QuantizedModel, GenOptions, View.Footprint, boolean)}, with the stack one
     * inference used on the target ({@code verify}'s measurement, or null) held against the board.
     */
    static Verdict quantization(QuantizedModel qm, GenOptions gen, View.Footprint f, boolean contractsWarn,
                                Long measuredStack) {
        Verdict v = new Verdict();
        contracts(v, qm.solution().results(), contractsWarn);
        overflow(v, qm.bounds());
        board(v, f, gen.budget(), qm.options().target().cliName(), measuredStack);
        return v;
    }

    /** The name of the board check, which fails in verify when the measured stack does not fit. */
    static final String FITS_THE_BOARD = "fits the board";

    /**
     * The contracts check. A coverage contract violated on a tensor whose fixed format another contract
     * sets (a gate's Q3.12 input: sigmoid and tanh are flat past it) saturates by design and warns; any
     * other violated contract fails, or warns when {@code violatedWarns}.
     */
    static void contracts(Verdict v, List<ContractResult> results, boolean violatedWarns) {
        long held = results.stream().filter(r -> r.status() == ContractResult.Status.HELD).count();
        long rounded = results.stream().filter(r -> r.status() == ContractResult.Status.ROUNDED).count();
        java.util.Set<String> fixedFormat = new java.util.HashSet<>();
        for (ContractResult r : results) {
            if (r.contract() instanceof Contract.FixedFormat ff) {
                fixedFormat.add(ff.tensor());
            }
        }
        List<ContractResult> violated = results.stream().filter(r -> r.status() == ContractResult.Status.VIOLATED).toList();
        List<ContractResult> byDesign = violated.stream().filter(r -> r.contract() instanceof Contract.Coverage c
                && fixedFormat.contains(c.tensor())).toList();
        List<ContractResult> other = violated.stream().filter(r -> !byDesign.contains(r)).toList();
        String counts = ReportFormat.integer(results.size()) + " contracts: " + ReportFormat.integer(held) + " held, "
                + ReportFormat.integer(rounded) + " rounded, " + ReportFormat.integer(violated.size()) + " violated";
        if (!other.isEmpty()) {
            ContractResult first = other.get(0);
            v.add("contracts", violatedWarns ? Status.WARNING : Status.FAIL, counts + " (first: " + first.contract().kind()
                    + " on " + String.join(", ", first.contract().tensors()) + ": " + first.detail() + ")");
        } else if (!byDesign.isEmpty()) {
            v.add("contracts", Status.WARNING, counts + ", all of them ranges that saturate by design at a fixed format"
                    + " (" + String.join(", ", byDesign.stream().map(r -> r.contract().tensors().get(0)).toList()) + ")");
        } else {
            v.add("contracts", Status.PASS, counts);
        }
    }

    /** The overflow proof: fails when an accumulator's bound exceeds its limit and nothing handles it. */
    static void overflow(Verdict v, List<AccumulatorBound> bounds) {
        List<AccumulatorBound> open = bounds.stream().filter(b -> !b.safe() && b.action().isEmpty()).toList();
        List<AccumulatorBound> handled = bounds.stream().filter(b -> !b.safe() && !b.action().isEmpty()).toList();
        if (!open.isEmpty()) {
            AccumulatorBound b = open.get(0);
            v.add("overflow proof", Status.FAIL, ReportFormat.integer(open.size()) + " of " + ReportFormat.integer(bounds.size())
                    + " accumulators could overflow (first: layer '" + b.layer() + "' " + b.accumulator() + ", bound "
                    + ReportFormat.integer(b.bound()) + " > " + ReportFormat.integer(b.limit()) + ")");
            return;
        }
        int least = bounds.stream().mapToInt(AccumulatorBound::headroomBits).min().orElse(0);
        v.add("overflow proof", Status.PASS, bounds.isEmpty() ? "no accumulator"
                : handled.isEmpty() ? "all " + ReportFormat.integer(bounds.size()) + " accumulators bounded within their"
                + " limit (least headroom " + least + " bits)"
                : ReportFormat.integer(bounds.size() - handled.size()) + " accumulators bounded within their limit, "
                + ReportFormat.integer(handled.size()) + " beyond it handled (" + handled.get(0).action() + ")");
    }

    /**
     * Whether the model fits the board: the budget the generator checked it against (it refuses a model
     * that does not fit, so a build's report passes), with the figures; not applicable without one.
     * The generator can only reserve a fixed stack; {@code verify} measures what one inference really
     * uses ({@code measuredStack}): more than the reserve warns (the firmware must give the stack at
     * least that much), more than the RAM left beside the context fails.
     */
    static void board(Verdict v, View.Footprint f, GenOptions.Budget b, String target, Long measuredStack) {
        if (b == null) {
            v.add(FITS_THE_BOARD, Status.NOT_APPLICABLE, target + " has no fixed memory budget");
            return;
        }
        long ram = f.contextBytes() + b.stackBytes();
        boolean fits = ram <= b.ramBytes() && f.constBytes() <= b.flashBytes();
        // A board given only --ram (or only --flash) leaves the other unlimited (Long.MAX_VALUE).
        boolean flashKnown = b.flashBytes() != Long.MAX_VALUE;
        String of = b.ramBytes() != Long.MAX_VALUE ? " of " + ReportFormat.bytes(b.ramBytes()) : " (RAM not limited)";
        String figures = b.where() + ": constants " + ReportFormat.bytes(f.constBytes())
                + (flashKnown ? String.format(Locale.ROOT, " of %s flash (%.1f %%, before code)",
                ReportFormat.bytes(b.flashBytes()), 100.0 * f.constBytes() / b.flashBytes()) : " (flash not limited)")
                + "; RAM " + ReportFormat.bytes(f.contextBytes()) + " (context) + ";
        if (fits && measuredStack != null && measuredStack > b.stackBytes()) {
            boolean roomy = f.contextBytes() + measuredStack <= b.ramBytes();
            v.add(FITS_THE_BOARD, roomy ? Status.WARNING : Status.FAIL, figures + ReportFormat.bytes(measuredStack)
                    + " (stack one inference used, measured on " + target + ")" + of + (roomy
                    ? "; more than the " + ReportFormat.bytes(b.stackBytes()) + " build reserves: give the firmware's"
                    + " stack at least " + ReportFormat.bytes(measuredStack) + " on top of its own use"
                    : ": the context and that stack do not fit"));
            return;
        }
        v.add(FITS_THE_BOARD, fits ? Status.PASS : Status.FAIL, figures + ReportFormat.bytes(b.stackBytes())
                + " (stack reserved" + (measuredStack != null ? "; one inference used " + ReportFormat.bytes(measuredStack)
                + ", measured on " + target : "") + ")" + of);
    }
}
