package dockercoins.deploy;

import static dockercoins.deploy.KustomizeOverlaysTest.IMAGES;
import static dockercoins.deploy.KustomizeOverlaysTest.container;
import static dockercoins.deploy.KustomizeOverlaysTest.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The workshop's "Creating a basic chart" chapter with our one-file manifest: {@code helm create
 * dockercoins}, move the sample templates away, an empty {@code templates/}, copy the application's
 * YAML into it, install. Helm's own library (helm-java) creates, lints and renders the chart.
 */
class HelmBasicChartTest {

    static final Path MANIFEST = Path.of("k8s/dockercoins.yaml");

    @Test
    void a_chart_made_by_helm_create_with_dockercoins_yaml_as_its_only_template_lints_and_renders_the_whole_app(
            @TempDir Path work) throws Exception {
        // helm create dockercoins
        Helm.create().withName("dockercoins").withDir(work).call();
        Path chart = work.resolve("dockercoins");
        assertTrue(Files.isRegularFile(chart.resolve("Chart.yaml")), "helm create made a chart");
        // mv dockercoins/templates dockercoins/default-templates && mkdir dockercoins/templates
        Files.move(chart.resolve("templates"), chart.resolve("default-templates"));
        Files.createDirectory(chart.resolve("templates"));
        // cp dockercoins.yaml dockercoins/templates/
        Files.copy(MANIFEST, chart.resolve("templates/dockercoins.yaml"));

        LintResult lint = new Helm(chart).lint().strict().call();
        assertFalse(lint.isFailed(), "helm lint --strict: " + lint.getMessages());

        // helm install helmcoins dockercoins --namespace=helmcoins, rendered without a cluster
        String rendered = new Helm(chart).template().withName("helmcoins").withNamespace("helmcoins").call();
        List<Map<String, Object>> objects = parse(rendered);
        assertEquals(byKindAndName(parse(Files.readString(MANIFEST))), byKindAndName(objects),
                "Helm renders the file's objects unchanged");
        assertEquals(List.of("Deployment hasher", "Deployment redis", "Deployment rng", "Deployment webui", "Deployment worker",
                        "Service hasher", "Service redis", "Service rng", "Service webui"),
                List.copyOf(byKindAndName(objects).keySet()));
        IMAGES.forEach((name, image) -> assertEquals(image, container(objects, name).get("image"), name));
        assertEquals("NodePort", get(KustomizeOverlaysTest.find(objects, "Service", "webui"), "spec", "type"),
                "kubectl get service webui --namespace=helmcoins gives the node port");
    }

    static List<Map<String, Object>> parse(String yaml) {
        return java.util.stream.StreamSupport.stream(new Yaml().loadAll(yaml).spliterator(), false)
                .filter(java.util.Objects::nonNull).map(KustomizeOverlaysTest::map).toList();
    }

    static Map<String, Map<String, Object>> byKindAndName(List<Map<String, Object>> objects) {
        Map<String, Map<String, Object>> all = new TreeMap<>();
        for (Map<String, Object> o : objects) {
            assertEquals(null, all.put(o.get("kind") + " " + get(o, "metadata", "name"), o), "one object per kind and name");
        }
        return all;
    }
}
