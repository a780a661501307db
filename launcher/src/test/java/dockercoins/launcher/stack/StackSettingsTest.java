package dockercoins.launcher.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.console.LaunchException;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Where each setting comes from: command line, then environment, then .env, then what the stack remembers, then the default. */
class StackSettingsTest {
    private static final Properties NOTHING_REMEMBERED = new Properties();

    private static Properties remembered(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    private static StackSettings settings(Integer portBase, String address, Map<String, String> env, Properties remembered) {
        return new StackSettings(portBase, address, env, () -> remembered);
    }

    @Test
    void the_port_base_is_the_option_then_the_variable_then_the_stacks_own_then_8000() {
        Map<String, String> env = Map.of("DOCKERCOINS_PORT_BASE", "9000");
        Properties was = remembered("portBase", "7000");
        assertEquals(10000, settings(10000, null, env, was).portBase());
        assertEquals(9000, settings(null, null, env, was).portBase());
        assertEquals(7000, settings(null, null, Map.of(), was).portBase());
        assertEquals(8000, settings(null, null, Map.of(), NOTHING_REMEMBERED).portBase());
    }

    @Test
    void the_publish_address_is_the_option_then_ours_then_bind_address_then_the_stacks_own_then_every_interface() {
        Map<String, String> both = Map.of("DOCKERCOINS_PUBLISH_ADDRESS", "127.0.0.1", "BIND_ADDRESS", "10.0.0.1");
        Properties was = remembered("publishAddress", "::");
        assertEquals("192.168.1.2", settings(null, "192.168.1.2", both, was).publishAddress());
        assertEquals("127.0.0.1", settings(null, null, both, was).publishAddress());
        assertEquals("10.0.0.1", settings(null, null, Map.of("BIND_ADDRESS", "10.0.0.1"), was).publishAddress());
        assertEquals("::", settings(null, null, Map.of("BIND_ADDRESS", " "), was).publishAddress());
        assertEquals("0.0.0.0", settings(null, null, Map.of(), NOTHING_REMEMBERED).publishAddress());
    }

    @Test
    void the_environment_wins_over_dot_env_as_in_compose() {
        Map<String, String> env = StackSettings.environment(Map.of("WORKER_DELAY", "0.5", "DEBUG", "y"), Map.of("WORKER_DELAY", "0"));
        assertEquals(Map.of("WORKER_DELAY", "0", "DEBUG", "y"), env);
    }

    @Test
    void only_the_services_knobs_are_passed_to_the_replicas() {
        StackSettings s = settings(null, null, Map.of("RNG_DELAY", "0", "HOME", "/root", "DOCKERCOINS_PORT_BASE", "9000"),
                NOTHING_REMEMBERED);
        assertEquals(Map.of("RNG_DELAY", "0"), s.knobs());
    }

    @Test
    void a_malformed_value_names_where_it_came_from() {
        LaunchException port = assertThrows(LaunchException.class,
                () -> settings(null, null, Map.of("DOCKERCOINS_PORT_BASE", "eighty"), NOTHING_REMEMBERED).portBase());
        assertEquals("DOCKERCOINS_PORT_BASE must be a port number from 1 to 65533, got \"eighty\"", port.getMessage());
        LaunchException address = assertThrows(LaunchException.class,
                () -> settings(null, "localhost", Map.of(), NOTHING_REMEMBERED).publishAddress());
        assertEquals("--publish-address must be an IP address to listen on, such as 0.0.0.0 (every interface) or "
                + "127.0.0.1 (this machine only), got \"localhost\"", address.getMessage());
    }

    @Test
    void a_redis_url_given_means_no_redis_of_ours() {
        assertTrue(settings(null, null, Map.of("REDIS_URL", "redis://db:6379"), NOTHING_REMEMBERED).externalRedis());
        assertFalse(settings(null, null, Map.of("REDIS_URL", ""), NOTHING_REMEMBERED).externalRedis());
    }

    @Test
    void start_gives_the_knobs_of_the_last_up_as_docker_start_keeps_a_containers_environment() {
        Properties stack = new Properties();
        settings(null, null, Map.of("CHAOS", "on", "WORKER_DELAY", "0", "REDIS_URL", "redis://:secret@db:6379", "HOME", "/root"), stack)
                .recordKnobs(stack);
        assertFalse(stack.containsKey("knob.REDIS_URL"), "a password is not written to the stack's state");
        assertFalse(stack.containsKey("knob.HOME"), "only the services' knobs");

        StackSettings laterShell = settings(null, null, Map.of("DEBUG", "y"), stack);
        assertEquals(Map.of("CHAOS", "on", "WORKER_DELAY", "0"), laterShell.knobsOfLastUp());
        assertEquals(Map.of("DEBUG", "y"), laterShell.knobs(), "up reads the environment as it is now");

        settings(null, null, Map.of(), stack).recordKnobs(stack);
        assertEquals(Map.of(), laterShell.knobsOfLastUp(), "an up without them forgets them");
        assertEquals(Map.of("DEBUG", "y"), settings(null, null, Map.of("DEBUG", "y"), NOTHING_REMEMBERED).knobsOfLastUp(),
                "a stack recorded by an older launcher: the environment's");
    }
}
