package dockercoins.rng;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * rng's Prometheus metrics, served at {@code GET /metrics}: requests by route and status, the
 * line seen from inside (time waited, time served, requests waiting now) and the JVM's basics.
 * <pre>curl -s localhost:8001/metrics | grep ^rng_</pre>
 */
final class RngMetrics implements SingleFile.Timings {
    // Seconds: from a free line (~0) through one 0.1 s turn and the workshop's ~1 s under 10 workers to a long line.
    private static final double[] BUCKETS = {.005, .01, .025, .05, .1, .15, .2, .25, .5, 1, 2.5, 5, 10, 30};
    // One registry per server, not the global one: tests start several servers in one JVM.
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("rng_requests_total")
            .help("Requests answered, by route and HTTP status (probes and scrapes not counted)")
            .labelNames("route", "code").register(registry);
    private final Histogram waited = Histogram.builder().name("rng_queue_wait_seconds")
            .help("Time a request waited in line for its turn").classicOnly().classicUpperBounds(BUCKETS)
            .register(registry);
    private final Histogram served = Histogram.builder().name("rng_serve_seconds")
            .help("Time a request held its turn: the delay and the answer").classicOnly().classicUpperBounds(BUCKETS)
            .register(registry);

    // The JVM metrics and the handler are made at the first scrape: start-up does not wait for them.
    private HttpHandler scrape;

    /** Where other parts of rng add their metrics (the faults of Chaos). */
    PrometheusRegistry registry() {
        return registry;
    }

    /** Reports the requests waiting in this line at every scrape. */
    void watch(SingleFile queue) {
        GaugeWithCallback.builder().name("rng_queue_depth")
                .help("Requests waiting in line now, not counting the one being served")
                .callback(gauge -> gauge.call(queue.waiting())).register(registry);
    }

    @Override
    public void record(long waitedNanos, long servedNanos) {
        waited.observe(waitedNanos / 1e9);
        served.observe(servedNanos / 1e9);
    }

    /** A filter that counts each answered request under its route: "/", "/{n}" or "other". */
    Filter countRequests() {
        return Filter.afterHandler("counts requests by route and status", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String route = path.equals("/") ? "/" : path.indexOf('/', 1) < 0 ? "/{n}" : "other";
            requests.labelValues(route, String.valueOf(exchange.getResponseCode())).inc();
        });
    }

    /** GET /metrics in the Prometheus text format (the client library writes it). */
    HttpHandler handler() {
        return exchange -> scrapeHandler().handle(exchange);
    }

    private synchronized HttpHandler scrapeHandler() {
        if (scrape == null) {
            JvmMemoryMetrics.builder().register(registry);
            JvmGarbageCollectorMetrics.builder().register(registry);
            JvmThreadsMetrics.builder().register(registry);
            ProcessMetrics.builder().register(registry);
            scrape = new MetricsHandler(registry);
        }
        return scrape;
    }
}
