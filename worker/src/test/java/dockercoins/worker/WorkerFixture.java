package dockercoins.worker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.RedisClient;

/** What the tests that run a real worker share: one real redis-server, emptied before each test, and cleanup. */
abstract class WorkerFixture {

    static TestRedis redisServer;
    static RedisClient redis;
    private final List<AutoCloseable> started = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws IOException {
        redisServer = new TestRedis();
        redis = redisServer.client();
    }

    @AfterAll
    static void stopRedis() throws IOException {
        redis.close();
        redisServer.close();
    }

    @BeforeEach
    void emptyRedis() {
        redis.flushAll();
    }

    @AfterEach
    void stopEverythingStarted() throws Exception {
        for (AutoCloseable closeable : started.reversed()) {
            closeable.close();
        }
    }

    /** Closes the stand-in, worker or server after the test, last started first. */
    <T extends AutoCloseable> T track(T closeable) {
        started.add(closeable);
        return closeable;
    }
}
