package dockercoins.deploy;

import static dockercoins.deploy.KustomizeOverlaysTest.HTTP_SERVICES;
import static dockercoins.deploy.KustomizeOverlaysTest.SERVICES;
import static dockercoins.deploy.KustomizeOverlaysTest.container;
import static dockercoins.deploy.KustomizeOverlaysTest.find;
import static dockercoins.deploy.KustomizeOverlaysTest.get;
import static dockercoins.deploy.KustomizeOverlaysTest.list;
import static dockercoins.deploy.KustomizeOverlaysTest.map;
import static dockercoins.deploy.KustomizeOverlaysTest.onlyOne;
import static dockercoins.deploy.KustomizeOverlaysTest.sysctls;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart in helm/dockercoins, linted and rendered by Helm itself (helm-java embeds Helm's
 * Go library): with the defaults it renders what the labs need, the same objects as
 * k8s/base; each option renders what the matching kustomize component does; each values file in
 * ci/ changes what it says it changes.
 */
class HelmChartTest {

    static final Path CHART = Path.of("helm/dockercoins");
    static final String DEFAULTS = "defaults";
    static final String NAMESPACE = "lab";

    // --- the chart itself ------------------------------------------------------------------

    @Test
    void lint_strict_reports_no_warning_and_no_error() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertFalse(lint.isFailed(), "helm lint --strict failed: " + lint.getMessages());
        for (String message : lint.getMessages()) {
            assertFalse(message.contains("[WARNING]") || message.contains("[ERROR]"), message);
        }
    }

    @Test
    void chart_is_v2_with_pinned_versions_and_tags_the_images_with_its_app_version() throws IOException {
        Map<String, Object> chart = map(new Yaml().load(Files.readString(CHART.resolve("Chart.yaml"))));
        assertEquals("v2", chart.get("apiVersion"));
        assertEquals("dockercoins", chart.get("name"));
        assertEquals("0.1.0", chart.get("version"));
        assertEquals("0.1", chart.get("appVersion"), "appVersion is the string 0.1 (quoted: not the number)");
        Map<String, Object> values = map(new Yaml().load(Files.readString(CHART.resolve("values.yaml"))));
        assertEquals("v" + chart.get("appVersion"), get(values, "image", "tag"));
    }

    @Test
    void every_value_is_documented_with_a_comment() throws IOException {
        List<String> lines = Files.readAllLines(CHART.resolve("values.yaml"));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean leaf = line.matches("\\s*[A-Za-z]+:\\s*\\S.*") && !line.trim().startsWith("#");
            if (!leaf) continue;
            String above = lines.get(i - 1).trim();
            assertTrue(above.startsWith("#"), "values.yaml line " + (i + 1) + " has no comment above it: " + line);
        }
    }

    @Test
    void values_outside_the_schema_are_refused_with_the_reason() {
        for (String[] bad : new String[][] {{"rng.replica", "3"}, {"rng.kind", "StatefulSet"}, {"probes", "sometimes"},
                {"worker.replicas", "many"}, {"webui.service.type", "Ingress"}}) {
            Exception e = assertThrows(IllegalStateException.class,
                    () -> new Helm(CHART).template().withName("dockercoins").set(bad[0], bad[1]).call(),
                    bad[0] + "=" + bad[1] + " is refused");
            assertTrue(e.getMessage().contains(bad[0].substring(bad[0].lastIndexOf('.') + 1)), e.getMessage());
        }
    }

    @Test
    void notes_tell_how_to_reach_the_web_ui() {
        String output = new Helm(CHART).install().withName("dockercoins").withNamespace(NAMESPACE)
                .clientOnly().dryRun().withDryRunOption(DryRun.CLIENT).call().getOutput();
        String notes = output.substring(output.indexOf("NOTES:"));
        for (String expected : List.of("kubectl get svc webui -n lab", "kubectl get nodes -o wide",
                "kubectl port-forward -n lab svc/webui 8000:80", "http://localhost:8000/", "kubectl proxy",
                "http://localhost:8001/api/v1/namespaces/lab/services/webui/proxy/", "One release per namespace")) {
            assertTrue(notes.contains(expected), "NOTES say " + expected + ":\n" + notes);
        }
    }

    // --- what every rendering keeps ----------------------------------------------------------

    static Stream<String> valuesFiles() throws IOException {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            return Stream.concat(Stream.of(DEFAULTS),
                    files.map(p -> "ci/" + p.getFileName()).filter(f -> f.endsWith("-values.yaml")).sorted().toList().stream());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void renders_the_five_services_with_the_names_labels_ports_and_probes_the_labs_use(String values) {
        List<Map<String, Object>> objects = template(values);
        Map<String, Object> settings = values(values);
        for (String name : SERVICES) {
            Map<String, Object> workload = onlyOne(objects, name, Set.of("Deployment", "DaemonSet"));
            String kind = name.equals("rng") ? (String) get(settings, "rng", "kind") : "Deployment";
            assertEquals(kind, workload.get("kind"), values + ": kind of " + name);
            assertEquals(Map.of("app", name), get(workload, "spec", "template", "metadata", "labels"),
                    values + ": pods of " + name + " are labelled app=" + name + ", and only that");
            assertEquals(Map.of("app", name), get(workload, "spec", "selector", "matchLabels"), values + ": selector of " + name);
            assertEquals(name, get(workload, "metadata", "labels", "app"), values + ": " + name + " labelled app=" + name);

            List<Object> containers = list(get(workload, "spec", "template", "spec", "containers"));
            assertEquals(1, containers.size(), values + ": one container in " + name);
            Map<String, Object> c = map(containers.get(0));
            assertEquals(name, c.get("name"));
            assertEquals(image(settings, name), c.get("image"), values + ": image of " + name);
            Object ports = c.get("ports");
            Map<String, Object> service = find(objects, "Service", name);
            if (name.equals("worker")) {
                assertNull(ports, values + ": the worker has no port");
                assertNull(service, values + ": no Service for the worker");
                continue;
            }
            int port = name.equals("redis") ? 6379 : 80;
            assertEquals(List.of(Map.of("containerPort", port)), ports, values + ": " + name + " listens on " + port);
            assertNotNull(service, values + ": a Service named " + name);
            assertEquals(Map.of("app", name), get(service, "spec", "selector"), values + ": Service " + name + " selects app=" + name);
            Map<String, Object> servicePort = map(list(get(service, "spec", "ports")).get(0));
            assertEquals(port, servicePort.get("port"), values + ": port of Service " + name);
            assertEquals(port, servicePort.getOrDefault("targetPort", port), values + ": targetPort of Service " + name);
            Object type = get(service, "spec", "type");
            assertEquals(name.equals("webui") ? get(settings, "webui", "service", "type") : null, type,
                    values + ": type of Service " + name);
        }
        assertEquals(List.of("redis-cli", "ping"), get(container(objects, "redis"), "livenessProbe", "exec", "command"));
        assertEquals(Set.of(), Set.copyOf(objects.stream().map(o -> (String) get(o, "metadata", "name"))
                .filter(n -> n.contains("dockercoins")).toList()), "no object is named after the release");
    }

    // --- the defaults --------------------------------------------------------------------------

    @Test
    void defaults_render_the_base_for_the_labs_with_no_sysctl_no_security_context_and_no_probe_but_redis() {
        List<Map<String, Object>> objects = template(DEFAULTS);
        assertEquals(List.of("Deployment hasher", "Deployment redis", "Deployment rng", "Deployment webui", "Deployment worker",
                        "Service hasher", "Service redis", "Service rng", "Service webui"),
                objects.stream().map(o -> o.get("kind") + " " + get(o, "metadata", "name")).sorted().toList());
        for (String name : SERVICES) {
            Map<String, Object> workload = onlyOne(objects, name, Set.of("Deployment"));
            assertEquals(1, get(workload, "spec", "replicas"), name);
            Map<String, Object> pod = map(get(workload, "spec", "template", "spec"));
            assertEquals(Set.of("containers"), pod.keySet(), name + ": a bare pod (no securityContext, sysctl, volume)");
            assertEquals(List.of(), sysctls(workload), name);
            assertNull(get(workload, "spec", "template", "metadata", "annotations"), name);
            Map<String, Object> c = container(objects, name);
            Set<String> expected = name.equals("redis") ? Set.of("name", "image", "ports", "livenessProbe")
                    : name.equals("worker") ? Set.of("name", "image") : Set.of("name", "image", "ports");
            assertEquals(expected, c.keySet(), name + ": no env, probe, securityContext, resources nor pull policy");
        }
        for (String name : List.of("rng", "hasher", "webui", "worker")) {
            assertEquals("ghcr.io/dockercoins-java/" + name + ":v0.1", container(objects, name).get("image"),
                    name + ": our image, not the original's dockercoins/" + name + ":v0.1");
        }
        assertEquals("redis:7", container(objects, "redis").get("image"), "redis pinned to a major version");
        assertEquals("NodePort", get(find(objects, "Service", "webui"), "spec", "type"));
        assertNull(get(list(get(find(objects, "Service", "webui"), "spec", "ports")).get(0), "nodePort"), "Kubernetes picks the node port");
    }

    @Test
    void defaults_equal_the_kustomize_base_in_kinds_names_labels_images_and_ports() throws Exception {
        kubectl();
        assertEquals(essentials(KustomizeOverlaysTest.render("base")), essentials(template(DEFAULTS)));
    }

    /**
     * Each option against the kustomize overlay that does the same: the workloads' and Services'
     * specs and the network policies must be equal, field for field.
     */
    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                                     | base",
            "rng.kind=DaemonSet                                     | overlays/rng-daemonset",
            "probes=readiness                                       | overlays/readiness",
            "networkPolicies=true                                   | overlays/network-policies",
            "hardened=true                                          | overlays/hardened",
            "rng.delay=0,hasher.delay=0,worker.delay=0              | overlays/turbo",
            "rng.kind=DaemonSet,probes=readiness,networkPolicies=true,hardened=true | overlays/production",
            "probes=healthz                                         | observability/overlays/probes-healthz",
            "chaos.enabled=true                                     | overlays/chaos"})
    void each_option_renders_what_the_matching_kustomize_overlay_renders(String sets, String overlay) throws Exception {
        kubectl();
        Map<String, String> values = new LinkedHashMap<>();
        for (String set : sets.isBlank() ? new String[0] : sets.trim().split(",")) {
            values.put(set.substring(0, set.indexOf('=')), set.substring(set.indexOf('=') + 1));
        }
        Map<String, Object> kustomize = specs(KustomizeOverlaysTest.render(overlay));
        if (overlay.equals("overlays/rng-daemonset")) {
            // The chapter's overlay keeps the Deployment beside the DaemonSet; rng.kind=DaemonSet
            // replaces it, as overlays/production does.
            assertNotNull(kustomize.remove("apps/v1 Deployment rng"), overlay + " keeps the Deployment rng");
        }
        Map<String, Object> helm = specs(template(values));
        assertEquals(kustomize.keySet(), helm.keySet(), sets + " against " + overlay + ": the same objects");
        kustomize.forEach((object, spec) -> assertEquals(spec, helm.get(object), sets + " against " + overlay + ": " + object));
    }

    // --- each values file ----------------------------------------------------------------------

    @Test
    void every_values_file_in_ci_has_its_own_test() throws IOException {
        assertEquals(List.of(DEFAULTS, "ci/daemonset-values.yaml", "ci/hardened-values.yaml", "ci/metrics-values.yaml",
                "ci/registry-values.yaml", "ci/turbo-values.yaml"), valuesFiles().toList());
    }

    @Test
    void daemonset_values_run_rng_on_every_node_and_ten_workers() {
        List<Map<String, Object>> objects = template("ci/daemonset-values.yaml");
        Map<String, Object> rng = onlyOne(objects, "rng", Set.of("Deployment", "DaemonSet"));
        assertEquals("DaemonSet", rng.get("kind"));
        assertNull(get(rng, "spec", "replicas"), "a DaemonSet has no replicas");
        assertEquals(10, get(find(objects, "Deployment", "worker"), "spec", "replicas"));
        assertNotNull(find(objects, "Service", "rng"), "the rng Service spreads calls over every node's rng");
    }

    @Test
    void hardened_values_harden_every_pod_add_network_policies_and_healthz_probes() {
        List<Map<String, Object>> objects = template("ci/hardened-values.yaml");
        for (String name : SERVICES) {
            Map<String, Object> workload = onlyOne(objects, name, Set.of("Deployment", "DaemonSet"));
            Map<String, Object> c = container(objects, name);
            Map<String, Object> security = map(c.get("securityContext"));
            assertEquals(true, security.get("runAsNonRoot"), name);
            assertTrue(((Number) security.get("runAsUser")).intValue() > 0, name + " runs as a non-zero uid");
            assertEquals(true, security.get("readOnlyRootFilesystem"), name);
            assertEquals(false, security.get("allowPrivilegeEscalation"), name);
            assertEquals(List.of("ALL"), get(security, "capabilities", "drop"), name);
            assertEquals("RuntimeDefault", get(security, "seccompProfile", "type"), name);
            assertEquals(false, get(workload, "spec", "template", "spec", "automountServiceAccountToken"), name);
            if (HTTP_SERVICES.contains(name)) {
                assertEquals(List.of("NET_BIND_SERVICE"), get(security, "capabilities", "add"), name);
                assertEquals(List.of("net.ipv4.ip_unprivileged_port_start=0"), sysctls(workload), name);
                assertEquals("/healthz", get(c, "livenessProbe", "httpGet", "path"), name);
                assertEquals("/readyz", get(c, "readinessProbe", "httpGet", "path"), name);
            } else {
                assertNull(get(security, "capabilities", "add"), name + " adds no capability");
                assertEquals(List.of(), sysctls(workload), name);
            }
            String mount = name.equals("redis") ? "/data" : "/tmp";
            assertTrue(list(c.get("volumeMounts")).stream().anyMatch(m -> mount.equals(map(m).get("mountPath"))),
                    name + ": a writable " + mount);
        }
        assertEquals(Map.of("requests", Map.of("cpu", "100m", "memory", "96Mi"), "limits", Map.of("memory", "160Mi")),
                container(objects, "worker").get("resources"), "the worker's own resources win");
        assertEquals(Map.of("requests", Map.of("cpu", "50m", "memory", "64Mi"), "limits", Map.of("memory", "128Mi")),
                container(objects, "hasher").get("resources"), "the others get the hardened sizes");
        assertEquals(List.of("--save", "", "--appendonly", "no"), container(objects, "redis").get("args"));
        assertNotNull(find(objects, "NetworkPolicy", "deny-from-other-namespaces"));
        assertNotNull(find(objects, "NetworkPolicy", "allow-webui"));
        assertEquals("DaemonSet", onlyOne(objects, "rng", Set.of("Deployment", "DaemonSet")).get("kind"));
    }

    @Test
    void turbo_values_remove_every_delay_and_rng_line_and_set_only_those_variables() {
        List<Map<String, Object>> objects = template("ci/turbo-values.yaml");
        assertEquals(List.of(env("RNG_CONCURRENCY", "0"), env("RNG_DELAY", "0")), container(objects, "rng").get("env"));
        assertEquals(List.of(env("HASHER_DELAY", "0")), container(objects, "hasher").get("env"));
        assertEquals(List.of(env("DEBUG", "y"), env("WORKER_DELAY", "0")), container(objects, "worker").get("env"));
        assertNull(container(objects, "webui").get("env"), "webui keeps the image's settings");
        assertEquals(4, get(find(objects, "Deployment", "worker"), "spec", "replicas"));
        for (String name : HTTP_SERVICES) {
            assertEquals("/", get(container(objects, name), "readinessProbe", "httpGet", "path"), name);
            assertNull(container(objects, name).get("livenessProbe"), name);
        }
    }

    @Test
    void registry_values_name_every_image_after_the_registry_and_tag_with_a_per_service_override() {
        List<Map<String, Object>> objects = template("ci/registry-values.yaml");
        for (String name : List.of("rng", "hasher", "webui")) {
            assertEquals("127.0.0.1:5000/" + name + ":v0.2", container(objects, name).get("image"), name);
        }
        assertEquals("127.0.0.1:5000/worker:v0.3", container(objects, "worker").get("image"));
        assertEquals("redis:7", container(objects, "redis").get("image"), "redis is not ours: no registry prefix");
        for (String name : SERVICES) {
            assertEquals("Always", container(objects, name).get("imagePullPolicy"), name);
        }
        assertEquals(30080, get(list(get(find(objects, "Service", "webui"), "spec", "ports")).get(0), "nodePort"));
    }

    @Test
    void metrics_values_annotate_the_pods_for_prometheus_and_give_the_worker_a_metrics_port_but_no_service() {
        List<Map<String, Object>> objects = template("ci/metrics-values.yaml");
        for (String name : SERVICES) {
            Object annotations = get(onlyOne(objects, name, Set.of("Deployment", "DaemonSet")), "spec", "template", "metadata", "annotations");
            if (name.equals("redis")) {
                assertNull(annotations, "redis has no /metrics");
                continue;
            }
            String port = name.equals("worker") ? "9100" : "80";
            assertEquals(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", port, "prometheus.io/path", "/metrics"),
                    annotations, name);
        }
        Map<String, Object> worker = container(objects, "worker");
        assertEquals(List.of(env("METRICS_PORT", "9100")), worker.get("env"));
        assertNull(worker.get("ports"), "the worker still declares no port");
        assertNull(find(objects, "Service", "worker"));
        assertEquals(List.of(env("RNG_READY_MAX_QUEUE", "5")), container(objects, "rng").get("env"));
        assertEquals(3, get(find(objects, "Deployment", "rng"), "spec", "replicas"));
        assertEquals("/readyz", get(container(objects, "rng"), "readinessProbe", "httpGet", "path"));
    }

    @Test
    void a_setting_given_on_the_command_line_is_the_only_variable_set() {
        List<Map<String, Object>> objects = template(Map.of("rng.delay", "0.05", "webui.debug", "true"));
        assertEquals(List.of(env("RNG_DELAY", "0.05")), container(objects, "rng").get("env"));
        assertEquals(List.of(env("DEBUG", "y")), container(objects, "webui").get("env"));
        assertNull(container(objects, "hasher").get("env"));
    }

    // --- rendering and comparing ------------------------------------------------------------------

    private static final Map<Object, List<Map<String, Object>>> RENDERED = new ConcurrentHashMap<>();

    /** The objects the chart renders with a values file (relative to the chart) or the defaults. */
    static List<Map<String, Object>> template(String values) {
        return RENDERED.computeIfAbsent(values, v -> {
            TemplateCommand template = new Helm(CHART).template().withName("dockercoins").withNamespace(NAMESPACE);
            if (!v.equals(DEFAULTS)) template = template.withValuesFile(CHART.resolve(values));
            return parse(template.call());
        });
    }

    /** The objects the chart renders with these --set values. */
    static List<Map<String, Object>> template(Map<String, String> sets) {
        return RENDERED.computeIfAbsent(new TreeMap<>(sets), v -> {
            TemplateCommand template = new Helm(CHART).template().withName("dockercoins").withNamespace(NAMESPACE);
            for (Map.Entry<String, String> set : sets.entrySet()) template = template.set(set.getKey(), set.getValue());
            return parse(template.call());
        });
    }

    private static List<Map<String, Object>> parse(String yaml) {
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            if (doc != null) objects.add(map(doc));
        }
        return List.copyOf(objects);
    }

    /** values.yaml merged with a values file (maps merged, anything else replaced), as Helm does. */
    static Map<String, Object> values(String file) {
        try {
            Map<String, Object> values = map(new Yaml().load(Files.readString(CHART.resolve("values.yaml"))));
            if (!file.equals(DEFAULTS)) merge(values, map(new Yaml().load(Files.readString(CHART.resolve(file)))));
            return values;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void merge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((key, value) -> {
            if (value instanceof Map && into.get(key) instanceof Map) merge(map(into.get(key)), map(value));
            else into.put(key, value);
        });
    }

    private static String image(Map<String, Object> values, String name) {
        if (name.equals("redis")) {
            String tag = String.valueOf(get(values, "redis", "image", "tag"));
            return get(values, "redis", "image", "repository") + (tag.isEmpty() ? "" : ":" + tag);
        }
        String registry = String.valueOf(get(values, name, "image", "registry"));
        String tag = String.valueOf(get(values, name, "image", "tag"));
        return (registry.isEmpty() ? get(values, "image", "registry") : registry) + "/" + name + ":"
                + (tag.isEmpty() ? get(values, "image", "tag") : tag);
    }

    private static Map<String, Object> env(String name, String value) {
        return Map.of("name", name, "value", value);
    }

    /** Per "kind name": pod labels, selector, images, ports; Service type, selector, ports; object's app label. */
    private static Map<String, Object> essentials(List<Map<String, Object>> objects) {
        Map<String, Object> essentials = new TreeMap<>();
        for (Map<String, Object> o : objects) {
            Map<String, Object> e = new TreeMap<>();
            e.put("app label", get(o, "metadata", "labels", "app"));
            if (o.get("kind").equals("Service")) {
                e.put("type", get(o, "spec", "type"));
                e.put("selector", get(o, "spec", "selector"));
                e.put("ports", get(o, "spec", "ports"));
            } else {
                e.put("selector", get(o, "spec", "selector"));
                e.put("pod labels", get(o, "spec", "template", "metadata", "labels"));
                e.put("containers", list(get(o, "spec", "template", "spec", "containers")).stream()
                        .map(c -> List.of(get(c, "name"), get(c, "image"), String.valueOf(get(c, "ports")))).toList());
            }
            essentials.put(o.get("kind") + " " + get(o, "metadata", "name"), e);
        }
        return essentials;
    }

    /** Per "apiVersion kind name": its spec, entire (pod templates, probes, security, env, policies). */
    private static Map<String, Object> specs(List<Map<String, Object>> objects) {
        Map<String, Object> specs = new TreeMap<>();
        for (Map<String, Object> o : objects) {
            specs.put(o.get("apiVersion") + " " + o.get("kind") + " " + get(o, "metadata", "name"), o.get("spec"));
        }
        return specs;
    }

    private static void kubectl() {
        Assumptions.assumeTrue(KustomizeOverlaysTest.onPath("kubectl"),
                "kubectl is not on the PATH: the chart was NOT compared with the kustomize files");
    }
}
