package dockercoins.deploy;

import static dockercoins.deploy.KustomizeOverlaysTest.container;
import static dockercoins.deploy.KustomizeOverlaysTest.find;
import static dockercoins.deploy.KustomizeOverlaysTest.get;
import static dockercoins.deploy.KustomizeOverlaysTest.list;
import static dockercoins.deploy.KustomizeOverlaysTest.map;
import static dockercoins.deploy.KustomizeOverlaysTest.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The observability variants (docs/observability.md): compose files, the kustomize components in
 * k8s/observability, the Prometheus configuration and the Grafana dashboard.
 */
class ObservabilityFilesTest {

    /** The metric names the services export (checked against the running services in their own tests). */
    static final Set<String> METRICS = Set.of("rng_requests_total", "rng_queue_wait_seconds", "rng_serve_seconds",
            "rng_queue_depth", "hasher_requests_total", "hasher_request_duration_seconds", "hasher_requests_in_flight",
            "worker_loops_total", "worker_call_duration_seconds", "worker_coins_found_total", "worker_restarts_total",
            "worker_pending_loops", "webui_json_requests_total", "webui_hashes_total", "webui_wallet_coins",
            "jvm_memory_used_bytes", "process_resident_memory_bytes");

    @Test
    void healthz_variant_probes_healthz_outside_the_line_and_starts_the_worker_after_its_dependencies() throws Exception {
        Map<String, Object> services = ComposeFilesTest.services("deploy/compose/healthz.yaml");
        for (String name : List.of("rng", "hasher", "webui")) {
            String test = String.join(" ", list(get(services.get(name), "healthcheck", "test")).stream().map(String::valueOf).toList());
            assertTrue(test.contains("/healthz"), name + ": " + test);
        }
        assertEquals(List.of("CMD", "redis-cli", "ping"), get(services.get("redis"), "healthcheck", "test"));
        Map<String, Object> dependsOn = map(get(services.get("worker"), "depends_on"));
        for (String name : List.of("rng", "hasher", "redis")) {
            assertEquals("service_healthy", get(dependsOn, name, "condition"), "worker waits for " + name);
        }
        assertNull(get(services.get("worker"), "healthcheck"), "the worker has no port to probe");
    }

    @Test
    void otel_variant_attaches_the_agent_to_the_four_java_services() throws Exception {
        Map<String, Object> services = ComposeFilesTest.services("deploy/compose/otel.yaml");
        for (String name : ComposeFilesTest.BUILT) {
            Map<String, Object> env = map(get(services.get(name), "environment"));
            assertEquals("-javaagent:/otel/opentelemetry-javaagent.jar", env.get("JAVA_TOOL_OPTIONS"), name);
            assertEquals(name, env.get("OTEL_SERVICE_NAME"));
            assertTrue(list(get(services.get(name), "volumes")).contains("otel-agent:/otel:ro"), name);
        }
        assertTrue(String.valueOf(get(services.get("otel-agent"), "command")).contains("opentelemetry-javaagent:2.31.1"));
    }

    @Test
    void prometheus_variant_gives_the_worker_a_metrics_port_but_publishes_none() throws Exception {
        Map<String, Object> services = ComposeFilesTest.services("deploy/compose/prometheus.yaml");
        assertEquals("9100", get(services.get("worker"), "environment", "METRICS_PORT"));
        assertNull(get(services.get("worker"), "ports"));
        assertTrue(list(get(services.get("prometheus"), "volumes")).get(0).toString()
                .startsWith("./deploy/observability/prometheus.yml:"));
        String config = Files.readString(ComposeFilesTest.ROOT.resolve("deploy/observability/prometheus.yml"));
        Map<String, Object> prometheus = map(new Yaml().load(config));
        List<String> jobs = list(prometheus.get("scrape_configs")).stream().map(job -> (String) map(job).get("job_name")).toList();
        assertEquals(List.of("rng", "hasher", "webui", "worker"), jobs);
        assertTrue(config.contains("port: 9100"));
    }

