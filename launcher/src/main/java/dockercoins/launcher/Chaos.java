package dockercoins.launcher;

import dockercoins.launcher.console.Table;
import dockercoins.launcher.stack.Replica;
import dockercoins.launcher.stack.Service;
import dockercoins.launcher.stack.Stack;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./dockercoins chaos hasher --set '{"error_rate": 0.5}'}: the faults of every replica of
 * rng, hasher or webui, shown or changed through each one's /chaos (docs/chaos.md). Each replica
 * logs the port it serves /chaos on, with CHAOS=on; {@code --url} points at other /chaos URLs
 * instead, such as a cluster's through kubectl port-forward.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Shows the faults of each replica of rng, hasher and webui, or changes them with --set: "
                + "a PUT of the JSON to every replica's /chaos, as docs/chaos.md describes.",
                "The stack must run with CHAOS=on (in the environment or .env). The worker has no /chaos: "
                + "its CHAOS_ERROR_RATE is set at start."})
final class Chaos implements Callable<Integer> {
    private static final Pattern CHAOS_PORT = Pattern.compile("chaos on port (\\d+)");
    private static final List<Service> WITH_CHAOS = List.of(Service.RNG, Service.HASHER, Service.WEBUI);

    @Mixin
    Invocation invocation;

    @Mixin
    ServiceNames names;

    @Option(names = "--set", paramLabel = "JSON",
            description = "The faults to change, as a JSON object, e.g. '{\"error_rate\": 0.5, \"latency\": \"0.2-1.5\"}'; "
                    + "'{\"error_rate\": 0, \"latency\": 0}' ends them.")
    String set;

    @Option(names = "--url", paramLabel = "URL",
            description = "A /chaos URL to use instead of this stack's replicas (repeat it), e.g. http://localhost:8081/chaos "
                    + "through kubectl port-forward.")
    List<URI> urls = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = invocation.out();
        Map<String, URI> targets = urls.isEmpty() ? replicasOf(invocation.stack()) : byUrl();
        Table table = new Table("REPLICA", "STATUS", "FAULTS");
        boolean failed = false;
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (var target : targets.entrySet()) {
            var request = HttpRequest.newBuilder(target.getValue()).timeout(Duration.ofSeconds(10));
            if (set != null) request.PUT(BodyPublishers.ofString(set));
            try {
                var answer = http.send(request.build(), BodyHandlers.ofString());
                failed |= answer.statusCode() != 200;
                table.row(target.getKey(), Integer.toString(answer.statusCode()), answer.body().strip());
            } catch (IOException e) {
                failed = true;
                table.row(target.getKey(), "-", "no answer from " + target.getValue() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 130;
            }
        }
        table.print(out);
        out.flush();
        return failed ? 1 : 0;
    }

    /** Each running replica of the services named (all three by default) and its /chaos URL, read from its log. */
    private Map<String, URI> replicasOf(Stack stack) {
        List<Service> services = names.services().isEmpty() ? WITH_CHAOS : names.services();
        for (Service s : services) {
            if (!WITH_CHAOS.contains(s)) {
                throw invocation.usageError(s.id() + " has no /chaos: only rng, hasher and webui do (the worker's CHAOS_ERROR_RATE is set at start)");
            }
        }
        var targets = new LinkedHashMap<String, URI>();
        for (Replica r : stack.replicas()) {
            if (!services.contains(r.service()) || !r.isRunning()) continue;
            int port = chaosPort(stack, r);
            if (port < 0) {
                throw invocation.usageError(r.name(stack.project) + " serves no /chaos: run the stack with CHAOS=on "
                        + "(e.g. CHAOS=on ./dockercoins up -d, which recreates rng, hasher and webui)");
            }
            targets.put(r.name(stack.project), URI.create("http://127.0.0.1:" + port + "/chaos"));
        }
        if (targets.isEmpty()) throw invocation.usageError("no running replica of " + services + ": start the stack first");
        return targets;
    }

    private Map<String, URI> byUrl() {
        var targets = new LinkedHashMap<String, URI>();
        for (URI url : urls) targets.put(url.getAuthority(), url);
        return targets;
    }

    /** The port in the replica's last "chaos on port N" line, or -1. */
    private static int chaosPort(Stack stack, Replica r) {
        int port = -1;
        try (var lines = Files.lines(stack.state.logFile(r))) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher m = CHAOS_PORT.matcher(line);
                if (m.find()) port = Integer.parseInt(m.group(1));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
        return port;
    }
}
