/**
 * The entry point and the verbs of {@code ./dockercoins}, one picocli class per verb ({@code Up},
 * {@code Ps}, {@code Logs}, ..., {@code Bench}), with what they share: the global options, the
 * {@code SERVICE...} arguments and {@code SERVICE=NUM}. The top layer: it uses every package below, none uses it.
 */
package dockercoins.launcher;
