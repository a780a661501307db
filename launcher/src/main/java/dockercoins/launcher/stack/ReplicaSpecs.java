package dockercoins.launcher.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds what each replica runs from its stack: the program each service needs, resolved here (a
 * java with the service's JVM flags, redis-server, prometheus), its arguments, its environment
 * (the knobs, its port, its peers' URLs) and the fingerprint of all that.
 */
public final class ReplicaSpecs {
    private ReplicaSpecs() {
    }

    public static ReplicaSpec of(Stack stack, Service s, int index, int port, Map<String, String> knobs, JvmOptions.Cache cache) {
        return switch (s) {
            case REDIS -> binary(s, port, "redis-server", RedisBinary.find(stack.home, stack.projectDir, stack.settings.path()),
                    redis(stack, port));
            case PROMETHEUS -> binary(s, port, "prometheus", Prometheus.binary(stack.settings.path()),
                    Prometheus.arguments(stack.state, stack.listenAddress(Service.PROMETHEUS, 1), port));
            default -> java(stack, s, index, port, knobs, cache);
        };
    }

    /**
     * Redis on loopback only (it has no password), keeping its data until down, as the official
     * image does in its volume: the append-only file, fsynced on every write, so even a kill -9
     * loses no INCRBY (the workers write about once a second each: the fsyncs cost nothing
     * measurable, docs/bench.md), and the RDB snapshot of Redis' default save points, also written at shutdown.
     */
    private static String[] redis(Stack stack, int port) {
        return new String[] {"--port", Integer.toString(port), "--bind", Stack.LOOPBACK,
            "--dir", stack.state.dataDir(Service.REDIS).toString(), "--appendonly", "yes", "--appendfsync", "always",
            "--save", "3600", "1", "--save", "300", "100", "--save", "60", "10000"};
    }

    /**
     * A program found on PATH or extracted (redis-server, prometheus). Its fingerprint names the
     * program, not where it was found: the embedded redis-server and one on PATH run the same redis.
     */
    private static ReplicaSpec binary(Service s, int port, String name, Path program, String... arguments) {
        List<String> command = new ArrayList<>(List.of(program.toString()));
        command.addAll(List.of(arguments));
        List<String> fingerprinted = new ArrayList<>(List.of(name));
        fingerprinted.addAll(List.of(arguments));
        return new ReplicaSpec(s, command, Map.of(), port, ReplicaSpec.fingerprint(fingerprinted, Map.of(), ""), null);
    }

    private static ReplicaSpec java(Stack stack, Service s, int index, int port, Map<String, String> knobs, JvmOptions.Cache cache) {
        Path jar = Build.jar(stack.projectDir, s);
        // the cache flags change from training to using: they are not part of the fingerprint
        List<String> fingerprinted = new ArrayList<>();
        List<String> flags = JvmOptions.flags(stack.projectDir, s);
        fingerprinted.add(JvmOptions.java());
        fingerprinted.addAll(flags);
        fingerprinted.addAll(List.of("-jar", jar.toString()));
        List<String> command = new ArrayList<>(fingerprinted);
        command.addAll(1 + flags.size(), JvmOptions.cacheFlags(stack.cacheDir(), s, jar, cache));
        Map<String, String> vars = new TreeMap<>(knobs);
        // DEMO: only replica 1 of rng, hasher and webui is published; extra replicas and worker metrics stay on loopback
        vars.put("BIND_ADDRESS", stack.listenAddress(s, index));
        if (s.port.published()) vars.put("PORT", Integer.toString(port));
        // DEMO: workers have no port; with prometheus on, a worker's port is the one it serves /metrics on
        if (!s.listens() && port > 0) vars.put("METRICS_PORT", Integer.toString(port));
        // No drain on stop unless asked (SHUTDOWN_DRAIN): nothing here routes by /readyz (the workers call fixed
        // lists of URLs), so draining would only make down, restart and scale wait 3 s more per service.
        if (s.listens()) vars.putIfAbsent("SHUTDOWN_DRAIN", "0");
        vars.remove("REDIS_URL");
        // webui's per-replica view: the replicas share this host, so each says its own name
        vars.put("REPLICA_NAME", s.id() + "-" + index);
        // Faults on demand (CHAOS=on): every replica here shares this host, so /chaos takes any free port (its log says which)
        if (s.listens()) vars.putIfAbsent("CHAOS_PORT", "0");
        for (Service d : s.dependsOn) vars.put(d.name() + "_URL", stack.urlsOf(d));
        // webui reads its files from disk, so that editing index.html is live (the lab's 15px)
        if (s == Service.WEBUI) {
            vars.putIfAbsent("FILES_DIR", stack.projectDir.resolve("webui").resolve("files").toString());
        } else {
            vars.remove("FILES_DIR");
        }
        String jarStamp = "";
        try {
            jarStamp = Files.getLastModifiedTime(jar) + "/" + Files.size(jar);
        } catch (IOException e) {
            // a missing jar is reported when the replica fails to start
        }
        return new ReplicaSpec(s, command, vars, port, ReplicaSpec.fingerprint(fingerprinted, vars, jarStamp), jar);
    }
}
