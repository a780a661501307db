/**
 * What the launcher asks of the operating system: files replaced atomically, programs on a PATH,
 * free ports, the CPU and memory of processes, and waiting between polls.
 */
package dockercoins.launcher.os;
