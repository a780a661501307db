package dockercoins.launcher.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bench's window on DockerCoins' counters in Redis ({@code hashes}, the coins in {@code wallet}):
 * just enough of the Redis protocol to read and reset them, and to mark an event for the page; one connection.
 */
public final class RedisCounter implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RedisCounter(String url) throws IOException {
        URI uri = URI.create(url);
        socket = new Socket();
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379), 2000);
        socket.setSoTimeout(5000);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** The integer under key, or -1 when there is none yet. */
    public synchronized long get(String key) throws IOException {
        String reply = command("GET " + key);
        return reply == null ? -1 : Long.parseLong(reply);
    }

    /** The number of fields of the hash under key (the coins: {@code HLEN wallet}), 0 when there is none. */
    public synchronized long hlen(String key) throws IOException {
        return Long.parseLong(command("HLEN " + key));
    }

    synchronized void del(String key) throws IOException {
        command("DEL " + key);
    }

    /** {@code LPUSH key value} then {@code LTRIM key 0 keep-1}: a list of the newest (the page's events). */
    public synchronized void push(String key, String value, int keep) throws IOException {
        command(List.of("LPUSH", key, value));
        command(List.of("LTRIM", key, "0", Integer.toString(keep - 1)));
    }

    /** A command as a RESP array: any bytes in its arguments, quotes and spaces included. */
    private String command(List<String> args) throws IOException {
        var request = new ByteArrayOutputStream();
        request.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(bytes);
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(request.toByteArray());
        out.flush();
        return reply("the command " + args.get(0));
    }

    private String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply(line);
    }

    private String reply(String line) throws IOException {
        String head = readLine();
        return switch (head.charAt(0)) {
            case '$' -> {
                int n = Integer.parseInt(head.substring(1));
                if (n < 0) yield null;
                byte[] value = in.readNBytes(n + 2);
                yield new String(value, 0, n, StandardCharsets.US_ASCII);
            }
            case ':', '+' -> head.substring(1);
            default -> throw new IOException("redis answered " + line + " with " + head);
        };
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) throw new IOException("redis closed the connection");
            if (b != '\r') line.write(b);
            if (line.size() > 1024) throw new IOException("redis line too long");
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
