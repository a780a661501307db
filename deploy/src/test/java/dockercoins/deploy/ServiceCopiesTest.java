package dockercoins.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The services share no code (each folder is its own container build context), so their
 * plumbing is copied into each one. The copies must stay identical: each is compared with the
 * first after the normalisations below (the package line, and any intended difference, listed
 * with its reason); on a difference the test prints a unified diff of the lines that differ.
 * A file found under two services' {@code src/} that is listed nowhere here fails too.
 */
class ServiceCopiesTest {

    static final Path ROOT = Path.of("..");
    static final List<String> SERVICES = List.of("rng", "hasher", "worker", "webui");

    /** A file copied word for word; {s} stands for the service's name in its path. */
    record CopiedFile(String path, List<String> services, String why) {
        @Override
        public String toString() {
            return path.replaceFirst(".*/", "");
        }
    }

    static final List<CopiedFile> COPIED_FILES = List.of(
            new CopiedFile("src/main/java/dockercoins/{s}/Env.java", SERVICES,
                    "environment variables, DEBUG and the host name, read the same way everywhere"),
            new CopiedFile("src/main/java/dockercoins/{s}/Drain.java", List.of("rng", "hasher", "webui"),
                    "the graceful stop on SIGTERM (SHUTDOWN_DRAIN), the same in every service with a port"),
            new CopiedFile("src/main/java/dockercoins/{s}/Http.java", List.of("rng", "hasher", "webui"),
                    "answers, filters and the start-up error, the same in every service with a port"),
            new CopiedFile("src/main/java/dockercoins/{s}/Chaos.java", List.of("rng", "hasher", "webui"),
                    "faults on demand (CHAOS=on, CHAOS_*), the same in every service with a port"),
            new CopiedFile("src/main/java/dockercoins/{s}/Stress.java", List.of("rng", "hasher", "webui"),
                    "the cpu and memory faults of Chaos, the same in every service with a port"),
            new CopiedFile("src/main/resources/simplelogger.properties", SERVICES, "the same log line format everywhere"),
            new CopiedFile("jvm.flags", SERVICES, "the JVM flags of the image and of ./dockercoins: the same for every service today"),
            new CopiedFile("src/test/java/dockercoins/{s}/ServiceProcess.java", List.of("rng", "hasher", "webui"),
                    "runs the service's main as a real JVM in the tests"),
            new CopiedFile("src/test/java/dockercoins/{s}/TestRedis.java", List.of("worker", "webui"),
                    "a real redis-server for the tests"));

    /**
     * Lines copied inside a service's own file: from the first line starting (indentation aside) with {@code from} through
     * the next line starting with {@code to} (indentation included, so "    }" ends a method).
     */
    record CopiedBlock(String what, String from, String to, Map<String, String> files) {
        @Override
        public String toString() {
            return what;
        }
    }

    static final List<CopiedBlock> COPIED_BLOCKS = List.of(
            new CopiedBlock("main's settings and DEBUG", "Settings settings;", "        if (settings.debug())", Map.of(
                    "rng", "rng/src/main/java/dockercoins/rng/Rng.java",
                    "hasher", "hasher/src/main/java/dockercoins/hasher/Hasher.java",
                    "worker", "worker/src/main/java/dockercoins/worker/Worker.java",
                    "webui", "webui/src/main/java/dockercoins/webui/WebUi.java")),
            new CopiedBlock("pause(), the delay", "private static void pause(", "    }", Map.of(
                    "rng", "rng/src/main/java/dockercoins/rng/Rng.java",
                    "hasher", "hasher/src/main/java/dockercoins/hasher/Hasher.java")),
            new CopiedBlock("redisClient(), the Redis pool", "static RedisClient redisClient(", "    }", Map.of(
                    "worker", "worker/src/main/java/dockercoins/worker/Worker.java",
                    "webui", "webui/src/main/java/dockercoins/webui/WebUi.java")),
            new CopiedBlock("the Dockerfile's trimmed Debian", "util-linux util-linux-extra", " && echo /opt/java/openjdk/lib", Map.of(
                    "rng", "rng/Dockerfile",
                    "hasher", "hasher/Dockerfile",
                    "worker", "worker/Dockerfile",
                    "webui", "webui/Dockerfile")),
            new CopiedBlock("the HTTP fuzzer of the tests", "static final class Fuzz {", "    }", Map.of(
                    "rng", "rng/src/test/java/dockercoins/rng/RngHttpTest.java",
                    "hasher", "hasher/src/test/java/dockercoins/hasher/HasherHttpTest.java",
                    "webui", "webui/src/test/java/dockercoins/webui/WebUiHttpTest.java")));

