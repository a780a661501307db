package dockercoins.worker;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * The worker's metrics and traces. Metrics: loops, calls to rng and hasher by outcome with their
 * duration, coins, restarts, loops not yet counted in Redis, the JVM's basics; served at
 * {@code GET /metrics} only when METRICS_PORT is set (the worker has no port by default).
 * Traces: one span per loop, through the OpenTelemetry API, which is a no-op unless the
 * OpenTelemetry Java agent is attached; the agent then sends the loop's W3C {@code traceparent}
 * on the calls to rng and hasher, so one loop is one trace.
 */
final class WorkerTelemetry {

    /** A call that may fail, e.g. an HTTP request. */
    interface Call<T> {
        T run() throws IOException;
    }

    /** One unit of work. */
    interface Work {
        void run() throws IOException, InterruptedException;
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter loops = Counter.builder().name("worker_loops_total")
            .help("Loops done (each one random draw and one hash), as added to the Redis counter hashes")
            .register(registry);
    private final Histogram calls = Histogram.builder().name("worker_call_duration_seconds")
            .help("Calls to rng and hasher, by outcome, and how long they took").labelNames("service", "outcome")
            .classicOnly().classicUpperBounds(.005, .01, .025, .05, .1, .15, .2, .25, .5, 1, 2.5, 5, 10, 30)
            .register(registry);
    private final Counter coins = Counter.builder().name("worker_coins_found_total")
            .help("Hashes starting with 0 (\"Coin found\")").register(registry);
    private final Counter restarts = Counter.builder().name("worker_restarts_total")
            .help("Restarts of the loop after an error (\"Waiting 10s and restarting.\")").register(registry);
    private final Tracer tracer = GlobalOpenTelemetry.getTracer("dockercoins.worker");

    WorkerTelemetry(LongSupplier pendingLoops) {
        GaugeWithCallback.builder().name("worker_pending_loops")
                .help("Loops done but not yet added to hashes (INCRBY about once a second)")
                .callback(gauge -> gauge.call(pendingLoops.getAsLong())).register(registry);
    }

    /** Runs one loop in its own span (the trace that rng and hasher join), and counts it when it succeeds. */
    void loop(Work work) throws IOException, InterruptedException {
        Span span = tracer.spanBuilder("work loop").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            work.run();
            loops.inc();
        } catch (IOException | InterruptedException | RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getMessage());
            throw e;
        } finally {
            span.end();
        }
    }

    /** Times a call to a service and records its outcome, success or error. */
    <T> T call(String service, Call<T> call) throws IOException {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.run();
            outcome = "success";
            return result;
        } finally {
            calls.labelValues(service, outcome).observe((System.nanoTime() - start) / 1e9);
        }
    }

    void coinFound() {
        coins.inc();
    }

    void restarted() {
        restarts.inc();
    }

    /** Serves GET /metrics on the address and port, with the JVM's basics. */
    HttpServer serve(String address, int port) throws IOException {
        JvmMemoryMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmThreadsMetrics.builder().register(registry);
        ProcessMetrics.builder().register(registry);
        var server = HttpServer.create(new InetSocketAddress(address, port), 0);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return server;
    }
}
