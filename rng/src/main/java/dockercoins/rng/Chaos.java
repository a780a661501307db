package dockercoins.rng;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults on demand, for labs on probes, autoscalers, limits, rollouts and retries; the same in
 * rng, hasher and webui: this file is copied word for word into each one (deploy's
 * ServiceCopiesTest keeps the copies equal). None by default. Answers say which faults are in
 * force (an X-Chaos header), for the markers of webui's graph.
 * <p>
 * The faults: {@code error_rate} (that share of the service's own requests answered 500),
 * {@code latency} (seconds added to each, or a range "0.2-1.5"), {@code ready} and
 * {@code healthy} (false: /readyz, /healthz answer 503), {@code cpu} (cores kept busy),
 * {@code memory} (MiB held) and {@code exit} (the process exits with that code). Probes, metrics
 * and /chaos itself are never slowed or failed. Each is set at start by CHAOS_ERROR_RATE,
 * CHAOS_LATENCY, ... and, with CHAOS=on, at run time on a port of its own, CHAOS_PORT (8081),
 * which no compose file, stack or chart publishes: a visitor of a published page cannot take the
 * app down.
 * <pre>curl -s -X PUT -d '{"error_rate": 0.5, "latency": "0.2-1.5"}' localhost:8081/chaos</pre>
 */
final class Chaos {
    /** The faults in force; a change makes a new one. Latency: from min to max seconds, at random. */
    record Faults(double errorRate, Duration latencyMin, Duration latencyMax, boolean ready, boolean healthy, double cpu, int memory) {
        static final Faults NONE = new Faults(0, Duration.ZERO, Duration.ZERO, true, true, 0, 0);
    }

    /** CHAOS=on serves /chaos on CHAOS_PORT (8081); the CHAOS_* variables set faults at start, with or without it. */
    record Settings(boolean on, int port, Faults atStart) {
        static final Settings OFF = new Settings(false, 0, Faults.NONE);

        static Settings fromEnv(Map<String, String> variables) {
            var env = new Env(variables);
            return new Settings(env.onOff("CHAOS", "off"), env.port("CHAOS_PORT", "8081"), faultsFromEnv(variables));
        }
    }

    static final List<String> NAMES = List.of("error_rate", "latency", "ready", "healthy", "cpu", "memory", "exit");
    private static final int MAX_MEMORY = 64 * 1024; // MiB
    private static final int MAX_CPU = 64; // cores

    private final String service;
    private final Logger log = LoggerFactory.getLogger(Chaos.class);
    private final Counter changes = Counter.builder().name("chaos_changes_total")
            .help("Changes of the faults: at start (CHAOS_* variables) and by PUT /chaos").build();
    private volatile Faults faults = Faults.NONE;
    private final Stress stress;

    /** The service's faults, from those set at start (CHAOS_* variables: {@link Settings#fromEnv}). */
    Chaos(String service, Faults atStart) {
        this.service = service;
        this.stress = new Stress(service);
        if (!atStart.equals(Faults.NONE)) change(atStart, "CHAOS_* variables");
    }

    /** Shows the faults and their changes in the service's metrics. */
    void register(PrometheusRegistry registry) {
        registry.register(changes);
        GaugeWithCallback.builder().name("chaos_fault")
                .help("The faults in force: error_rate share, latency_max seconds, ready and healthy (1 = yes), cpu cores, memory MiB")
                .labelNames("fault").callback(gauge -> {
                    Faults now = faults;
                    gauge.call(now.errorRate(), "error_rate");
                    gauge.call(now.latencyMax().toNanos() / 1e9, "latency_max");
                    gauge.call(now.ready() ? 1 : 0, "ready");
                    gauge.call(now.healthy() ? 1 : 0, "healthy");
                    gauge.call(now.cpu(), "cpu");
                    gauge.call(now.memory(), "memory");
                }).register(registry);
    }

    boolean ready() {
        return faults.ready();
    }

    /** GET /healthz: alive, unless the healthy fault says otherwise. */
    void healthz(HttpExchange exchange) throws IOException {
        if (faults.healthy()) Http.sendText(exchange, 200, service + " is alive\n");
        else Http.sendText(exchange, 503, service + " is not alive: chaos healthy=false\n");
    }

    /**
     * The faults set at start by CHAOS_ERROR_RATE, CHAOS_LATENCY, CHAOS_READY, CHAOS_HEALTHY,
     * CHAOS_CPU and CHAOS_MEMORY (exit is for run time). A malformed value throws
     * IllegalArgumentException naming the variable, as Env does.
     */
    static Faults faultsFromEnv(Map<String, String> variables) {
        var env = new Env(variables);
        Faults faults = Faults.NONE;
        for (String name : NAMES.subList(0, NAMES.indexOf("exit"))) {
            String variable = "CHAOS_" + name.toUpperCase(Locale.ROOT);
            if (!env.isSet(variable)) continue;
            String value = variables.get(variable).strip();
            JsonElement json = switch (name) {
                case "ready", "healthy" -> new JsonPrimitive(env.onOff(variable, "on"));
                case "latency" -> new JsonPrimitive(value);
                default -> {
                    BigDecimal number = env.parse(variable, "", "must be a number", v -> v.matches("[0-9]*\\.?[0-9]+") ? new BigDecimal(v) : null);
                    yield new JsonPrimitive(number);
                }
            };
            try {
                faults = with(faults, Map.of(name, json)).faults();
            } catch (BadFault e) {
                throw new IllegalArgumentException(variable + e.getMessage().substring(name.length()));
            }
        }
        return faults;
    }

    /** Listens for GET and PUT /chaos on a port of its own (CHAOS_PORT): main does, with CHAOS=on. */
    HttpServer listen(String address, int port) throws IOException {
        var server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.createContext("/chaos", this::chaos).getFilters().add(Http.SAYS_CONNECTION_CLOSE);
        server.start(); // one thread: changes come one at a time
        log.info("{} chaos on port {}: GET or PUT /chaos", service, server.getAddress().getPort());
        return server;
    }

    /** /chaos on the service's own port: never served there, whatever CHAOS says. */
    void notHere(HttpExchange exchange) throws IOException {
        Http.sendText(exchange, 404, "no /chaos on this port: with CHAOS=on, " + service + " serves it on CHAOS_PORT (8081 by default)\n");
    }

    /** As main needs it: listening, or the process exits 1 with one line naming the port. */
    void listenOrExit(String address, int port) {
        try {
            listen(address, port);
        } catch (IOException e) {
            System.err.println(Http.cannotListen(service + " (CHAOS_PORT)", address, port, e));
            System.exit(1);
        }
    }

    /** GET /chaos: the faults as JSON; PUT /chaos: changes those the JSON body names. */
    private void chaos(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            Http.send(exchange, 200, "application/json", json(faults));
        } else if (method.equals("PUT")) {
            put(exchange);
        } else {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD, PUT");
            Http.sendText(exchange, 405, "/chaos answers GET and PUT, not " + method + "\n");
        }
    }

    private void put(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(64 * 1024);
        JsonObject changes;
        try {
            var reader = new JsonReader(new StringReader(new String(body, StandardCharsets.UTF_8)));
            reader.setStrictness(Strictness.STRICT);
            JsonElement parsed = JsonParser.parseReader(reader);
            if (!parsed.isJsonObject() || reader.peek() != JsonToken.END_DOCUMENT) throw new JsonParseException("not one object");
            changes = parsed.getAsJsonObject();
        } catch (JsonParseException | IOException e) {
            Http.sendText(exchange, 400, "the body must be a JSON object of faults, e.g. {\"error_rate\": 0.5}; the faults are " + NAMES + "\n");
            return;
        }
        Change change;
        try {
            change = with(faults, changes.asMap());
        } catch (BadFault e) {
            Http.sendText(exchange, 400, e.getMessage() + "\n");
            return;
        }
        change(change.faults(), "PUT /chaos" + (change.exit() == null ? "" : ", then exit " + change.exit()));
        Http.send(exchange, 200, "application/json", json(faults));
        if (change.exit() != null) exit(change.exit());
    }

    /** New faults, and an exit code if one was asked for. */
    record Change(Faults faults, Integer exit) {
    }

    /** The faults after these changes, each checked; a bad one throws, naming the fault, and changes nothing. */
    static Change with(Faults now, Map<String, JsonElement> changes) throws BadFault {
        double errorRate = now.errorRate(), cpu = now.cpu();
        Duration latencyMin = now.latencyMin(), latencyMax = now.latencyMax();
        boolean ready = now.ready(), healthy = now.healthy();
        int memory = now.memory();
        Integer exit = null;
        for (var change : changes.entrySet()) {
            JsonElement value = change.getValue();
            switch (change.getKey()) {
                case "error_rate" -> errorRate = decimal(change.getKey(), value, 0, 1, "a number from 0 to 1");
                case "latency" -> {
                    Duration[] range = latency(value);
                    latencyMin = range[0];
                    latencyMax = range[1];
                }
                case "ready" -> ready = bool(change.getKey(), value);
                case "healthy" -> healthy = bool(change.getKey(), value);
                case "cpu" -> cpu = decimal(change.getKey(), value, 0, MAX_CPU, "a number of cores from 0 to " + MAX_CPU);
                case "memory" -> memory = (int) whole(change.getKey(), value, MAX_MEMORY, "a number of MiB from 0 to " + MAX_MEMORY);
                case "exit" -> exit = (int) whole(change.getKey(), value, 255, "an exit code from 0 to 255");
                default -> throw new BadFault("unknown fault \"" + change.getKey() + "\": the faults are " + NAMES);
            }
        }
        return new Change(new Faults(errorRate, latencyMin, latencyMax, ready, healthy, cpu, memory), exit);
    }

    /** Puts these faults in force: one log line, the metrics, the CPU burners and the memory held. */
    private synchronized void change(Faults next, String by) {
        Faults before = faults;
        faults = next;
        changes.inc();
        log.info("{} chaos by {}: {}", service, by, json(next).strip());
        if (next.cpu() != before.cpu()) stress.burnCpu(next.cpu());
        if (next.memory() != before.memory()) stress.holdMemory(next.memory());
    }

    /** The faults as JSON: latency as a number of seconds, or "min-max" for a range. */
    static String json(Faults faults) {
        String latency = faults.latencyMin().equals(faults.latencyMax()) ? seconds(faults.latencyMax())
                : "\"" + seconds(faults.latencyMin()) + "-" + seconds(faults.latencyMax()) + "\"";
        return "{\"error_rate\":" + BigDecimal.valueOf(faults.errorRate()).stripTrailingZeros().toPlainString()
                + ",\"latency\":" + latency + ",\"ready\":" + faults.ready() + ",\"healthy\":" + faults.healthy()
                + ",\"cpu\":" + BigDecimal.valueOf(faults.cpu()).stripTrailingZeros().toPlainString()
                + ",\"memory\":" + faults.memory() + "}\n";
    }

    /**
     * The service's own routes: first the latency, then a 500 for error_rate of the requests (the
     * body unread, the connection closed). Placed after the access log and the metrics, which see them.
     */
    Filter filter() {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                Faults now = faults;
                if (!now.equals(Faults.NONE)) exchange.getResponseHeaders().set("X-Chaos", json(now).strip());
                if (now.latencyMax().isPositive()) pause(now.latencyMin(), now.latencyMax());
                if (now.errorRate() > 0 && ThreadLocalRandom.current().nextDouble() < now.errorRate()) {
                    exchange.getResponseHeaders().set("Connection", "close");
                    Http.sendText(exchange, 500, service + " failed this request on purpose (chaos: error_rate " + now.errorRate() + ")\n");
                } else {
                    chain.doFilter(exchange);
                }
            }

            @Override
            public String description() {
                return "chaos: latency, then error_rate";
            }
        };
    }

    // Plumbing below: checking values, the pause, the exit.

    private static double decimal(String name, JsonElement value, double min, double max, String rule) throws BadFault {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            double number = value.getAsDouble();
            if (number >= min && number <= max) return number;
        }
        throw new BadFault(name + " must be " + rule + ", got " + value);
    }

    private static long whole(String name, JsonElement value, long max, String rule) throws BadFault {
        double number = decimal(name, value, 0, max, rule);
        if (number != Math.rint(number)) throw new BadFault(name + " must be " + rule + ", got " + value);
        return (long) number;
    }

    private static boolean bool(String name, JsonElement value) throws BadFault {
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean()) return value.getAsBoolean();
        throw new BadFault(name + " must be true or false, got " + value);
    }

    /** A number of seconds, or a string "0.5" or "0.2-1.5"; at most 60 s. */
    private static Duration[] latency(JsonElement value) throws BadFault {
        String rule = "a number of seconds up to 60, or a range such as \"0.2-1.5\"";
        String text = value.isJsonPrimitive() ? value.getAsString().strip() : "";
        Function<String, Duration> seconds = s -> s.matches("[0-9]{1,2}(\\.[0-9]{1,9})?|\\.[0-9]{1,9}")
                ? Duration.ofNanos(new BigDecimal(s).movePointRight(9).longValue()) : null;
        String[] ends = text.split("-", 2);
        Duration min = seconds.apply(ends[0].strip()), max = ends.length == 2 ? seconds.apply(ends[1].strip()) : min;
        if (min == null || max == null || max.compareTo(min) < 0 || max.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new BadFault("latency must be " + rule + ", got " + value);
        }
        return new Duration[] {min, max};
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString();
    }

    private static void pause(Duration min, Duration max) {
        long nanos = min.toNanos() + (max.equals(min) ? 0 : ThreadLocalRandom.current().nextLong(max.toNanos() - min.toNanos() + 1));
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void exit(int code) {
        Thread.ofPlatform().name("chaos-exit").start(() -> {
            log.info("{} chaos: exiting with code {}", service, code);
            System.exit(code);
        });
    }

    /** A fault's value that cannot be: the message names the fault. */
    static final class BadFault extends Exception {
        BadFault(String message) {
            super(message);
        }
    }
}
