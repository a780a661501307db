import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saves a PNG of the page a running headless Chromium shows, through its DevTools protocol (the
 * JDK's own HTTP and WebSocket clients, no library). deploy/lab-picture.sh uses it for the
 * README's picture, because webui's graph lives in the open page: a fresh browser would show an
 * empty one.
 *
 *     java deploy/LabPicture.java 9229 docs/lab.png
 */
public class LabPicture {
    static final Pattern PAGE_SOCKET = Pattern.compile("\"type\"\\s*:\\s*\"page\"[^}]*?\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"");
    static final Pattern DATA = Pattern.compile("\"data\"\\s*:\\s*\"([A-Za-z0-9+/=]+)\"");

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: java LabPicture.java DEVTOOLS_PORT OUTPUT.png");
            System.exit(2);
        }
        HttpClient http = HttpClient.newHttpClient();
        String pages = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + args[0] + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher page = PAGE_SOCKET.matcher(pages);
        if (!page.find()) throw new IllegalStateException("Chromium shows no page: " + pages);

        CompletableFuture<String> answer = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(page.group(1)), new WebSocket.Listener() {
            final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence part, boolean last) {
                text.append(part);
                if (last) answer.complete(text.toString());
                webSocket.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        socket.sendText("{\"id\":1,\"method\":\"Page.captureScreenshot\",\"params\":{\"format\":\"png\"}}", true);

        Matcher data = DATA.matcher(answer.get(30, TimeUnit.SECONDS));
        if (!data.find()) throw new IllegalStateException("Chromium sent no picture");
        Files.write(Path.of(args[1]), Base64.getDecoder().decode(data.group(1)));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        System.out.println("Wrote " + args[1]);
    }
}
