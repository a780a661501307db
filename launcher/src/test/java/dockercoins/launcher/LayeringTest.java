package dockercoins.launcher;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dockercoins.launcher.stack.layering.StackClassThatCallsAVerb;
import org.junit.jupiter.api.Test;

/**
 * The launcher's packages import in one direction: the verbs above the chaos schedule above the
 * bench above the stack above the operating system's helpers above the console's. A class that imports upwards, or a
 * cycle between packages, fails the build.
 */
class LayeringTest {
    private static final JavaClasses LAUNCHER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dockercoins.launcher");

    /** Each layer may use only the layers below it. */
    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("verbs").definedBy("dockercoins.launcher")
            .layer("chaos").definedBy("dockercoins.launcher.chaos..")
            .layer("bench").definedBy("dockercoins.launcher.bench..")
            .layer("stack").definedBy("dockercoins.launcher.stack..")
            .layer("os").definedBy("dockercoins.launcher.os..")
            .layer("console").definedBy("dockercoins.launcher.console..")
            .whereLayer("verbs").mayNotBeAccessedByAnyLayer()
            .whereLayer("chaos").mayOnlyBeAccessedByLayers("verbs")
            .whereLayer("bench").mayOnlyBeAccessedByLayers("verbs", "chaos")
            .whereLayer("stack").mayOnlyBeAccessedByLayers("verbs", "chaos", "bench")
            .whereLayer("os").mayOnlyBeAccessedByLayers("verbs", "chaos", "bench", "stack")
            .whereLayer("console").mayOnlyBeAccessedByLayers("verbs", "chaos", "bench", "stack", "os");

    @Test
    void each_package_uses_only_the_packages_below_it() {
        LAYERS.check(LAUNCHER);
    }

    @Test
    void no_two_packages_use_each_other() {
        slices().matching("dockercoins.(**)").should().beFreeOfCycles().check(LAUNCHER);
    }

    @Test
    void a_stack_class_that_calls_a_verb_breaks_the_layering() {
        JavaClasses withUpwardCall = new ClassFileImporter().importClasses(StackClassThatCallsAVerb.class, Launcher.class);
        assertTrue(LAYERS.evaluate(withUpwardCall).hasViolation(), "the rule must catch a lower layer using a higher one");
    }
}
