package dockercoins.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders the kustomize base and every overlay with {@code kubectl kustomize} and checks what
 * the workshop's Kubernetes labs rely on (CONTRACT.md, "Deployment artefacts the labs use").
 * Which components an overlay uses is read from its kustomization.yaml.
 */
class KustomizeOverlaysTest {

    static final Path K8S = Path.of("k8s");
    static final List<String> SERVICES = List.of("rng", "hasher", "webui", "redis", "worker");
    static final Set<String> HTTP_SERVICES = Set.of("rng", "hasher", "webui");
    /** Ours (HELPERS/issue 17), never the original's dockercoins/<service>:v0.1; redis pinned. */
    static final Map<String, String> IMAGES = Map.of(
            "rng", "ghcr.io/dockercoins-java/rng:v0.1",
            "hasher", "ghcr.io/dockercoins-java/hasher:v0.1",
            "webui", "ghcr.io/dockercoins-java/webui:v0.1",
            "worker", "ghcr.io/dockercoins-java/worker:v0.1",
            "redis", "redis:7");

    @BeforeAll
    static void kubectl_is_installed() {
        Assumptions.assumeTrue(onPath("kubectl"),
                "kubectl is not on the PATH: the kustomize overlays were NOT rendered nor validated");
    }

    static Stream<String> kustomizations() throws IOException {
        try (Stream<Path> overlays = Files.list(K8S.resolve("overlays"))) {
            return Stream.concat(Stream.of("base"),
                    overlays.filter(Files::isDirectory).map(p -> "overlays/" + p.getFileName()).sorted().toList().stream());
        }
    }

