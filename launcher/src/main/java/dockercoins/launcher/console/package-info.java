/**
 * How the launcher talks to the person at the terminal: the one-line failure, tables as docker
 * prints them, and whether the output is a terminal and may be coloured. The bottom layer.
 */
package dockercoins.launcher.console;
