package dockercoins.hasher;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/**
 * hasher's Prometheus metrics, served at {@code GET /metrics}: requests, their duration, the
 * requests in flight now, and the JVM's basics.
 * <pre>curl -s localhost:8002/metrics | grep ^hasher_</pre>
 */
final class HasherMetrics {
    // One registry per server, not the global one: tests start several servers in one JVM.
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("hasher_requests_total")
            .help("Requests answered, by method and HTTP status (probes and scrapes not counted)")
            .labelNames("method", "code").register(registry);
    private final Histogram duration = Histogram.builder().name("hasher_request_duration_seconds")
            .help("Time from a request's headers to the end of its answer, the delay included")
            .labelNames("method").classicOnly()
            .classicUpperBounds(.001, .005, .01, .025, .05, .1, .15, .2, .25, .5, 1, 2.5, 10).register(registry);
    private final Gauge inFlight = Gauge.builder().name("hasher_requests_in_flight")
            .help("Requests being answered now").register(registry);

    // The JVM metrics and the handler are made at the first scrape: start-up does not wait for them.
    private HttpHandler scrape;

    /** Where other parts of hasher add their metrics (the faults of Chaos). */
    PrometheusRegistry registry() {
        return registry;
    }

    /** A filter that counts, times and tracks in flight every request it wraps. */
    Filter measureRequests() {
        return new Filter() {
            @Override
            public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
                String method = exchange.getRequestMethod();
                long start = System.nanoTime();
                inFlight.inc();
                try {
                    chain.doFilter(exchange);
                } finally {
                    inFlight.dec();
                    duration.labelValues(method).observe((System.nanoTime() - start) / 1e9);
                    requests.labelValues(method, String.valueOf(exchange.getResponseCode())).inc();
                }
            }

            @Override
            public String description() {
                return "counts and times requests";
            }
        };
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