    @Test
    void every_component_is_used_by_an_overlay() throws IOException {
        List<String> used = kustomizations().flatMap(k -> components(k).stream()).toList();
        try (Stream<Path> all = Files.list(K8S.resolve("components"))) {
            all.map(p -> p.getFileName().toString())
                    .forEach(c -> assertTrue(used.contains(c), "no overlay uses the component " + c));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void renders_the_five_services_with_the_names_labels_images_and_ports_the_labs_use(String dir) throws Exception {
        List<Map<String, Object>> objects = render(dir);
        Set<String> components = Set.copyOf(components(dir));

        for (String name : SERVICES) {
            List<Map<String, Object>> workloads = workloads(objects, name);
            assertEquals(expectedKinds(dir, name), workloads.stream().map(w -> w.get("kind")).toList(),
                    dir + ": kinds of " + name);
            for (Map<String, Object> workload : workloads) {
                String what = dir + ": " + workload.get("kind") + " " + name;
                Map<String, Object> podLabels = map(get(workload, "spec", "template", "metadata", "labels"));
                assertEquals(name, podLabels.get("app"), what + ": pods labelled app=" + name);
                Map<String, Object> matchLabels = map(get(workload, "spec", "selector", "matchLabels"));
                assertTrue(podLabels.entrySet().containsAll(matchLabels.entrySet()), what + ": the selector matches its pod labels");

                List<Object> containers = list(get(workload, "spec", "template", "spec", "containers"));
                assertEquals(1, containers.size(), what + ": one container");
                Map<String, Object> container = map(containers.get(0));
                assertEquals(IMAGES.get(name), container.get("image"), what + ": image");
                List<Object> ports = container.containsKey("ports") ? list(container.get("ports")) : List.of();
                if (HTTP_SERVICES.contains(name)) {
                    assertEquals(80, map(ports.get(0)).get("containerPort"), what + ": listens on 80");
                    assertEquals(components.contains("hardened"), !sysctls(workload).isEmpty(),
                            what + ": sets a sysctl only when hardened (the image binds port 80 by itself)");
                }
                if (name.equals("worker")) {
                    assertTrue(ports.isEmpty(), what + ": the worker has no port");
                }
            }
            Map<String, Object> podLabels = map(get(workloads.get(0), "spec", "template", "metadata", "labels"));

            Map<String, Object> service = find(objects, "Service", name);
            if (name.equals("worker")) {
                assertNull(service, dir + ": no Service for the worker");
                continue;
            }
            assertNotNull(service, dir + ": a Service named " + name);
            Map<String, Object> selector = map(get(service, "spec", "selector"));
            for (Map<String, Object> workload : workloads) {
                Map<String, Object> labels = map(get(workload, "spec", "template", "metadata", "labels"));
                assertTrue(labels.entrySet().containsAll(selector.entrySet()),
                        dir + ": Service " + name + " selects the pods of " + workload.get("kind") + " " + name);
            }
            for (String other : SERVICES) {
                if (other.equals(name)) continue;
                for (Map<String, Object> workload : workloads(objects, other)) {
                    Map<String, Object> otherLabels = map(get(workload, "spec", "template", "metadata", "labels"));
                    assertFalse(otherLabels.entrySet().containsAll(selector.entrySet()),
                            dir + ": Service " + name + " does not select the pods of " + other);
                }
            }
            Map<String, Object> port = map(list(get(service, "spec", "ports")).get(0));
            int expectedPort = name.equals("redis") ? 6379 : 80;
            assertEquals(expectedPort, port.get("port"), dir + ": port of Service " + name);
            Object target = port.getOrDefault("targetPort", expectedPort);
            assertEquals(expectedPort, target, dir + ": targetPort of Service " + name);
            assertEquals(name.equals("webui") ? "NodePort" : null, get(service, "spec", "type"),
                    dir + ": type of Service " + name);
        }
    }

    @Test
    void the_one_file_manifest_is_the_base_rendered_byte_for_byte() throws Exception {
        assertEquals(kustomize("base"), Files.readString(K8S.resolve("dockercoins.yaml")),
                "k8s/dockercoins.yaml differs from the base: kubectl kustomize deploy/k8s/base > deploy/k8s/dockercoins.yaml");
    }

    @Test
    void the_rng_daemonset_overlay_runs_the_deployments_pod_template_on_every_node_behind_the_same_service() throws Exception {
        List<Map<String, Object>> objects = render("overlays/rng-daemonset");
        Map<String, Object> deployment = find(objects, "Deployment", "rng");
        Map<String, Object> daemonSet = find(objects, "DaemonSet", "rng");
        assertNotNull(deployment, "the Deployment rng stays, as in the workshop's chapter");
        assertNotNull(daemonSet, "a DaemonSet rng beside it");
        assertEquals(get(deployment, "spec", "template"), get(daemonSet, "spec", "template"),
                "the DaemonSet's pod template is the Deployment's (the slides copy its YAML)");
        assertEquals(Map.of("app", "rng"), get(daemonSet, "spec", "selector", "matchLabels"));
        assertEquals(Set.of("selector", "template"), map(daemonSet.get("spec")).keySet(), "no replicas, no strategy");
        assertEquals(Map.of("app", "rng"), get(find(objects, "Service", "rng"), "spec", "selector"),
                "the Service rng selects both pod sets until the chapter's label step");
        assertEquals(render("base").size() + 1, objects.size(), "the base plus the DaemonSet");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void probes_redis_with_redis_cli_ping_and_rng_readiness_on_slash(String dir) throws Exception {
        List<Map<String, Object>> objects = render(dir);
        Map<String, Object> redis = container(objects, "redis");
        assertEquals(List.of("redis-cli", "ping"), get(redis, "livenessProbe", "exec", "command"), dir);

        boolean readiness = components(dir).contains("readiness");
        for (String name : HTTP_SERVICES) {
            Object probe = container(objects, name).get("readinessProbe");
            if (!readiness) {
                assertNull(probe, dir + ": no readiness probe on " + name + " without the readiness component");
                continue;
            }
            assertEquals("/", get(probe, "httpGet", "path"), dir + ": readiness path of " + name);
            assertEquals(80, get(probe, "httpGet", "port"), dir + ": readiness port of " + name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void network_policies_deny_other_namespaces_and_open_webui(String dir) throws Exception {
        List<Map<String, Object>> policies = render(dir).stream().filter(o -> "NetworkPolicy".equals(o.get("kind"))).toList();
        if (!components(dir).contains("network-policies")) {
            assertTrue(policies.isEmpty(), dir + ": no network policy without the component");
            return;
        }
        Map<String, Object> deny = find(policies, "NetworkPolicy", "deny-from-other-namespaces");
        assertNotNull(deny, dir + ": deny-from-other-namespaces");
        assertEquals(Map.of(), get(deny, "spec", "podSelector"), "applies to every pod");
        assertEquals(List.of(Map.of("from", List.of(Map.of("podSelector", Map.of()))))
                , get(deny, "spec", "ingress"), "admits only pods of the same namespace");
        Map<String, Object> webui = find(policies, "NetworkPolicy", "allow-webui");
        assertNotNull(webui, dir + ": allow-webui");
        assertEquals(Map.of("app", "webui"), get(webui, "spec", "podSelector", "matchLabels"));
        assertEquals(List.of(Map.of()), get(webui, "spec", "ingress"), "webui admits everyone");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void turbo_sets_every_delay_to_zero(String dir) throws Exception {
        List<Map<String, Object>> objects = render(dir);
        boolean turbo = components(dir).contains("turbo");
        Map<String, String> delays = Map.of("rng", "RNG_DELAY", "hasher", "HASHER_DELAY", "worker", "WORKER_DELAY");
        delays.forEach((name, variable) -> {
            Object env = container(objects, name).get("env");
            var delaysSet = env == null ? List.of() : list(env).stream().filter(e -> !map(e).get("name").equals("CHAOS")).toList();
            if (turbo) {
                assertEquals(List.of(Map.of("name", variable, "value", "0")), delaysSet, dir + ": env of " + name);
            } else {
                assertEquals(List.of(), delaysSet, dir + ": " + name + " keeps the default delays");
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kustomizations")
    void hardened_pods_run_unprivileged_on_a_read_only_filesystem_with_sized_resources(String dir) throws Exception {
        if (!components(dir).contains("hardened")) return;
        List<Map<String, Object>> objects = render(dir);
        for (String name : SERVICES) {
            Map<String, Object> c = container(objects, name);
            Map<String, Object> security = map(c.get("securityContext"));
            assertEquals(true, security.get("runAsNonRoot"), dir + ": " + name);
            assertTrue(((Number) security.get("runAsUser")).intValue() > 0, dir + ": " + name + " runs as a non-zero uid");
            assertEquals(true, security.get("readOnlyRootFilesystem"), dir + ": " + name);
            assertEquals(false, security.get("allowPrivilegeEscalation"), dir + ": " + name);
            assertEquals(List.of("ALL"), get(security, "capabilities", "drop"), dir + ": " + name);
            if (HTTP_SERVICES.contains(name)) {
                // exec of the image's java needs its file capability in the bounding set
                assertEquals(List.of("NET_BIND_SERVICE"), get(security, "capabilities", "add"), dir + ": " + name);
                assertEquals(List.of("net.ipv4.ip_unprivileged_port_start=0"),
                        sysctls(onlyOne(objects, name, Set.of("Deployment", "DaemonSet"))), dir + ": " + name);
            } else {
                assertNull(get(security, "capabilities", "add"), dir + ": " + name + " adds no capability");
            }

            long request = mebibytes(get(c, "resources", "requests", "memory"));
            long limit = mebibytes(get(c, "resources", "limits", "memory"));
            assertTrue(request >= 32 && request <= limit, dir + ": " + name + " memory request " + request + " <= limit " + limit);
            if (!name.equals("redis")) {
                // measured: 26-49 MB per Java service with -Xmx32m (docs/bench.md)
                assertTrue(request >= 48 && limit >= 96, dir + ": " + name + " has room for a JVM with -Xmx32m");
                List<Object> mounts = list(c.get("volumeMounts"));
                assertTrue(mounts.stream().anyMatch(m -> "/tmp".equals(map(m).get("mountPath"))), dir + ": writable /tmp in " + name);
            }
        }
    }

    // --- rendering and YAML navigation ------------------------------------------------------

    static final Map<String, List<Map<String, Object>>> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

    static List<Map<String, Object>> render(String dir) throws Exception {
        List<Map<String, Object>> cached = RENDERED.get(dir);
        if (cached != null) return cached;
        String out = kustomize(dir);
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(out)) {
            if (doc == null) continue;
            Map<String, Object> object = map(doc);
            assertNotNull(object.get("apiVersion"), dir + ": apiVersion in " + object);
            assertNotNull(object.get("kind"), dir + ": kind in " + object);
            assertNotNull(get(object, "metadata", "name"), dir + ": metadata.name in " + object);
            objects.add(object);
        }
        RENDERED.put(dir, objects);
        return objects;
    }

    /** What {@code kubectl kustomize k8s/<dir>} prints. */
    static String kustomize(String dir) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", K8S.resolve(dir).toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kubectl kustomize " + dir + " did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + " failed:\n" + out + err);
        return out;
    }

    static List<String> components(String dir) {
        try {
            Map<String, Object> k = map(new Yaml().load(Files.readString(K8S.resolve(dir).resolve("kustomization.yaml"))));
            if (!k.containsKey("components")) return List.of();
            return list(k.get("components")).stream().map(c -> Path.of((String) c).getFileName().toString()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
        return objects.stream().filter(o -> kind.equals(o.get("kind")) && name.equals(get(o, "metadata", "name")))
                .findFirst().orElse(null);
    }

    static Map<String, Object> onlyOne(List<Map<String, Object>> objects, String name, Set<String> kinds) {
        List<Map<String, Object>> found = objects.stream()
                .filter(o -> kinds.contains(o.get("kind")) && name.equals(get(o, "metadata", "name"))).toList();
        assertEquals(1, found.size(), "exactly one workload named " + name + ", found " + found.size());
        return found.get(0);
    }

    /**
     * The container of the workloads named {@code name}: with the rng-daemonset component there are
     * two (the Deployment and the DaemonSet copied from it), and they must run the same container.
     */
    static Map<String, Object> container(List<Map<String, Object>> objects, String name) {
        List<Map<String, Object>> workloads = workloads(objects, name);
        assertFalse(workloads.isEmpty(), "a workload named " + name);
        Map<String, Object> first = map(list(get(workloads.get(0), "spec", "template", "spec", "containers")).get(0));
        for (Map<String, Object> w : workloads) {
            assertEquals(first, map(list(get(w, "spec", "template", "spec", "containers")).get(0)),
                    w.get("kind") + " " + name + " runs the same container as " + workloads.get(0).get("kind") + " " + name);
        }
        return first;
    }

    /** The Deployment and the DaemonSet named {@code name}, in that order, those that exist. */
    static List<Map<String, Object>> workloads(List<Map<String, Object>> objects, String name) {
        return Stream.of("Deployment", "DaemonSet").map(kind -> find(objects, kind, name)).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * rng-daemonset (the workshop's chapter) adds a DaemonSet beside the Deployment, both behind the
     * Service rng; overlays/production then deletes the Deployment. Every other workload: a Deployment.
     */
    static List<String> expectedKinds(String dir, String name) {
        if (!name.equals("rng") || !components(dir).contains("rng-daemonset")) return List.of("Deployment");
        return dir.equals("overlays/rng-daemonset") ? List.of("Deployment", "DaemonSet") : List.of("DaemonSet");
    }

    static List<String> sysctls(Map<String, Object> workload) {
        Object s = get(workload, "spec", "template", "spec", "securityContext", "sysctls");
        if (s == null) return List.of();
        return list(s).stream().map(o -> map(o).get("name") + "=" + map(o).get("value")).toList();
    }

    static long mebibytes(Object quantity) {
        assertNotNull(quantity, "a memory quantity");
        String q = quantity.toString();
        assertTrue(q.endsWith("Mi") || q.endsWith("Gi"), "memory in Mi or Gi: " + q);
        long n = Long.parseLong(q.substring(0, q.length() - 2));
        return q.endsWith("Gi") ? n * 1024 : n;
    }

    static Object get(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) return null;
            current = m.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertTrue(o instanceof Map, "a YAML mapping: " + o);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        assertTrue(o instanceof List, "a YAML sequence: " + o);
        return (List<Object>) o;
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }
}
