package dockercoins.deploy;

import static dockercoins.deploy.KustomizeOverlaysTest.get;
import static dockercoins.deploy.KustomizeOverlaysTest.list;
import static dockercoins.deploy.KustomizeOverlaysTest.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * .github/workflows/release.yml: actionlint (github.com/rhysd/actionlint, installed by .ci/run)
 * finds no error, and the workflow publishes what docs/kubernetes.md says: on a tag v*, the four
 * images for amd64 and arm64 on ghcr.io, with an SBOM and max-level provenance, actions pinned.
 */
class ReleaseWorkflowTest {

    static final Path WORKFLOW = Path.of("../.github/workflows/release.yml");
    /** Where .ci/run installs actionlint when neither ACTIONLINT nor PATH names one. */
    static final Path CACHED = Path.of(System.getProperty("user.home"), ".cache/dockercoins/actionlint-v1.7.12/actionlint");

    @Test
    void actionlint_finds_no_error_in_the_release_workflow() throws Exception {
        Path actionlint = actionlint();
        Process p = new ProcessBuilder(actionlint.toString(), "-no-color", ".github/workflows/release.yml")
                .directory(new File("..")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("actionlint did not finish in 60 s");
        }
        assertEquals(0, p.exitValue(), "actionlint .github/workflows/release.yml:\n" + out);
    }

    @Test
    void on_a_v_tag_it_pushes_the_four_images_for_amd64_and_arm64_to_ghcr_with_sbom_and_provenance() throws Exception {
        Map<String, Object> workflow = map(new Yaml().load(Files.readString(WORKFLOW)));
        Object on = workflow.containsKey("on") ? workflow.get("on") : workflow.get(Boolean.TRUE); // YAML 1.1: on = true
        assertEquals(List.of("v*"), get(on, "push", "tags"), "runs on a tag v*");
        Map<String, Object> job = map(get(workflow, "jobs", "image"));
        assertEquals(List.of("rng", "hasher", "webui", "worker"), get(job, "strategy", "matrix", "service"));
        assertEquals("write", get(job, "permissions", "packages"), "may push to ghcr.io");

        List<Object> steps = list(job.get("steps"));
        Map<String, Object> meta = step(steps, "docker/metadata-action");
        assertEquals("ghcr.io/${{ github.repository_owner }}/${{ matrix.service }}", get(meta, "with", "images"));
        assertEquals("type=ref,event=tag", get(meta, "with", "tags"), "the image's tag is the git tag (v0.1)");
        Map<String, Object> build = step(steps, "docker/build-push-action");
        assertEquals("${{ matrix.service }}", get(build, "with", "context"), "each service's folder, as compose.yaml builds it");
        assertEquals("linux/amd64,linux/arm64", get(build, "with", "platforms"));
        assertEquals(true, get(build, "with", "push"));
        assertEquals(true, get(build, "with", "sbom"));
        assertEquals("mode=max", get(build, "with", "provenance"));
        assertEquals("${{ steps.meta.outputs.tags }}", get(build, "with", "tags"));
    }

    @Test
    void every_action_is_pinned_to_a_commit() throws Exception {
        Map<String, Object> workflow = map(new Yaml().load(Files.readString(WORKFLOW)));
        for (Object job : map(workflow.get("jobs")).values()) {
            for (Object step : list(map(job).get("steps"))) {
                Object uses = map(step).get("uses");
                if (uses == null) continue;
                assertTrue(uses.toString().matches("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}"), "pinned to a commit SHA: " + uses);
            }
        }
    }

    static Map<String, Object> step(List<Object> steps, String action) {
        return steps.stream().map(KustomizeOverlaysTest::map)
                .filter(s -> String.valueOf(s.get("uses")).startsWith(action + "@")).findFirst()
                .orElseThrow(() -> new AssertionError("a step uses " + action));
    }

    /** $ACTIONLINT, else actionlint on the PATH, else .ci/run's cached install; missing in CI is a failure. */
    static Path actionlint() {
        String env = System.getenv("ACTIONLINT");
        if (env != null && !env.isBlank()) {
            assertTrue(Files.isExecutable(Path.of(env)), "ACTIONLINT=" + env + " is not an executable");
            return Path.of(env);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(dir, "actionlint"))) return Path.of(dir, "actionlint");
            }
        }
        if (Files.isExecutable(CACHED)) return CACHED;
        String missing = "actionlint is not installed (ACTIONLINT, PATH, " + CACHED + "): the release workflow was NOT linted."
                + " Install: GOBIN=$HOME/.cache/dockercoins/actionlint-v1.7.12 go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
                + " (.ci/run does)";
        if ("true".equals(System.getenv("CI"))) fail(missing);
        Assumptions.abort(missing);
        return null;
    }
}
