package dockercoins.launcher.chaos;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A Compose project as a chaos target, through the docker CLI: its containers found by their
 * Compose labels, killed ({@code docker kill}, then {@code docker start}, as {@code restart:
 * always} would), stopped and started. Faults go to the /chaos URLs given, the counters are read
 * from webui's /json: a Compose project publishes neither Redis nor, by default, /chaos.
 */
public final class ComposeTarget implements Target {
    private static final String FORMAT = "{{.Label \"com.docker.compose.service\"}}-{{.Label \"com.docker.compose.container-number\"}} {{.Names}}";

    private final String project;
    private final List<String> services;
    private final Map<String, URI> chaosUrls;
    private final URI json;

    public ComposeTarget(String project, List<String> services, Map<String, URI> chaosUrls, URI json) {
        this.project = project;
        this.services = services.isEmpty() ? List.of("worker", "rng", "hasher", "webui") : services;
        this.chaosUrls = chaosUrls;
        this.json = json;
    }

    @Override
    public String describe() {
        return "the Compose project " + project + " (" + String.join(", ", services) + ")";
    }

    @Override
    public Set<Action> actions() {
        return EnumSet.allOf(Action.class);
    }

    @Override
    public List<String> replicas() {
        return List.copyOf(containers().keySet());
    }

    @Override
    public Map<String, URI> chaosUrls() {
        return chaosUrls;
    }

    /** Each running container of the services, by its Compose short name (worker-2), and its container name. */
    private Map<String, String> containers() {
        var found = new TreeMap<String, String>();
        for (String line : docker("ps", "--filter", "label=com.docker.compose.project=" + project, "--format", FORMAT).lines().toList()) {
            String[] parts = line.strip().split(" ", 2);
            if (parts.length < 2) continue;
            String service = parts[0].substring(0, Math.max(0, parts[0].lastIndexOf('-')));
            if (services.contains(service)) found.put(parts[0], parts[1]);
        }
        if (found.isEmpty()) throw new IllegalStateException("no running container of " + services + " in the Compose project " + project);
        return found;
    }

    @Override
    public void kill(String replica) {
        String container = container(replica);
        docker("kill", container);
        docker("start", container);
    }

    @Override
    public void stop(String replica) {
        docker("stop", "-t", "10", container(replica));
    }

    @Override
    public void start(String replica) {
        docker("start", container(replica));
    }

    @Override
    public Counter counter() {
        return Counter.json(json);
    }

    private String container(String replica) {
        // a stopped container is not in docker ps: its name is Compose's, v2 or 1.x
        String v2 = project + "-" + replica;
        String v1 = project + "_" + replica.replace('-', '_');
        String all = docker("ps", "-a", "--filter", "label=com.docker.compose.project=" + project, "--format", "{{.Names}}");
        return all.lines().anyMatch(v1::equals) ? v1 : v2;
    }

    private static String docker(String... args) {
        var command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": no answer in 60 s");
            }
            if (p.exitValue() != 0) throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run docker (is the docker CLI on PATH?): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
