package dockercoins.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Compose file and its variants, and the Swarm stacks, have the shape the workshop's labs
 * use (CONTRACT.md). That they run is the job of deploy/test-containers.sh.
 */
class ComposeFilesTest {

    static final Path ROOT = Path.of("..");
    static final List<String> SERVICES = List.of("rng", "hasher", "webui", "redis", "worker");
    static final List<String> BUILT = List.of("rng", "hasher", "webui", "worker");

    @Test
    void compose_yaml_has_the_originals_shape_key_for_key() throws IOException {
        Map<String, Object> services = services("compose.yaml");
        assertEquals(SERVICES, List.copyOf(services.keySet()), "the original's services, in its order");
        Map<String, Set<String>> keys = Map.of(
                "rng", Set.of("build", "ports"),
                "hasher", Set.of("build", "ports"),
                "webui", Set.of("build", "ports", "volumes"),
                "redis", Set.of("image"),
                "worker", Set.of("build"));
        for (String name : SERVICES) {
            assertEquals(keys.get(name), service(services, name).keySet(),
                    name + ": only the original's keys (no sysctls: the images bind port 80 by themselves)");
        }
        for (String name : BUILT) {
            assertEquals(name, service(services, name).get("build"), "build: " + name);
        }
        assertEquals("redis:7", service(services, "redis").get("image"), "redis pinned to a major version");
        assertEquals(List.of("8001:80"), service(services, "rng").get("ports"));
        assertEquals(List.of("8002:80"), service(services, "hasher").get("ports"));
        assertEquals(List.of("8000:80"), service(services, "webui").get("ports"));
        assertEquals(List.of("./webui/files/:/files/"), service(services, "webui").get("volumes"));
    }

    @Test
    void registry_variant_names_every_built_image_from_registry_and_tag() throws IOException {
        Map<String, Object> services = services("deploy/compose/registry.yaml");
        for (String name : BUILT) {
            String image = (String) service(services, name).get("image");
            assertEquals("${REGISTRY:-127.0.0.1:5000}/" + name + ":${TAG:-latest}", image);
        }
        assertFalse(services.containsKey("redis"), "redis stays the public image");
    }

    @Test
    void gelf_variant_sends_every_services_logs_to_gelf() throws IOException {
        Map<String, Object> services = services("deploy/compose/gelf.yaml");
        assertEquals(Set.copyOf(SERVICES), services.keySet());
        for (String name : SERVICES) {
            Map<String, Object> logging = KustomizeOverlaysTest.map(service(services, name).get("logging"));
            assertEquals("gelf", logging.get("driver"), name);
            assertNotNull(KustomizeOverlaysTest.get(logging, "options", "gelf-address"), name);
        }
    }

    @Test
    void healthchecks_variant_pings_redis_and_curls_hasher() throws IOException {
        Map<String, Object> services = services("deploy/compose/healthchecks.yaml");
        assertEquals(List.of("CMD", "redis-cli", "ping"), KustomizeOverlaysTest.get(service(services, "redis"), "healthcheck", "test"));
        assertEquals(List.of("CMD", "curl", "-f", "http://localhost/"),
                KustomizeOverlaysTest.get(service(services, "hasher"), "healthcheck", "test"));
        assertNotNull(KustomizeOverlaysTest.get(service(services, "rng"), "healthcheck", "test"));
        assertNotNull(KustomizeOverlaysTest.get(service(services, "webui"), "healthcheck", "test"));
    }