    /** Paths found in several services that are not copies, each with the reason (none today). */
    static final Map<String, String> NOT_COPIES = Map.of();

    /** What may differ between copies, and why: replaced by the same text in every copy before comparing. */
    record Normalisation(String regex, String replacement, String why) { }

    static final List<Normalisation> NORMALISATIONS = List.of(
            new Normalisation("^package dockercoins\\.[a-z]+;$", "package dockercoins.<service>;",
                    "each service has its own package"),
            new Normalisation("^# [a-z]+'s JVM flags", "# <service>'s JVM flags", "jvm.flags names its service"));

    @ParameterizedTest
    @FieldSource("COPIED_FILES")
    void copied_files_are_identical_but_for_the_listed_differences(CopiedFile copied) {
        var copies = new HashMap<String, List<String>>();
        var paths = new ArrayList<String>();
        for (String service : copied.services()) {
            String path = service + "/" + copied.path().replace("{s}", service);
            paths.add(path);
            copies.put(path, normalised(read(path)));
        }
        assertSame(copied + " (" + copied.why() + ")", paths, copies);
    }

    @ParameterizedTest
    @FieldSource("COPIED_BLOCKS")
    void copied_blocks_are_identical_but_for_the_listed_differences(CopiedBlock copied) {
        var copies = new HashMap<String, List<String>>();
        var paths = new ArrayList<String>();
        for (String service : SERVICES) {
            String path = copied.files().get(service);
            if (path == null) continue;
            paths.add(path);
            copies.put(path, normalised(block(read(path), copied.from(), copied.to(), path)));
        }
        assertSame(copied.what(), paths, copies);
    }

    @Test
    void every_file_in_two_services_is_listed_as_a_copy_or_not() throws IOException {
        var listed = new TreeSet<String>();
        COPIED_FILES.forEach(copied -> listed.add(copied.path()));
        listed.addAll(NOT_COPIES.keySet());
        var seen = new TreeMap<String, List<String>>();
        for (String service : SERVICES) {
            Path src = ROOT.resolve(service);
            try (Stream<Path> files = Files.walk(src.resolve("src"))) {
                files.filter(Files::isRegularFile).forEach(file -> seen.computeIfAbsent(
                        src.relativize(file).toString().replace("dockercoins/" + service + "/", "dockercoins/{s}/"),
                        path -> new ArrayList<>()).add(service));
            }
        }
        var unlisted = new ArrayList<String>();
        seen.forEach((path, services) -> {
            if (services.size() > 1 && !listed.contains(path)) unlisted.add(path + " in " + services);
        });
        assertEquals(List.of(), unlisted, "files in several services, listed neither in COPIED_FILES nor in NOT_COPIES");
    }

    @Test
    void a_difference_is_shown_as_a_unified_diff_of_the_differing_lines() {
        List<String> a = List.of("package dockercoins.rng;", "", "1", "2", "3", "4", "5", "old", "6", "7", "8", "9", "10");
        List<String> b = List.of("package dockercoins.hasher;", "", "1", "2", "3", "4", "5", "new", "6", "7", "8", "9", "10");
        assertEquals(normalised(a).subList(0, 7), normalised(b).subList(0, 7), "the package lines normalise equal");
        assertEquals("""
                --- rng/Env.java
                +++ hasher/Env.java
                @@ -5,7 +5,7 @@
                 3
                 4
                 5
                -old
                +new
                 6
                 7
                 8
                """, unifiedDiff("rng/Env.java", normalised(a), "hasher/Env.java", normalised(b)));
        assertEquals("", unifiedDiff("rng/Env.java", normalised(a), "rng/Env.java", normalised(a)));
    }

