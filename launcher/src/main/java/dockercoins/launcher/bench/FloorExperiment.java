package dockercoins.launcher.bench;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.JvmOptions;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/**
 * The runtime's floor: {@link FloorServer} started with the services' JVM flags, given the
 * requests rng gets in the lab's 10-worker step (10 clients, a new connection each time), then
 * its memory. What a service takes above it is its own.
 */
final class FloorExperiment {
    private static final int CLIENTS = 10;
    private static final int REQUESTS_EACH = 20;

    private final BenchRun run;
    private final Stack lab;

    FloorExperiment(BenchRun run, Stack lab) {
        this.run = run;
        this.lab = lab;
    }

    ProcessView.Memory measure() {
        int port = lab.ports.any();
        List<String> command = new ArrayList<>(List.of(JvmOptions.java()));
        command.addAll(JvmOptions.flags(run.projectDir, Service.RNG));
        command.addAll(List.of("-cp", ownClassPath(), FloorServer.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PORT", Integer.toString(port));
        run.progress.live("memory: the floor, a trivial HttpServer");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LaunchException("cannot start the floor server: " + e.getMessage());
        }
        run.spawned.add(p);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (HttpProbe.get(port, "/", 1000) < 0) {
                if (!p.isAlive()) throw new LaunchException("the floor server exited with code " + p.exitValue());
                if (System.nanoTime() > deadline) throw new LaunchException("the floor server did not answer within 30 s");
                run.pause(2);
            }
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                IntStream.range(0, CLIENTS).forEach(c -> clients.submit(() -> {
                    for (int i = 0; i < REQUESTS_EACH; i++) HttpProbe.get(port, "/", 1000);
                }));
            }
            run.pause(run.plan.idleMillis());
            return ProcessView.memory(p.pid());
        } finally {
            run.stopProcess(p);
        }
    }

    /** The launcher's own jar (or classes folder, under the tests): FloorServer is in it. */
    private static String ownClassPath() {
        try {
            return Path.of(FloorServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new LaunchException("cannot find the launcher's classes: " + e.getMessage());
        }
    }
}
