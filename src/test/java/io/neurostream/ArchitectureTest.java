package io.neurostream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The layering of docs/architecture.md, enforced on the production classes: a package imports only
 * packages of lower layers (or its own layer where that layer allows it), services never import
 * each other, and no two packages depend on each other in a cycle. The layer names and their order
 * are the ones the architecture page uses; change both together.
 */
class ArchitectureTest {

  /** One layer: a name and the packages (below io.neurostream) it holds. */
  record Layer(String name, boolean peersMayDependOnEachOther, String... packages) {
    String[] patterns() {
      return Stream.of(packages).map(p -> "io.neurostream." + p + "..").toArray(String[]::new);
    }
  }

  /** Bottom first. A layer may use every layer before it. */
  static final List<Layer> LAYERS = List.of(
      new Layer("contracts", true, "config", "avro"),
      new Layer("transport", true, "serde", "ops"),
      new Layer("kafka", true, "kafka"),
      new Layer("imaging", true, "imaging", "platform.registry"),
      new Layer("model", true, "model", "phantom"),
      new Layer("learning", true, "training", "release"),
      new Layer("services", false, "classifier", "trainer", "ingest", "gateway", "verdict", "console"),
      new Layer("assembly", true, "platform", "bench", "demo"),
      new Layer("entry", true, "cli"));

  private static JavaClasses classes;

  @BeforeAll
  static void importProduction() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.neurostream");
  }

  @TestFactory
  Stream<DynamicTest> noLayerImportsAnUpperLayer() {
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < LAYERS.size(); i++) {
      Layer layer = LAYERS.get(i);
      List<String> above = new ArrayList<>();
      for (Layer upper : LAYERS.subList(i + 1, LAYERS.size())) {
        above.addAll(List.of(upper.patterns()));
      }
      if (above.isEmpty()) {
        continue;
      }
      String[] own = layer.patterns();
      // platform.registry sits low although platform sits high: exclude the lower package's own
      // classes from the upper pattern by checking the narrower package first
      ArchRule rule = noClasses().that().resideInAnyPackage(own)
          .should().dependOnClassesThat(upperLayerClasses(above, own))
          .as("layer '" + layer.name() + "' " + List.of(layer.packages()) + " imports no upper layer")
          .allowEmptyShould(true);
      tests.add(DynamicTest.dynamicTest(layer.name(), () -> rule.check(classes)));
    }
    return tests.stream();
  }

  private static com.tngtech.archunit.base.DescribedPredicate<com.tngtech.archunit.core.domain.JavaClass>
      upperLayerClasses(List<String> above, String[] own) {
    var inAbove = com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(
        above.toArray(String[]::new));
    var inOwn = com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage(own);
    return inAbove.and(com.tngtech.archunit.base.DescribedPredicate.not(inOwn))
        .as("classes of an upper layer");
  }

  @TestFactory
  Stream<DynamicTest> servicesTalkOnlyThroughTopics() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Layer layer : LAYERS) {
      if (layer.peersMayDependOnEachOther()) {
        continue;
      }
      for (String service : layer.packages()) {
        String[] others = Stream.of(layer.packages()).filter(p -> !p.equals(service))
            .map(p -> "io.neurostream." + p + "..").toArray(String[]::new);
        ArchRule rule = noClasses().that().resideInAPackage("io.neurostream." + service + "..")
            .should().dependOnClassesThat().resideInAnyPackage(others)
            .as(service + " imports no other service " + List.of(others))
            .allowEmptyShould(true);
        tests.add(DynamicTest.dynamicTest(service, () -> rule.check(classes)));
      }
    }
    return tests.stream();
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.neurostream.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void everyProductionPackageHasALayer() {
    List<String> layered = LAYERS.stream().flatMap(l -> Stream.of(l.packages()))
        .map(p -> "io.neurostream." + p).toList();
    ArchRule rule = com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes()
        .should(new com.tngtech.archunit.lang.ArchCondition<>("reside in a package that has a layer") {
          @Override
          public void check(com.tngtech.archunit.core.domain.JavaClass c,
              com.tngtech.archunit.lang.ConditionEvents events) {
            String pkg = c.getPackageName();
            boolean ok = layered.stream().anyMatch(p -> pkg.equals(p) || pkg.startsWith(p + "."));
            if (!ok) {
              events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(c,
                  c.getName() + " is in " + pkg + ", which no layer of ArchitectureTest.LAYERS holds;"
                      + " add the package to a layer here and in docs/architecture.md"));
            }
          }
        });
    rule.check(classes);
  }
}