    @Test
    void a_copied_block_runs_from_its_first_line_through_its_end() {
        List<String> file = List.of("class X {", "    private static void pause() {", "        if (x) {", "        }", "    }",
                "    void next() {", "    }", "}");
        assertEquals(file.subList(1, 5), block(file, "private static void pause(", "    }", "X.java"));
    }

    // ---- comparing

    /** Fails with one unified diff per copy that differs from the first. */
    private static void assertSame(String what, List<String> paths, Map<String, List<String>> copies) {
        String first = paths.get(0);
        var diffs = new StringBuilder();
        for (String other : paths.subList(1, paths.size())) {
            diffs.append(unifiedDiff(first, copies.get(first), other, copies.get(other)));
        }
        if (!diffs.isEmpty()) {
            fail("The copies of " + what + " differ. Make them equal again (copy the changed one over the others),"
                    + " or list an intended difference in ServiceCopiesTest.NORMALISATIONS with its reason:\n" + diffs);
        }
    }

    private static List<String> normalised(List<String> lines) {
        return lines.stream().map(line -> {
            for (Normalisation n : NORMALISATIONS) line = line.replaceAll(n.regex(), n.replacement());
            return line;
        }).toList();
    }

    private static List<String> block(List<String> lines, String from, String to, String path) {
        for (int start = 0; start < lines.size(); start++) {
            if (!lines.get(start).strip().startsWith(from)) continue;
            for (int end = start + 1; end < lines.size(); end++) {
                if (lines.get(end).startsWith(to)) return lines.subList(start, end + 1);
            }
            fail(path + ": no line starting with \"" + to + "\" after \"" + from + "\"");
        }
        return fail(path + ": no line starting with \"" + from + "\"");
    }

    private static List<String> read(String path) {
        try {
            return Files.readAllLines(ROOT.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException("a listed copy is missing: " + path, e);
        }
    }

    /** The lines that differ, with 3 lines of context, as diff -u prints them; "" when a and b are equal. */
    static String unifiedDiff(String aName, List<String> a, String bName, List<String> b) {
        // The longest common subsequence of lines, from the end: lcs[i][j] for a[i..] and b[j..].
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        record Edit(char op, int aLine, int bLine, String text) { }
        var edits = new ArrayList<Edit>();
        for (int i = 0, j = 0; i < a.size() || j < b.size(); ) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                edits.add(new Edit(' ', i, j, a.get(i)));
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                edits.add(new Edit('-', i, j, a.get(i)));
                i++;
            } else {
                edits.add(new Edit('+', i, j, b.get(j)));
                j++;
            }
        }
        final int context = 3;
        var out = new StringBuilder();
        for (int k = 0; k < edits.size(); k++) {
            if (edits.get(k).op() == ' ') continue;
            int start = Math.max(0, k - context);
            int end = k; // the hunk's last change; a change within 2 x context lines joins this hunk
            for (int next = k + 1; next < edits.size() && next <= end + 2 * context; next++) {
                if (edits.get(next).op() != ' ') end = next;
            }
            end = Math.min(edits.size() - 1, end + context);
            List<Edit> hunk = edits.subList(start, end + 1);
            long aLength = hunk.stream().filter(e -> e.op() != '+').count();
            long bLength = hunk.stream().filter(e -> e.op() != '-').count();
            if (out.isEmpty()) out.append("--- ").append(aName).append("\n+++ ").append(bName).append('\n');
            out.append("@@ -").append(hunk.get(0).aLine() + 1).append(',').append(aLength)
                    .append(" +").append(hunk.get(0).bLine() + 1).append(',').append(bLength).append(" @@\n");
            hunk.forEach(e -> out.append(e.op()).append(e.text()).append('\n'));
            k = end;
        }
        return out.toString();
    }
}
