package dockercoins.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dockercoins.launcher.console.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wrk's report, as wrk 4.2 prints it with --latency, read into the bench's figures. */
class LoadGeneratorTest {

    @Test
    void parse_wrk_reads_requests_rate_percentiles_and_every_kind_of_error() {
        LoadGenerator.Result r = LoadGenerator.parseWrk("""
                Running 2s test @ http://127.0.0.1:18001/32
                  2 threads and 32 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency     7.81ms    2.17ms  30.53ms   85.39%
                    Req/Sec     2.06k   180.71     2.41k    72.50%
                  Latency Distribution
                     50%    7.52ms
                     75%    8.44ms
                     90%    9.98ms
                     99%   15.27ms
                  8213 requests in 2.00s, 1.33MB read
                  Socket errors: connect 0, read 3, write 0, timeout 2
                  Non-2xx or 3xx responses: 5
                Requests/sec:   4102.38
                Transfer/sec:    681.54KB
                """);
        assertEquals("wrk", r.tool());
        assertEquals(8213, r.requests());
        assertEquals(10, r.errors());
        assertEquals(2.0, r.seconds(), 1e-9);
        assertEquals(4102.38, r.requestsPerSecond(), 1e-9);
        assertEquals(7.52, r.p50Ms(), 1e-9);
        assertEquals(9.98, r.p90Ms(), 1e-9);
        assertEquals(15.27, r.p99Ms(), 1e-9);
    }

    @Test
    void parse_wrk_converts_microseconds_seconds_and_minutes_to_milliseconds() {
        LoadGenerator.Result r = LoadGenerator.parseWrk("""
                  Latency Distribution
                     50%  830.00us
                     75%    1.20ms
                     90%    1.02s
                     99%    1.50m
                  120000 requests in 1.00m, 9.10MB read
                Requests/sec:   1999.50
                """);
        assertEquals(0.83, r.p50Ms(), 1e-9);
        assertEquals(1020, r.p90Ms(), 1e-9);
        assertEquals(90_000, r.p99Ms(), 1e-9);
        assertEquals(60, r.seconds(), 1e-9);
        assertEquals(0, r.errors(), "no error lines: no errors");
    }

    @Test
    void parse_wrk_without_a_rate_says_what_wrk_printed() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> LoadGenerator.parseWrk("unable to connect to 127.0.0.1:18001 Connection refused\n"));
        assertTrue(e.getMessage().startsWith("cannot read wrk's output: unable to connect"), e.getMessage());
    }

    @Test
    void wrk_is_looked_for_on_the_path_the_launcher_was_given(@TempDir Path bin) throws IOException {
        Path wrk = Files.writeString(bin.resolve("wrk"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(wrk, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertTrue(LoadGenerator.wrkInstalled(bin.toString()));
        assertFalse(LoadGenerator.wrkInstalled(bin.resolve("empty").toString()));
    }
}
