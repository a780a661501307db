package dockercoins.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolver.LookupPolicy;
import java.net.spi.InetAddressResolverProvider;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ShufflingResolverTest {

    /** Like podman's DNS: every answer lists the replicas in the same order. */
    private static final class SameOrderDns implements InetAddressResolver {
        final List<InetAddress> replicas;

        SameOrderDns(String... addresses) {
            replicas = Stream.of(addresses).map(SameOrderDns::literal).toList();
        }

        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) {
            return replicas.stream();
        }

        @Override
        public String lookupByAddress(byte[] address) {
            return "rng";
        }

        private static InetAddress literal(String address) {
            try {
                return InetAddress.getByName(address);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(e);
            }
        }
    }

    @Test
    void is_the_resolver_the_jdk_loads() {
        var provider = ServiceLoader.load(InetAddressResolverProvider.class).findFirst().orElseThrow();
        assertInstanceOf(ShufflingResolver.class, provider);
    }

    @Test
    void puts_every_replica_first_now_and_then() throws UnknownHostException {
        var dns = new SameOrderDns("10.0.0.1", "10.0.0.2", "10.0.0.3");
        var resolver = ShufflingResolver.shuffling(dns);

        Set<InetAddress> firsts = new HashSet<>();
        for (int i = 0; i < 200 && firsts.size() < 3; i++) {
            var answer = resolver.lookupByName("rng", LookupPolicy.of(LookupPolicy.IPV4)).toList();
            assertEquals(Set.copyOf(dns.replicas), Set.copyOf(answer), "all replicas, each once");
            assertEquals(3, answer.size());
            firsts.add(answer.getFirst());
        }
        assertEquals(Set.copyOf(dns.replicas), firsts);
    }
}
