package dockercoins.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Every Kubernetes object this repository renders, from kustomize (the base and every overlay)
 * and from the Helm chart (the defaults and every values file in ci/), checked strictly against
 * the API type of its kind (KubernetesSchema): an unknown field or a value of the wrong type
 * fails, as it would fail {@code kubectl apply}.
 */
class KubernetesStrictValidationTest {

    static Stream<String> kustomizations() throws IOException {
        Path k8s = KustomizeOverlaysTest.K8S;
        List<String> dirs = new java.util.ArrayList<>(List.of("base"));
        for (String parent : List.of("overlays", "observability/overlays")) {
            try (Stream<Path> overlays = Files.list(k8s.resolve(parent))) {
                overlays.filter(Files::isDirectory).map(p -> parent + "/" + p.getFileName()).sorted().forEach(dirs::add);
            }
        }
        return dirs.stream();
    }

    @ParameterizedTest(name = "kustomize {0}")
    @MethodSource("kustomizations")
    void every_object_kustomize_renders_is_valid_for_its_kind(String dir) throws Exception {
        Assumptions.assumeTrue(KustomizeOverlaysTest.onPath("kubectl"),
                "kubectl is not on the PATH: the kustomize overlays were NOT validated");
        assertAllValid(KustomizeOverlaysTest.render(dir), "kustomize " + dir);
    }

    @ParameterizedTest(name = "helm {0}")
    @MethodSource("dockercoins.deploy.HelmChartTest#valuesFiles")
    void every_object_the_chart_renders_is_valid_for_its_kind(String values) {
        assertAllValid(HelmChartTest.template(values), "helm " + values);
    }

    @Test
    void every_option_of_the_chart_at_once_renders_valid_objects() {
        assertAllValid(HelmChartTest.template(Map.of("hardened", "true", "networkPolicies", "true", "probes", "healthz",
                "metrics.enabled", "true", "metrics.workerPort", "9100", "rng.kind", "DaemonSet",
                "webui.service.type", "LoadBalancer", "webui.service.nodePort", "30080")), "helm with every option");
    }

    private static void assertAllValid(List<Map<String, Object>> objects, String source) {
        assertFalse(objects.isEmpty(), source + " renders objects");
        List<String> violations = objects.stream().map(KubernetesSchema::violation).flatMap(Optional::stream).toList();
        assertEquals(List.of(), violations, source);
    }

