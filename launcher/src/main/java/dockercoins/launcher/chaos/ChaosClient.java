package dockercoins.launcher.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/** A replica's /chaos: {@code GET} shows its faults, {@code PUT} with a JSON object changes them (docs/chaos.md). */
public final class ChaosClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The status and the body (the faults in force, or what was refused). */
    public record Answer(int status, String body) {
        public boolean ok() {
            return status == 200;
        }
    }

    private ChaosClient() {
    }

    /** {@code GET url}, or {@code PUT url} with this JSON when it is not null. */
    public static Answer send(URI url, String json) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10));
        if (json != null) request.PUT(BodyPublishers.ofString(json));
        var answer = HTTP.send(request.build(), BodyHandlers.ofString());
        return new Answer(answer.statusCode(), answer.body().strip());
    }
}
