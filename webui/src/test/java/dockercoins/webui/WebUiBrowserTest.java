package dockercoins.webui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * The page in Debian's chromium, headless, through Debian's chromedriver (never a downloaded browser),
 * against the real webui and a real Redis whose hashes counter grows at a known rate.
 */
class WebUiBrowserTest {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** INCRBY 1 every 20 ms: fine-grained, so that one poll-to-poll speed is close to the rate. */
    static final double RATE = 50.0;
    static final Pattern SPEED = Pattern.compile("~(-?\\d+\\.\\d) hashes/second");

    @TempDir
    static Path profile;
    static TestRedis redisServer;
    static RedisClient webuiRedis;
    static HttpServer server;
    static ScheduledExecutorService miner;
    static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        redisServer = new TestRedis();
        webuiRedis = RedisClient.create(redisServer.url());
        server = WebUi.start(new WebUi.Settings(0, "127.0.0.1", redisServer.url(),
                Path.of("files").toAbsolutePath(), Duration.ZERO, true, false, Chaos.Settings.OFF, Env.Version.NONE, "webui-1"), webuiRedis);
        miner = Executors.newSingleThreadScheduledExecutor();
        miner.scheduleAtFixedRate(new Runnable() {
            Jedis jedis;

            @Override
            public void run() {
                try {
                    if (jedis == null) jedis = new Jedis("127.0.0.1", redisServer.port);
                    jedis.incrBy("hashes", 1);
                } catch (RuntimeException redisIsDown) {
                    if (jedis != null) jedis.close();
                    jedis = null;
                }
            }
        }, 0, (long) (1000 / RATE), TimeUnit.MILLISECONDS);

