package dockercoins.launcher.bench;

import dockercoins.launcher.console.LaunchException;
import dockercoins.launcher.os.SearchPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw requests per second of one endpoint for a fixed duration: wrk when it is installed (it
 * costs the machine least), else a built-in generator on the JDK's HttpClient. Both keep
 * {@code connections} requests in flight on keep-alive connections and stop at the deadline.
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    record Result(String tool, long requests, long errors, double seconds, double requestsPerSecond,
                  double p50Ms, double p90Ms, double p99Ms) {
    }

    public static boolean wrkInstalled(String path) {
        return SearchPath.find("wrk", path).isPresent();
    }

    /** GET (body null) or POST body to url; processes it starts are added to {@code started} until they end. */
    static Result run(boolean useWrk, URI url, byte[] body, int connections, Duration duration, Path workDir,
                      Set<Process> started) {
        return useWrk ? wrk(url, body, connections, duration, workDir, started) : builtIn(url, body, connections, duration);
    }

    // ---- wrk ------------------------------------------------------------------------------

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("([0-9]+) requests in ([0-9.]+)(us|ms|s|m)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+([0-9]+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)");

    private static Result wrk(URI url, byte[] body, int connections, Duration duration, Path workDir, Set<Process> started) {
        List<String> command = new ArrayList<>(List.of("wrk", "-t2", "-c" + connections,
                "-d" + Math.max(1, duration.toSeconds()) + "s", "--latency", "--timeout", "5s"));
        try {
            if (body != null) {
                Path script = workDir.resolve("wrk-post.lua");
                Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = \"" + "x".repeat(body.length) + "\"\n"
                        + "wrk.headers[\"Content-Type\"] = \"application/octet-stream\"\n");
                command.addAll(List.of("-s", script.toString()));
            }
            command.add(url.toString());
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            started.add(p);
            try {
                byte[] output = p.getInputStream().readAllBytes();
                if (!p.waitFor(duration.toSeconds() + 15, TimeUnit.SECONDS)) {
                    throw new LaunchException("wrk did not finish in time");
                }
                String text = new String(output, StandardCharsets.UTF_8);
                Files.writeString(workDir.resolve("wrk-" + (body == null ? "get" : "post") + "-" + url.getPort() + ".txt"),
                        String.join(" ", command) + "\n" + text);
                return parseWrk(text);
            } finally {
                p.destroyForcibly();
                started.remove(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
    }

    static Result parseWrk(String text) {
        Matcher rate = RATE.matcher(text);
        Matcher total = TOTAL.matcher(text);
        if (!rate.find() || !total.find()) {
            throw new LaunchException("cannot read wrk's output: " + text.strip().replace('\n', ' '));
        }
        long errors = 0;
        Matcher non2xx = NON_2XX.matcher(text);
        if (non2xx.find()) errors += Long.parseLong(non2xx.group(1));
        Matcher socket = SOCKET_ERRORS.matcher(text);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) errors += Long.parseLong(socket.group(g));
        }
        return new Result("wrk", Long.parseLong(total.group(1)), errors,
                millis(total.group(2), total.group(3)) / 1000, Double.parseDouble(rate.group(1)),
                percentile(text, "50%"), percentile(text, "90%"), percentile(text, "99%"));
    }

    private static double percentile(String text, String which) {
        Matcher m = Pattern.compile("(?m)^\\s+" + which + "\\s+([0-9.]+)(us|ms|s|m)\\s*$").matcher(text);
        return m.find() ? millis(m.group(1), m.group(2)) : Double.NaN;
    }

    private static double millis(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            case "m" -> v * 60_000;
            default -> Double.NaN;
        };
    }

    // ---- built-in -------------------------------------------------------------------------

    /** Each of {@code connections} virtual threads sends one request after the other until the deadline. */
    private static Result builtIn(URI url, byte[] body, int connections, Duration duration) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5));
        HttpRequest req = body == null ? request.GET().build()
                : request.header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        // Bounded memory: at most this many latencies per thread are kept (a uniform prefix is enough).
        int keep = 200_000;
        List<long[]> latencies = new ArrayList<>();
        List<int[]> kept = new ArrayList<>();
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            long[] mine = new long[keep];
            int[] count = new int[1];
            latencies.add(mine);
            kept.add(count);
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() >= 400) errors.incrementAndGet();
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (count[0] < keep) mine[count[0]++] = System.nanoTime() - t0;
                    done.incrementAndGet();
                }
            }));
        }
        try {
            for (Thread t : threads) {
                if (!t.join(duration.plusSeconds(10))) t.interrupt();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Double> all = new ArrayList<>();
        for (int i = 0; i < latencies.size(); i++) {
            for (int j = 0; j < kept.get(i)[0]; j++) all.add(latencies.get(i)[j] / 1e6);
        }
        all.sort(null);
        client.shutdownNow();
        return new Result("built-in (JDK HttpClient)", done.get(), errors.get(), seconds, done.get() / seconds,
                Statistics.quantile(all, 0.50), Statistics.quantile(all, 0.90), Statistics.quantile(all, 0.99));
    }
}
