package dockercoins.hasher;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.SimpleFileServer;
import com.sun.net.httpserver.SimpleFileServer.OutputLevel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The HTTP plumbing of rng, hasher and webui: answers, filters, the start-up error. */
final class Http {
    private Http() {
    }

    /**
     * The filters of a service's own routes, in order: HTTP/1.1 manners, a line per request in the
     * common log format (the lab watches it; ACCESS_LOG=off drops it, for throughput), the metrics,
     * then the faults of {@link Chaos}, which the log and the metrics see as any other answer.
     * Every answer names its replica (X-Replica), for webui's per-replica view.
     */
    static List<Filter> routeFilters(boolean accessLog, String replica, Filter metrics, Chaos chaos) {
        var filters = new ArrayList<Filter>();
        filters.add(SAYS_CONNECTION_CLOSE);
        filters.add(namesTheReplica(replica));
        if (accessLog) filters.add(SimpleFileServer.createOutputFilter(System.out, OutputLevel.INFO));
        filters.add(metrics);
        filters.add(chaos.filter());
        return filters;
    }

    /**
     * HTTP/1.1 manners: after a request that says {@code Connection: close} the JDK closes the
     * connection but does not say so in the answer, and a client such as wrk then counts an error.
     */
    static final Filter SAYS_CONNECTION_CLOSE = Filter.beforeHandler("answers Connection: close in kind", exchange -> {
        for (String value : exchange.getRequestHeaders().getOrDefault("Connection", List.of())) {
            for (String option : value.split(",")) {
                if (option.strip().equalsIgnoreCase("close")) exchange.getResponseHeaders().set("Connection", "close");
            }
        }
    });

    /** X-Replica: who answered, which the worker tallies for webui's per-replica view. */
    static Filter namesTheReplica(String replica) {
        return Filter.beforeHandler("names the replica", exchange -> exchange.getResponseHeaders().set("X-Replica", replica));
    }

    /** A one-line text answer. */
    static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", text);
    }

    static void send(HttpExchange exchange, int status, String contentType, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean withBody = sendHeaders(exchange, status, body.length);
        try (var out = exchange.getResponseBody()) {
            if (withBody) out.write(body);
        }
    }

    /**
     * /readyz's answer when the service is not ready whatever its own state: it is shutting down
     * (SIGTERM), or the ready fault is set. False when neither, and the service answers itself.
     */
    static boolean sentNotReady(HttpExchange exchange, Chaos chaos) throws IOException {
        if (Drain.stopping()) sendText(exchange, 503, "not ready: shutting down\n");
        else if (!chaos.ready()) sendText(exchange, 503, "not ready: chaos ready=false\n");
        else return false;
        return true;
    }

    /**
     * The status and headers of an answer of length bytes; false for HEAD, which gets no body. HEAD
     * gets the Content-Length that GET would, set here: the JDK sends none (and warns if given one).
     */
    static boolean sendHeaders(HttpExchange exchange, int status, long length) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
        exchange.sendResponseHeaders(status, head || length == 0 ? -1 : length);
        return !head;
    }

    /** Why the server could not start; for a port below 1024 refused (no NET_BIND_SERVICE), the cause and the fixes. */
    static String cannotListen(String service, String address, int port, IOException e) {
        String line = service + " cannot listen on " + address + ":" + port + ": " + e.getMessage();
        if (port >= 1024 || !String.valueOf(e.getMessage()).contains("Permission denied")) return line;
        return line + ": a port below 1024 needs the capability NET_BIND_SERVICE, which this runtime or image does not give"
                + " (Kaniko, for one, drops the image's file capability); fix: set PORT to 1024 or above, or run where"
                + " unprivileged ports are allowed (sysctl net.ipv4.ip_unprivileged_port_start=0), or grant NET_BIND_SERVICE";
    }
}
