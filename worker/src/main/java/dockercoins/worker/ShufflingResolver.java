package dockercoins.worker;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.stream.Stream;

/**
 * DEMO: Docker's DNS round-robin (and podman's, which always answers in the same order) gives
 * all the addresses of a scaled service, and the JVM connects to the first one. Shuffling them
 * makes each new connection pick a random replica, as scaling rng with
 * {@code docker compose up --scale rng=3} expects. Registered in
 * META-INF/services/java.net.spi.InetAddressResolverProvider (JEP 418); it delegates to the
 * JDK's own resolver, so /etc/hosts, DNS and {@code -Djdk.net.hosts.file} work as usual.
 */
public final class ShufflingResolver extends InetAddressResolverProvider {

    @Override
    public InetAddressResolver get(Configuration configuration) {
        return shuffling(configuration.builtinResolver());
    }

    static InetAddressResolver shuffling(InetAddressResolver builtin) {
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                var addresses = new ArrayList<>(builtin.lookupByName(host, policy).toList());
                Collections.shuffle(addresses);
                return addresses.stream();
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "shuffling resolver";
    }
}
