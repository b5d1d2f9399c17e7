package dev.mcugen.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What a command leaves behind when the JVM is stopped by SIGINT or SIGTERM (a user's Ctrl-C, a CI
 * timeout): the JVM runs shutdown hooks but no {@code finally} blocks, so child processes (QEMU, gcc)
 * would be orphaned and temporary folders left in place. The hook installed by {@link Main#main} kills
 * the process tree first (children may still be writing into the folders), then runs the registered
 * clean-ups (temporary folders, output locks) in reverse order of registration. SIGKILL runs nothing:
 * the next build into the same {@code --out} removes what is left (see {@link OutputDir}).
 */
final class ExitCleanup {
    /** How long children get to exit after SIGTERM before they are killed. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    /** Held while an output is moved into place, so the hook never deletes half of a commit. */
    static final Object LOCK = new Object();

    /** How long the hook waits for the command to unwind (its finally blocks) once its children are gone. */
    private static final Duration UNWIND = Duration.ofSeconds(2);

    private static final Map<Object, Runnable> ACTIONS = new LinkedHashMap<>();
    private static final CountDownLatch DONE = new CountDownLatch(1);
    private static volatile boolean exiting;
    private static boolean installed;

    private ExitCleanup() {
    }

    /** Installs the shutdown hook (only the real process does; tests calling {@link Main#run} run no hook). */
    static synchronized void install() {
        if (!installed) {
            installed = true;
            Runtime.getRuntime().addShutdownHook(new Thread(ExitCleanup::runAll, "mcugen-exit-cleanup"));
        }
    }

    /** Called when the command returned: the hook need not wait for it. */
    static void done() {
        DONE.countDown();
    }

    /** Whether the JVM is shutting down (a command must then not move anything into place). */
    static boolean exiting() {
        return exiting;
    }

    /** Registers {@code action} to run at exit; closing the handle unregisters it (the command cleaned up itself). */
    static AutoCloseable register(Runnable action) {
        Object key = new Object();
        synchronized (LOCK) {
            ACTIONS.put(key, action);
        }
        return () -> {
            synchronized (LOCK) {
                ACTIONS.remove(key);
            }
        };
    }

    private static void runAll() {
        exiting = true;
        killDescendants();
        // A command waiting on a killed child fails now and runs its own clean-up (finally blocks,
        // including the runners' temporary files): give it a moment, then remove what is left.
        try {
            DONE.await(UNWIND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Runnable> actions;
        synchronized (LOCK) {
            actions = new ArrayList<>(ACTIONS.values());
            ACTIONS.clear();
        }
        for (int i = actions.size() - 1; i >= 0; i--) {
            try {
                actions.get(i).run();
            } catch (RuntimeException e) {
                // Best effort: the next clean-up still runs.
            }
        }
    }

    /** SIGTERM to every descendant (QEMU flushes and exits), SIGKILL to those still alive after the grace time. */
    static void killDescendants() {
        List<ProcessHandle> tree = ProcessHandle.current().descendants().toList();
        if (tree.isEmpty()) {
            return;
        }
        tree.forEach(ProcessHandle::destroy);
        CompletableFuture<?>[] exits = tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Timed out or interrupted: force what is left.
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        // Children of the killed processes that were re-parented are not our descendants any more:
        // they were listed above (the list was taken before any kill), so they got the signals too.
    }
}
