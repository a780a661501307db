/**
 * The supervised stack: the services, their settings, the replicas recorded in
 * {@code .dockercoins/<project>/}, the supervisor that runs them, and the convergence that brings
 * each service to its count. Knows nothing of the verbs or the bench.
 */
package dockercoins.launcher.stack;
