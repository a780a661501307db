package dockercoins.launcher.stack.layering;

import dockercoins.launcher.Launcher;

/** A wrong turn on purpose, for LayeringTest: a class in the stack's layer that holds the entry point. */
public final class StackClassThatCallsAVerb {
    Launcher launcher;
}
