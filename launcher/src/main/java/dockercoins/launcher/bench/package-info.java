/**
 * The bench ({@code ./dockercoins bench}): its experiments on a stack of its own, what they
 * measure with (HTTP probes, the Redis counter, load generators, statistics) and the report they
 * write (table, CSV, JSON, charts). Uses the stack and the layers below; only the {@code bench} verb uses it.
 */
package dockercoins.launcher.bench;
