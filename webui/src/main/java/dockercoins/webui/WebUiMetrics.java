package dockercoins.webui;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * webui's Prometheus metrics, served at {@code GET /metrics}: /json requests, the Redis counter
 * {@code hashes} and the wallet's size as read from Redis at each scrape, and the JVM's basics.
 * {@code rate(webui_hashes_total[1m])} is the mining speed the page shows.
 */
final class WebUiMetrics {
    // One registry per server, not the global one: tests start several servers in one JVM.
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter jsonRequests = Counter.builder().name("webui_json_requests_total")
            .help("Requests for /json (the page polls it every second), by HTTP status")
            .labelNames("code").register(registry);
    // The JVM metrics and the handler are made at the first scrape: start-up does not wait for them.
    private HttpHandler scrape;

    WebUiMetrics(UnifiedJedis redis) {
        // Read at each scrape; while Redis does not answer, the two series are left out.
        CounterWithCallback.builder().name("webui_hashes_total")
                .help("The Redis counter hashes (loops done by all workers), as read by webui")
                .callback(counter -> {
                    try {
                        String hashes = redis.get("hashes");
                        counter.call(hashes == null ? 0 : Long.parseLong(hashes));
                    } catch (JedisException | NumberFormatException unavailable) {
                        // no sample this time
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("webui_wallet_coins")
                .help("Coins in the Redis hash wallet (HLEN wallet), as read by webui")
                .callback(gauge -> {
                    try {
                        gauge.call(redis.hlen("wallet"));
                    } catch (JedisException unavailable) {
                        // no sample this time
                    }
                }).register(registry);
    }

    /** Where other parts of webui add their metrics (the faults of Chaos). */
    PrometheusRegistry registry() {
        return registry;
    }

    /** A filter that counts the answers to /json by status. */
    Filter countJsonRequests() {
        return Filter.afterHandler("counts /json requests", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/json")) {
                jsonRequests.labelValues(String.valueOf(exchange.getResponseCode())).inc();
            }
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
