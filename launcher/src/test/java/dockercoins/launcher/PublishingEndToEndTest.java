package dockercoins.launcher;

import static dockercoins.launcher.ScriptedStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.ScriptedStack.Result;
import dockercoins.launcher.os.SearchPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Publishing as Compose does: with no switch, webui, rng-1 and hasher-1 (and prometheus) listen
 * on every interface, while redis, an extra replica and the workers' metrics stay on loopback.
 * The only test that opens ports beyond loopback: it reads the listening sockets from
 * /proc/net/tcp and tcp6 (no connection from outside), and downs the stack at once.
 */
class PublishingEndToEndTest {
    private final ScriptedStack stack = new ScriptedStack("publish", 22000, 0, 1, 2, 1090);

    @AfterEach
    void down_at_once() throws Exception {
        stack.run("down");
    }

    @Test
    void by_default_the_published_ports_listen_on_every_interface_and_nothing_else_leaves_loopback() throws Exception {
        stack.publishAddress = null; // the default: as a workshop VM runs it
        boolean prometheus = SearchPath.find("prometheus", System.getenv("PATH")).isPresent();
        List<String> up = new ArrayList<>(List.of("up", "-d", "--scale", "rng=2"));
        if (prometheus) up.addAll(List.of("--with", "prometheus")); // the workers then have a metrics port
        Result started = stack.run(up.toArray(String[]::new));
        assertEquals(0, started.exit(), started.out() + started.err());
        Map<String, Integer> ports = ports();
        Result ps = stack.run("ps");
        stack.run("down");

        List<String> published = new ArrayList<>(List.of("webui-1", "rng-1", "hasher-1"));
        List<String> loopback = new ArrayList<>(List.of("redis-1", "rng-2"));
        if (prometheus) {
            published.add("prometheus-1");
            loopback.add("worker-1");
        }
        Map<Integer, Set<String>> listening = listeningWhileUp;
        StringBuilder seen = new StringBuilder();
        for (String replica : published) {
            int port = ports.get(replica);
            Set<String> addresses = listening.getOrDefault(port, Set.of());
            seen.append(' ').append(replica).append('=').append(addresses.stream().map(PublishingEndToEndTest::show).toList());
            assertFalse(addresses.isEmpty(), replica + " listens on " + port);
            assertTrue(addresses.stream().allMatch(PublishingEndToEndTest::everyInterface), replica + " on " + addresses);
            assertTrue(ps.out().contains("0.0.0.0:" + port), ps.out());
        }
        for (String replica : loopback) {
            int port = ports.get(replica);
            Set<String> addresses = listening.getOrDefault(port, Set.of());
            seen.append(' ').append(replica).append('=').append(addresses.stream().map(PublishingEndToEndTest::show).toList());
            assertFalse(addresses.isEmpty(), replica + " listens on " + port);
            assertTrue(addresses.stream().allMatch(PublishingEndToEndTest::loopback), replica + " on " + addresses);
            assertTrue(ps.out().contains("127.0.0.1:" + port), ps.out());
        }
        System.out.println("e2e: listening sockets (from /proc/net/tcp, tcp6):" + seen);
    }

    private Map<Integer, Set<String>> listeningWhileUp = Map.of();

    /** Each replica's port from the stack's state (worker-1's is its metrics port), and the listening sockets meanwhile. */
    private Map<String, Integer> ports() throws Exception {
        Path state = stack.projectDir.resolve(".dockercoins").resolve(stack.project).resolve("state");
        Map<String, Integer> ports = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(state)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(f)) {
                    p.load(in);
                }
                ports.put(p.getProperty("service") + "-" + p.getProperty("index"), Integer.parseInt(p.getProperty("port")));
            }
        }
        // prometheus and the workers' metrics servers may open their ports a moment after up returns
        await(Duration.ofSeconds(30), "every replica with a port listens", () -> {
            listeningWhileUp = listening();
            return ports.values().stream().filter(port -> port > 0).allMatch(listeningWhileUp::containsKey);
        });
        return ports;
    }

    /** Listening TCP sockets: port to the local addresses, as /proc/net/tcp and tcp6 print them (hex). */
    static Map<Integer, Set<String>> listening() {
        Map<Integer, Set<String>> sockets = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table)).stream().skip(1).toList()) {
                    String[] f = line.strip().split("\\s+");
                    if (!f[3].equals("0A")) continue; // TCP_LISTEN
                    String[] local = f[1].split(":");
                    sockets.computeIfAbsent(Integer.parseInt(local[1], 16), k -> new HashSet<>()).add(local[0]);
                }
            } catch (IOException e) {
                // no IPv6 on this machine: tcp alone
            }
        }
        return sockets;
    }

    /** 127.0.0.1, ::ffff:127.0.0.1, ::, or the hex itself, for the e2e line. */
    static String show(String hex) {
        if (hex.chars().allMatch(c -> c == '0')) return hex.length() == 8 ? "0.0.0.0" : "::";
        String v4 = hex.length() == 8 ? hex : hex.startsWith("0000000000000000FFFF0000") ? hex.substring(24) : null;
        if (v4 == null) return hex;
        String dotted = Integer.parseInt(v4.substring(6, 8), 16) + "." + Integer.parseInt(v4.substring(4, 6), 16) + "."
                + Integer.parseInt(v4.substring(2, 4), 16) + "." + Integer.parseInt(v4.substring(0, 2), 16);
        return hex.length() == 8 ? dotted : "::ffff:" + dotted;
    }

    /** 0.0.0.0, ::, or ::ffff:0.0.0.0. */
    static boolean everyInterface(String hex) {
        return hex.chars().allMatch(c -> c == '0') || hex.equals("0000000000000000FFFF000000000000");
    }

    /** 127.x.x.x, ::ffff:127.x.x.x or ::1 (each 32-bit word little-endian, so 127 is the last byte of the word). */
    static boolean loopback(String hex) {
        if (hex.length() == 8) return hex.endsWith("7F");
        return hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F")
                || hex.equals("00000000000000000000000001000000");
    }
}
