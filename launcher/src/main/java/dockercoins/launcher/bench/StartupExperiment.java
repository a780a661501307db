package dockercoins.launcher.bench;

import dockercoins.launcher.Start;
import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.ProcessView;
import dockercoins.launcher.stack.JvmOptions;
import dockercoins.launcher.stack.ReplicaSpec;
import dockercoins.launcher.stack.ReplicaSpecs;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench's start-up experiment: each Java service started alone, as the launcher starts it,
 * timed from exec to its first answer (a worker: its first INCRBY), and its memory just after.
 */
final class StartupExperiment {
    /** One start: seconds to the first answer, to the first log line (NaN if none), and the memory then. */
    private record Start(double seconds, double firstLineSeconds, ProcessView.Memory idle) {
    }

    private final BenchRun run;
    private final Stack lab;
    private final RedisCounter redis;

    StartupExperiment(BenchRun run, Stack lab, RedisCounter redis) {
        this.run = run;
        this.lab = lab;
        this.redis = redis;
    }

    void run() throws IOException {
        int runs = run.plan.startupRuns();
        for (Service s : List.of(Service.RNG, Service.HASHER, Service.WORKER, Service.WEBUI)) {
            List<Double> times = new ArrayList<>();
            List<Double> firstLines = new ArrayList<>();
            ProcessView.Memory idle = ProcessView.Memory.NONE;
            // Full runs start each service once unmeasured: it writes the class-data cache if there
            // is none for this jar (the lab's replicas write theirs only when they stop), so that
            // the measured runs start as every later replica does.
            for (int i = runs > 1 ? -1 : 0; i < runs; i++) {
                run.progress.live("start-up " + s + ": run " + (i + 1) + "/" + runs);
                Start start = startOnce(s, i < 0 ? JvmOptions.Cache.TRAIN_IF_MISSING : JvmOptions.Cache.USE_IF_PRESENT);
                if (i < 0) continue;
                times.add(start.seconds());
                if (!Double.isNaN(start.firstLineSeconds())) firstLines.add(start.firstLineSeconds());
                idle = start.idle();
            }
            double median = Statistics.median(times);
            String what = s.listens() ? "first response (GET /)" : "first INCRBY";
            BenchReport report = run.report;
            report.add(Figure.of("startup." + s + ".seconds", s + ": start to " + what, median, "s")
                    .spread(Statistics.stdev(times), times.size()));
            if (!firstLines.isEmpty()) {
                report.add(Figure.of("startup." + s + ".first_log_line_s", s + ": start to first log line",
                        Statistics.median(firstLines), "s").spread(Statistics.stdev(firstLines), firstLines.size()));
            }
            report.add(Figure.of("startup." + s + ".idle_rss_mb", s + ": RSS just after start", idle.rssMb(), "MB"));
            report.add(Figure.of("startup." + s + ".idle_pss_mb", s + ": PSS just after start", idle.pssMb(), "MB"));
            run.progress.done(String.format(Locale.ROOT, "start-up %-6s %6.3f s to %s (median of %d), RSS %.1f MB",
                    s, median, what, times.size(), idle.rssMb()));
        }
    }

    private Start startOnce(Service s, JvmOptions.Cache cache) throws IOException {
        int port = s.listens() ? lab.ports.any() : 0;
        ReplicaSpec spec = ReplicaSpecs.of(lab, s, 1, port, lab.settings.knobs(), cache);
        if (!s.listens()) redis.del("hashes");
        ProcessBuilder pb = new ProcessBuilder(spec.command()).directory(run.projectDir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(spec.env());
        if (s.listens()) pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        long t0 = System.nanoTime();
        Process p = pb.start();
        run.spawned.add(p);
        try {
            AtomicLong firstLine = new AtomicLong();
            if (!s.listens()) {
                Thread.ofVirtual().start(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        if (r.readLine() != null) firstLine.set(System.nanoTime());
                        r.transferTo(Writer.nullWriter());
                    } catch (IOException e) {
                        // the process ended
                    }
                });
            }
            long deadline = t0 + Duration.ofSeconds(30).toNanos();
            while (s.listens() ? HttpProbe.get(port, "/", 1000) < 0 : redis.get("hashes") < 0) {
                if (!p.isAlive()) throw new LaunchException(s + " exited with code " + p.exitValue() + " while the bench timed its start-up");
                if (System.nanoTime() > deadline) throw new LaunchException(s + " did not answer within 30 s of its start");
                run.pause(2);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            run.pause(run.plan.idleMillis());
            double line = firstLine.get() == 0 ? Double.NaN : (firstLine.get() - t0) / 1e9;
            return new Start(seconds, line, ProcessView.memory(p.pid()));
        } finally {
            run.stopProcess(p);
        }
    }
}
