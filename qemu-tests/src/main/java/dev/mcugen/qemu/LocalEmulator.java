package dev.mcugen.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs emulator commands (and native host programs) as processes on this machine. */
final class LocalEmulator implements Emulator {

    static final LocalEmulator INSTANCE = new LocalEmulator();

    private LocalEmulator() {
    }

    @Override
    public String description() {
        return "local QEMU (tools on this machine's PATH, no container)";
    }

    @Override
    public List<String> missing(Target target) {
        return target.emulator().filter(e -> !Tools.onPath(e)).stream().toList();
    }

    @Override
    public ProcessRunner.Outcome run(List<String> command, Path dir, Duration timeout) {
        return ProcessRunner.run(command, dir, timeout);
    }

    @Override
    public ProcessRunner.Outcome run(List<String> command, Path dir, Duration timeout, List<Path> watched) {
        return ProcessRunner.run(command, dir, timeout, watched);
    }
}
