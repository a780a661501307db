package dockercoins.launcher.os;

import dockercoins.launcher.console.LaunchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

/** Port probing: whether something listens on a port, whether we may take it, and a free one. */
public final class Ports {
    private final Set<Integer> handedOut = new HashSet<>();

    /** {@code 0.0.0.0:8000}, {@code [::]:8000}: an address and a port, as ps shows them and prometheus takes them. */
    public static String hostPort(String address, int port) {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    /** Something accepts connections on 127.0.0.1:port. */
    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Nothing answers on it, and we can bind it on every interface (Linux refuses a port someone
     * listens on, on any address): free whether it is then published on 0.0.0.0 or on loopback.
     */
    public boolean free(int port) {
        if (accepts(port)) return false;
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port the system calls free, never one this object handed out before (two replicas started in one go). */
    public int any() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (handedOut.add(port)) return port;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new LaunchException("no free port found on 127.0.0.1");
    }

    /** The first base from {@code from} (in steps of 10, below {@code to}) where base, base+1 and base+2 are free. */
    public OptionalInt freeTrio(int from, int to) {
        for (int base = from; base < to; base += 10) {
            if (free(base) && free(base + 1) && free(base + 2)) return OptionalInt.of(base);
        }
        return OptionalInt.empty();
    }
}
