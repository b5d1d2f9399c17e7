package dev.mcugen.cli;

import dev.mcugen.ir.FloatTensor;
import dev.mcugen.ir.Graph;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.ModelLoader;
import dev.mcugen.ir.data.InputData;
import dev.mcugen.ir.interp.Batch;
import dev.mcugen.ir.interp.FloatInterpreter;
import dev.mcugen.ir.npy.Npy;
import dev.mcugen.ir.npy.NpyArray;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mcugen simulate MODEL --data X.npy --mode float --out Y.npy}: the float reference run. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run a model in Java on data and write its outputs as .npy.",
                "--mode float runs the float32 reference with the framework's semantics."})
final class SimulateCommand implements Callable<Integer> {
    /** What to run. */
    enum Mode { FLOAT }

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    ModelArgument modelArg;

    @Option(names = "--data", required = true, paramLabel = "DATA",
            description = "float32 .npy of shape [N, ...input shape]; repeat once per model input, in input order")
    List<Path> data;

    @Option(names = "--mode", required = true, paramLabel = "MODE", description = "float (the float32 reference)")
    Mode mode;

    @Option(names = "--out", required = true, paramLabel = "OUT.npy",
            description = "where to write the outputs [N, ...output shape] as float32; repeat once per model output")
    List<Path> out;

    @Override
    public Integer call() {
        Graph g = ModelLoader.load(modelArg.model);
        if (out.size() != g.outputs().size()) {
            throw new McugenException(Diag.MCG_CLI_USAGE, "--out", "model '" + g.name() + "' has " + g.outputs().size()
                    + " output(s) " + g.outputs() + " but " + out.size() + " --out file(s) were given");
        }
        Batch in = InputData.read(g, data);
        Map<String, FloatTensor> results;
        try (ProgressBar bar = new ProgressBar("simulating", !common.noProgress)) {
            results = new FloatInterpreter(g).runBatch(in, bar::update);
        }
        PrintWriter w = spec.commandLine().getOut();
        for (int k = 0; k < out.size(); k++) {
            String name = g.outputs().get(k);
            FloatTensor y = results.get(name);
            Npy.write(out.get(k), NpyArray.ofFloat32(y.shape().dims(), y.toArray()));
            w.printf("%s: %d sample(s), output '%s' %s -> %s%n", g.name(), in.size(), name, y.shape(), out.get(k));
        }
        w.flush();
        return ExitCodes.OK;
    }
}
