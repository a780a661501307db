package dockercoins.launcher.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The runtime's floor, for the bench: the smallest HTTP service HotSpot can run, the JDK's
 * {@code HttpServer} answering "ok", started with the services' own JVM flags. A service's RSS
 * above this one's is what its own code and libraries cost.
 */
final class FloorServer {
    private FloorServer() {
    }

    public static void main(String[] args) throws IOException {
        var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(System.getenv("PORT"))), 0);
        server.createContext("/", exchange -> {
            byte[] body = "ok\n".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }
}