        // Point Selenium at Debian's driver and browser, so that Selenium Manager has nothing to download.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        var options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage", "--window-size=1000,800",
                "--user-data-dir=" + profile.toAbsolutePath());
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (miner != null) miner.shutdownNow();
        if (server != null) server.stop(0);
        if (webuiRedis != null) webuiRedis.close();
        if (redisServer != null) redisServer.close();
    }

    @Test
    void the_page_graphs_the_mining_speed_and_says_so_in_words_when_redis_is_down() throws IOException {
        browser.get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        assertEquals("DockerCoin Miner WebUI", browser.getTitle());
        assertEquals("DockerCoin Miner WebUI", browser.findElement(By.tagName("h1")).getText());

        // The speed shown matches the rate at which the counter grows, and the graph follows it.
        await("the speed text shows ~" + RATE, Duration.ofSeconds(30), () -> speedIsNearRate() && recentPointsAreNearRate());
        await("at least 12 s of mining on the graph", Duration.ofSeconds(30), () -> pointsNearRate() >= 12);
        assertEquals(249L, script("return graph.data[1].length"), "250 polls give 249 speeds");
        long blue = steelbluePixels();
        assertTrue(blue > 2000, "steelblue pixels drawn: " + blue);
        assertFalse(browser.findElement(By.id("error")).isDisplayed());
        assertFalse(browser.findElement(By.id("version")).isDisplayed(), "no version badge without VERSION, COLOR or MESSAGE");
        assertNoNaN();
        screenshot("webui.png");

        // Redis down: a message in words, and the page keeps polling.
        redisServer.stop();
        await("the failure message", Duration.ofSeconds(15), () -> browser.findElement(By.id("error")).isDisplayed());
        String message = browser.findElement(By.id("error")).getText();
        assertTrue(message.startsWith("Cannot reach the miner's data: redis unavailable: "), message);
        assertTrue(message.endsWith("retrying"), message);
        assertNoNaN();
        screenshot("webui-redis-down.png");

        // Redis back: the message goes away by itself and the speed is right again.
        redisServer.start();
        await("the failure message goes away", Duration.ofSeconds(20), () -> !browser.findElement(By.id("error")).isDisplayed());
        await("the speed text shows ~" + RATE + " again", Duration.ofSeconds(30), () -> speedIsNearRate() && recentPointsAreNearRate());
        assertNoNaN();
        screenshot("webui-recovered.png");
    }

    @Test
    void the_page_shows_who_does_the_work_per_replica_and_marks_events_on_the_graph() throws Exception {
        // Two workers and one rng, tallied in Redis each second as our workers do (WhoWorks), and one event.
        var tally = Executors.newSingleThreadScheduledExecutor();
        try (var jedis = new Jedis("127.0.0.1", redisServer.port)) {
            jedis.lpush("dockercoins:events", "{\"at\":" + Instant.now().getEpochSecond() + ",\"text\":\"worker-2 started\"}");
        }
        tally.scheduleAtFixedRate(() -> {
            try (var jedis = new Jedis("127.0.0.1", redisServer.port)) {
                String now = Long.toString(Instant.now().getEpochSecond());
                jedis.hincrBy("dockercoins:replicas:worker", "worker-1", 3);
                jedis.hincrBy("dockercoins:replicas:worker", "worker-2", 6);
                jedis.hincrBy("dockercoins:replicas:rng", "rng-1", 9);
                for (String service : List.of("worker", "rng")) {
                    for (String name : jedis.hkeys("dockercoins:replicas:" + service)) jedis.hset("dockercoins:seen:" + service, name, now);
                }
            } catch (RuntimeException redisIsDown) {
                // the next second writes again
            }
        }, 0, 1, TimeUnit.SECONDS);
        try {
            browser.get("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            await("the per-replica view", Duration.ofSeconds(30), () -> browser.findElement(By.id("who")).isDisplayed()
                    && rateOf("worker-1") > 0 && rateOf("worker-2") > 0 && rateOf("rng-1") > 0);
            await("rates near 3, 6 and 9 per second", Duration.ofSeconds(30), () -> Math.abs(rateOf("worker-1") - 3) <= 1
                    && Math.abs(rateOf("worker-2") - 6) <= 1.5 && Math.abs(rateOf("rng-1") - 9) <= 2);
            await("the event's marker on the graph", Duration.ofSeconds(10), () -> markerPixels() > 50);
            assertNoNaN();
            screenshot("webui-replicas.png");
        } finally {
            tally.shutdownNow();
        }
    }

    /** The rate shown in the per-replica view for that replica, or -1 if it is not shown. */
    double rateOf(String replica) {
        for (var row : browser.findElements(By.cssSelector("#replicas tr"))) {
            var cells = row.findElements(By.tagName("td"));
            if (cells.size() == 3 && cells.get(0).getText().equals(replica)) return Double.parseDouble(cells.get(1).getText());
        }
        return -1;
    }

    long markerPixels() {
        return (Long) script("""
                var canvas = document.querySelector('#graph canvas');
                var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                var count = 0;
                for (var i = 0; i < pixels.length; i += 4) {
                    if (pixels[i] === 179 && pixels[i + 1] === 89 && pixels[i + 2] === 0) count++;
                }
                return count;""");
    }

    boolean speedIsNearRate() {
        Matcher matcher = SPEED.matcher(browser.findElement(By.id("speed")).getText());
        return matcher.matches() && Math.abs(Double.parseDouble(matcher.group(1)) - RATE) <= RATE * 0.1;
    }

    /** The median of the last five speeds on the graph: one late poll must not decide. */
    boolean recentPointsAreNearRate() {
        List<Double> recent = ys().subList(244, 249).stream().sorted().toList();
        return Math.abs(recent.get(2) - RATE) <= RATE * 0.1;
    }

    long pointsNearRate() {
        return ys().stream().filter(y -> Math.abs(y - RATE) <= RATE * 0.2).count();
    }

    List<Double> ys() {
        List<?> ys = (List<?>) script("return graph == null ? [] : Array.from(graph.data[1])");
        if (ys.size() != 249) return java.util.Collections.nCopies(249, 0.0);
        return ys.stream().map(y -> ((Number) y).doubleValue()).toList();
    }

    long steelbluePixels() {
        return (Long) script("""
                var canvas = document.querySelector('#graph canvas');
                var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                var count = 0;
                for (var i = 0; i < pixels.length; i += 4) {
                    if (pixels[i] === 70 && pixels[i + 1] === 130 && pixels[i + 2] === 180) count++;
                }
                return count;""");
    }

    void assertNoNaN() {
        String text = browser.findElement(By.tagName("body")).getText();
        assertFalse(text.contains("NaN"), text);
    }

    Object script(String js) {
        return ((JavascriptExecutor) browser).executeScript(js);
    }

    void screenshot(String name) throws IOException {
        Path target = Files.createDirectories(Path.of("target"));
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for " + what);
            TestRedis.sleep(Duration.ofMillis(250));
        }
    }
}
