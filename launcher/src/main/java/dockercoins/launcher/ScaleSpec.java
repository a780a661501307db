package dockercoins.launcher;

import dockercoins.launcher.stack.Service;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code SERVICE=N} as in {@code --scale worker=10}. */
record ScaleSpec(Service service, int replicas) {

    /** A cap that stops a typo (worker=1000) from forking a thousand JVMs on a laptop. */
    static final int MAX_REPLICAS = 100;

    static ScaleSpec parse(String text) {
        int eq = text.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("expected SERVICE=N (e.g. worker=10), got \"" + text + "\"");
        }
        Service service = Service.parse(text.substring(0, eq));
        String count = text.substring(eq + 1);
        int n;
        try {
            n = Integer.parseInt(count);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || n > MAX_REPLICAS || !count.matches("[0-9]+")) {
            throw new IllegalArgumentException("the number of replicas in \"" + text
                    + "\" must be a whole number from 0 to " + MAX_REPLICAS);
        }
        if (service.whyOnlyOne() != null && n > 1) {
            throw new IllegalArgumentException(service + " cannot be scaled beyond 1: " + service.whyOnlyOne());
        }
        return new ScaleSpec(service, n);
    }

    /** Lets picocli report a bad spec as a usage error naming the option. */
    static final class Converter implements ITypeConverter<ScaleSpec> {
        @Override
        public ScaleSpec convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