    @Test
    void chaos_variant_opens_chaos_on_rng_hasher_and_webui_on_this_machine_only() throws IOException {
        Map<String, Object> services = services("deploy/compose/chaos.yaml");
        assertEquals(Set.of("rng", "hasher", "webui"), services.keySet());
        for (String name : services.keySet()) {
            assertEquals(Map.of("CHAOS", "on"), service(services, name).get("environment"), name);
            for (Object port : (List<?>) service(services, name).get("ports")) {
                assertTrue(((String) port).matches("127\\.0\\.0\\.1:808[1-3]:8081"), name + ": " + port);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"deploy/swarm/dockercoins.yml", "deploy/swarm/dockercoins+healthcheck.yml"})
    void swarm_stacks_run_rng_on_every_node_and_ten_workers(String file) throws IOException {
        Map<String, Object> services = services(file);
        assertEquals(Set.copyOf(SERVICES), services.keySet());
        assertEquals("global", KustomizeOverlaysTest.get(service(services, "rng"), "deploy", "mode"));
        assertEquals(10, KustomizeOverlaysTest.get(service(services, "worker"), "deploy", "replicas"));
        assertEquals(List.of("8000:80"), service(services, "webui").get("ports"));
        assertEquals("redis:7", service(services, "redis").get("image"), "redis pinned to a major version");
        for (String name : BUILT) {
            Map<String, Object> s = service(services, name);
            assertEquals("${REGISTRY:-127.0.0.1:5000}/" + name + ":${TAG:-latest}", s.get("image"), file);
            Path context = ROOT.resolve(file).getParent().resolve((String) s.get("build"));
            assertTrue(Files.isRegularFile(context.resolve("Dockerfile")),
                    file + ": the build context of " + name + " holds a Dockerfile");
        }
    }

    @Test
    void healthcheck_stack_rolls_back_a_hasher_update_that_turns_unhealthy() throws IOException {
        Map<String, Object> hasher = service(services("deploy/swarm/dockercoins+healthcheck.yml"), "hasher");
        assertEquals("curl -f http://localhost/", KustomizeOverlaysTest.get(hasher, "healthcheck", "test"));
        Map<String, Object> update = KustomizeOverlaysTest.map(KustomizeOverlaysTest.get(hasher, "deploy", "update_config"));
        assertEquals("rollback", update.get("failure_action"));
        assertNotNull(update.get("max_failure_ratio"));
        // Swarm counts a failure only while it monitors the new task: a broken hasher must turn
        // unhealthy within that window (after its start period and its retries), with a few
        // seconds to spare for a JVM that starts slowly on a busy node.
        Map<String, Object> check = KustomizeOverlaysTest.map(hasher.get("healthcheck"));
        int unhealthyAfter = seconds(check.get("start_period"))
                + ((Number) check.get("retries")).intValue() * seconds(check.get("interval"));
        assertTrue(seconds(update.get("monitor")) >= unhealthyAfter + 5,
                "monitor " + update.get("monitor") + " outlasts the " + unhealthyAfter + " s a broken hasher takes to turn unhealthy");
    }

    /** Seconds of a Compose duration such as "5s" or "1m30s". */
    static int seconds(Object duration) {
        var m = java.util.regex.Pattern.compile("(?:(\\d+)m)?(?:(\\d+)s)?").matcher(String.valueOf(duration));
        assertTrue(m.matches() && !String.valueOf(duration).isEmpty(), "a duration in m/s: " + duration);
        return (m.group(1) == null ? 0 : Integer.parseInt(m.group(1)) * 60) + (m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
    }

    @Test
    void every_service_folder_is_a_build_context_with_a_dockerfile() {
        for (String name : BUILT) {
            assertTrue(Files.isRegularFile(ROOT.resolve(name).resolve("Dockerfile")), name + "/Dockerfile");
            assertTrue(Files.isRegularFile(ROOT.resolve(name).resolve("pom.xml")), name + "/pom.xml");
        }
    }

    static Map<String, Object> services(String file) throws IOException {
        Map<String, Object> compose = KustomizeOverlaysTest.map(new Yaml().load(Files.readString(ROOT.resolve(file))));
        assertNull(compose.get("version"), file + ": no version key (obsolete in Compose v2, optional in 1.29)");
        return KustomizeOverlaysTest.map(compose.get("services"));
    }

    static Map<String, Object> service(Map<String, Object> services, String name) {
        assertTrue(services.containsKey(name), "a service " + name);
        return KustomizeOverlaysTest.map(services.get(name));
    }
}