    @Test
    void probes_healthz_component_sets_liveness_on_healthz_and_readiness_on_readyz() throws Exception {
        kubectl();
        List<Map<String, Object>> objects = render("observability/overlays/probes-healthz");
        for (String name : List.of("rng", "hasher", "webui")) {
            Map<String, Object> c = container(objects, name);
            assertEquals("/healthz", get(c, "livenessProbe", "httpGet", "path"), name);
            assertEquals("/readyz", get(c, "readinessProbe", "httpGet", "path"), name);
            assertEquals(80, get(c, "readinessProbe", "httpGet", "port"), name);
        }
        assertNull(container(objects, "worker").get("readinessProbe"));
    }

    @Test
    void otel_component_adds_the_agent_and_a_jaeger_service() throws Exception {
        kubectl();
        List<Map<String, Object>> objects = render("observability/overlays/otel");
        for (String name : ComposeFilesTest.BUILT) {
            Map<String, Object> c = container(objects, name);
            List<Object> env = list(c.get("env"));
            assertTrue(env.contains(Map.of("name", "JAVA_TOOL_OPTIONS", "value", "-javaagent:/otel/opentelemetry-javaagent.jar")), name);
            assertTrue(env.contains(Map.of("name", "OTEL_SERVICE_NAME", "value", name)), name);
            Map<String, Object> workload = find(objects, "Deployment", name);
            assertEquals(1, list(get(workload, "spec", "template", "spec", "containers")).size(), name + ": one container");
            assertNotNull(get(workload, "spec", "template", "spec", "initContainers"), name + ": the agent's init container");
        }
        assertNotNull(find(objects, "Service", "jaeger"));
    }

    @Test
    void hpa_component_scales_rng_on_its_queue_wait_served_by_prometheus_adapter() throws Exception {
        kubectl();
        List<Map<String, Object>> objects = render("observability/overlays/hpa-rng");
        Map<String, Object> hpa = find(objects, "HorizontalPodAutoscaler", "rng");
        assertEquals("rng", get(hpa, "spec", "scaleTargetRef", "name"));
        Map<String, Object> metric = map(list(get(hpa, "spec", "metrics")).get(0));
        assertEquals("rng_queue_wait_seconds", get(metric, "pods", "metric", "name"));
        assertEquals("true", get(find(objects, "Deployment", "rng"), "spec", "template", "metadata", "annotations",
                "prometheus.io/scrape"));
        String rules = Files.readString(KustomizeOverlaysTest.K8S.resolve(
                "observability/components/hpa-rng/prometheus-adapter-values.yaml"));
        assertTrue(rules.contains("as: rng_queue_wait_seconds"), "the adapter serves the metric the HPA reads");
    }

    @Test
    void grafana_dashboard_queries_only_metrics_the_services_export() throws Exception {
        String json = Files.readString(ComposeFilesTest.ROOT.resolve("deploy/observability/grafana-dashboard.json"));
        Map<String, Object> dashboard = map(new Yaml().load(json)); // JSON is YAML
        Matcher names = Pattern.compile("\\b([a-z]+_[a-z_]+?)(_bucket|_sum|_count)?\\b(?=[{\\[)])").matcher(json);
        int found = 0;
        while (names.find()) {
            String name = names.group(1);
            if (name.startsWith("histogram_") || name.equals("clamp_min")) continue;
            assertTrue(METRICS.contains(name), "the dashboard queries " + name + ", which no service exports");
            found++;
        }
        assertTrue(found >= 10, "found " + found + " metric names");
        assertTrue(list(dashboard.get("panels")).size() >= 10);
    }

    private static void kubectl() {
        Assumptions.assumeTrue(KustomizeOverlaysTest.onPath("kubectl"),
                "kubectl is not on the PATH: the observability components were NOT rendered");
    }
}
