/**
 * {@code ./dockercoins chaos}'s schedule: faults, kills and stops at seeded random times on a
 * target (this launcher's stack, a Compose project, or /chaos URLs), the counter read all the
 * while, and the resilience report made of it. Uses the bench's Redis counter, the stack and
 * the layers below; only the {@code chaos} verb uses it.
 */
package dockercoins.launcher.chaos;
