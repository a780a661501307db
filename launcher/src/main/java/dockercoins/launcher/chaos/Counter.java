package dockercoins.launcher.chaos;

import com.google.gson.JsonParser;
import dockercoins.launcher.bench.RedisCounter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;

/**
 * Where the schedule reads DockerCoins' two counters, the hashes and the coins: Redis itself,
 * or webui's {@code /json} (which reads them from Redis) where Redis is out of reach.
 */
interface Counter {
    record Counts(long hashes, long coins) {
    }

    /** The counters now; an IOException is a gap in the readings, not a failure of the run. */
    Counts read() throws IOException;

    String describe();

    /** Redis at this URL, on one connection, opened again after a failure (Redis itself may be the one killed). */
    static Counter redis(String url) {
        return new Counter() {
            private RedisCounter redis;

            @Override
            public synchronized Counts read() throws IOException {
                try {
                    if (redis == null) redis = new RedisCounter(url);
                    return new Counts(Math.max(0, redis.get("hashes")), redis.hlen("wallet"));
                } catch (IOException e) {
                    if (redis != null) redis.close();
                    redis = null;
                    throw e;
                }
            }

            @Override
            public String describe() {
                return "hashes and coins in " + url;
            }
        };
    }

    /** {@code {"coins":12,"hashes":"345","now":...}}: the hashes come as a string, as the original's webui sends them. */
    static Counter json(URI url) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        return new Counter() {
            @Override
            public Counts read() throws IOException {
                var request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).build();
                try {
                    var answer = http.send(request, BodyHandlers.ofString());
                    if (answer.statusCode() != 200) throw new IOException(url + " answered " + answer.statusCode());
                    var json = JsonParser.parseString(answer.body()).getAsJsonObject();
                    return new Counts(json.get("hashes").getAsLong(), json.get("coins").getAsLong());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                } catch (RuntimeException e) { // not the JSON of a DockerCoins webui
                    throw new IOException(url + " did not answer DockerCoins' /json: " + e.getMessage(), e);
                }
            }

            @Override
            public String describe() {
                return "hashes and coins in " + url;
            }
        };
    }
}