    // --- the validator can fail -------------------------------------------------------------------

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: rng
              labels: {app: rng}
              annotations: {prometheus.io/port: "80"}
            spec:
              replicas: 3
              selector:
                matchLabels: {app: rng}
              template:
                metadata:
                  labels: {app: rng}
                spec:
                  automountServiceAccountToken: false
                  containers:
                  - name: rng
                    image: dockercoins/rng:v0.1
                    ports:
                    - containerPort: 80
                    env:
                    - {name: RNG_DELAY, value: "0"}
                    readinessProbe:
                      httpGet: {path: /, port: 80}
                    resources:
                      requests: {cpu: 50m, memory: 64Mi}
                      limits: {memory: 1.5Gi, cpu: 1}
                    securityContext:
                      readOnlyRootFilesystem: true
            """;

    @Test
    void a_valid_deployment_passes() {
        assertEquals(Optional.empty(), KubernetesSchema.violation(parse(DEPLOYMENT)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "'  replicas: 3'                          | '  replica: 3'                              | spec.replica",
            "'  replicas: 3'                          | '  replicas: \"three\"'                     | spec.replicas",
            "'  replicas: 3'                          | '  replicas: \"3\"'                         | spec.replicas",
            "'  replicas: 3'                          | '  replicas: 3.5'                           | spec.replicas",
            "'  name: rng\n'                          | '  name: rng\n  nmespace: lab\n'            | metadata.nmespace",
            "'kind: Deployment'                       | 'kind: Deployment\nstatus2: {}'             | status2",
            "'      labels: {app: rng}\n    spec:'    | '      labels: {app: rng}\n      annotation: {}\n    spec:' | spec.template.metadata.annotation",
            "'image: dockercoins/rng:v0.1'            | 'image: dockercoins/rng:v0.1\n        imagePullPolicyy: Always' | spec.template.spec.containers[0].imagePullPolicyy",
            "'value: \"0\"'                           | 'value: 0'                                  | spec.template.spec.containers[0].env[0].value",
            "'prometheus.io/port: \"80\"'             | 'prometheus.io/port: 80'                    | metadata.annotations.prometheus.io/port",
            "'automountServiceAccountToken: false'    | 'automountServiceAccountToken: \"false\"'   | spec.template.spec.automountServiceAccountToken",
            "'readOnlyRootFilesystem: true'           | 'readOnlyRootFilesystem: yes please'        | spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
            "'cpu: 50m'                               | 'cpu: fifty'                                | spec.template.spec.containers[0].resources.requests.cpu",
            "'memory: 64Mi'                           | 'memory: {amount: 64, format: Mi}'          | spec.template.spec.containers[0].resources.requests.memory",
            "'port: 80}'                              | 'port: 80.5}'                               | spec.template.spec.containers[0].readinessProbe.httpGet.port",
            "'containerPort: 80'                      | 'containerPort: [80]'                       | spec.template.spec.containers[0].ports[0].containerPort",
            "'    - name: rng\n'                      | '    - name: [rng]\n'                       | spec.template.spec.containers[0].name",
            "'  selector:'                            | '  selectors:'                              | spec.selectors"})
    void a_misspelled_field_or_a_wrong_type_is_a_violation_naming_its_path(String valid, String broken, String path) {
        assertTrue(DEPLOYMENT.contains(valid), "the test's Deployment contains " + valid);
        Optional<String> violation = KubernetesSchema.violation(parse(DEPLOYMENT.replace(valid, broken)));
        assertTrue(violation.isPresent(), broken + " must be refused");
        assertTrue(violation.get().contains(path), "the violation names " + path + ": " + violation.get());
    }

    @Test
    void an_api_version_kubernetes_does_not_serve_or_a_custom_resource_is_a_violation_not_a_pass() {
        assertTrue(KubernetesSchema.violation(parse(DEPLOYMENT.replace("apps/v1", "apps/v1beta1")))
                .orElseThrow().contains("no schema for apiVersion apps/v1beta1, kind Deployment"));
        Optional<String> monitor = KubernetesSchema.violation(parse("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: rng}
                spec: {selector: {matchLabels: {app: rng}}, endpoints: [{port: http}]}
                """));
        assertTrue(monitor.orElseThrow().contains("custom resource"), monitor.get());
    }

    @Test
    void the_core_kinds_kustomize_and_the_chart_use_are_known() {
        for (String kind : List.of("v1 Service", "apps/v1 Deployment", "apps/v1 DaemonSet",
                "networking.k8s.io/v1 NetworkPolicy", "autoscaling/v2 HorizontalPodAutoscaler")) {
            assertTrue(KubernetesSchema.TYPES.containsKey(kind), kind);
        }
    }

    @Test
    void a_horizontal_pod_autoscaler_with_a_misspelled_metric_field_is_a_violation() {
        String hpa = """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: rng}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: rng}
                  minReplicas: 1
                  maxReplicas: 10
                  metrics:
                  - type: Pods
                    pods:
                      metric: {name: rng_queue_wait_seconds}
                      target: {type: AverageValue, averageValue: 500m}
                """;
        assertEquals(Optional.empty(), KubernetesSchema.violation(parse(hpa)));
        assertTrue(KubernetesSchema.violation(parse(hpa.replace("averageValue", "averageValu"))).orElseThrow()
                .contains("spec.metrics[0].pods.target.averageValu"));
    }

    private static Map<String, Object> parse(String yaml) {
        return KustomizeOverlaysTest.map(new Yaml().load(yaml));
    }
}
