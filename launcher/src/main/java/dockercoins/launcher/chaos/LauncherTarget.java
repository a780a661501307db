package dockercoins.launcher.chaos;

import com.google.gson.JsonObject;
import dockercoins.launcher.bench.RedisCounter;
import dockercoins.launcher.stack.Converge;
import dockercoins.launcher.stack.ConvergeMode;
import dockercoins.launcher.stack.LogLine;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This launcher's stack as a chaos target: its replicas killed, stopped and started as {@code
 * kill -9}, {@code ./dockercoins stop} and {@code start} would, each replica's /chaos on the
 * port its log names, the counters and the page's events in its Redis.
 */
public final class LauncherTarget implements Target {
    private static final Pattern CHAOS_PORT = Pattern.compile("chaos on port (\\d+)");
    /** Services with a /chaos. */
    public static final List<Service> WITH_CHAOS = List.of(Service.RNG, Service.HASHER, Service.WEBUI);

    private final Stack stack;
    private final List<Service> services;

    /** The replicas of these services (worker, rng, hasher and webui when none are named). */
    public LauncherTarget(Stack stack, List<Service> services) {
        this.stack = stack;
        this.services = services.isEmpty() ? List.of(Service.WORKER, Service.RNG, Service.HASHER, Service.WEBUI) : services;
    }

    @Override
    public String describe() {
        return "the stack " + stack.project + " (" + String.join(", ", services.stream().map(Service::id).toList()) + ")";
    }

    @Override
    public Set<Action> actions() {
        return EnumSet.allOf(Action.class);
    }

    @Override
    public List<String> replicas() {
        return running().stream().map(Replica::shortName).toList();
    }

    @Override
    public Map<String, URI> chaosUrls() {
        var urls = new LinkedHashMap<String, URI>();
        for (Replica r : running()) {
            if (!WITH_CHAOS.contains(r.service())) continue;
            int port = chaosPort(r);
            if (port > 0) urls.put(r.shortName(), URI.create("http://127.0.0.1:" + port + "/chaos"));
        }
        return urls;
    }

    /** The port in the replica's last "chaos on port N" line since it started, or -1 (it runs without CHAOS=on). */
    public int chaosPort(Replica r) {
        int port = -1;
        try (var lines = Files.lines(stack.state.logFile(r))) {
            for (String raw : (Iterable<String>) lines::iterator) {
                LogLine line = LogLine.parse(raw);
                Matcher m = CHAOS_PORT.matcher(line.text());
                // a line of an earlier run of the replica names a port long closed
                boolean thisRun = line.time() == null || line.time().toEpochMilli() >= r.startMillis() - 1000;
                if (m.find()) port = thisRun ? Integer.parseInt(m.group(1)) : -1;
            }
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
        return port;
    }

    @Override
    public void kill(String name) throws Exception {
        Replica r = replica(name);
        var process = r.process();
        if (process.isPresent()) {
            process.get().destroyForcibly();
            process.get().onExit().get(10, TimeUnit.SECONDS);
        }
        start(name);
    }

    @Override
    public void stop(String name) throws Exception {
        Replica r = replica(name);
        try (AutoCloseable lock = stack.lock()) {
            stack.supervisor.stopInOrder(List.of(r));
        }
    }

    @Override
    public void start(String name) throws Exception {
        Service s = replica(name).service();
        int count = stack.replicas(s).stream().mapToInt(Replica::index).max().orElse(1);
        try (AutoCloseable lock = stack.lock()) {
            new Converge(stack).run(Map.of(s, count), ConvergeMode.START);
        }
    }

    @Override
    public Counter counter() {
        return Counter.redis(stack.redisUrl());
    }

    @Override
    public void event(String text) {
        var json = new JsonObject(); // the shape the workers write: {"at": seconds, "text": ...}
        json.addProperty("at", Instant.now().getEpochSecond());
        json.addProperty("text", text);
        try (var redis = new RedisCounter(stack.redisUrl())) {
            redis.push("dockercoins:events", json.toString(), 100);
        } catch (IOException e) {
            // a marker on the page, not a reason to stop the run
        }
    }

    private List<Replica> running() {
        return stack.replicas().stream().filter(r -> services.contains(r.service()) && r.isRunning())
                .sorted(Comparator.comparing(Replica::service).thenComparing(Replica::index)).toList();
    }

    private Replica replica(String name) {
        return stack.replicas().stream().filter(r -> r.shortName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " is no replica of " + stack.project + " any more"));
    }
}
