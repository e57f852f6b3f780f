package io.uptimemesh.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of DESIGN.md section 3, checked on the compiled classes of every module (the
 * launcher sees them all). Maven's enforcer already bans the dependencies; this catches imports
 * that arrive transitively through an allowed module.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.uptimemesh");
  }

  @Test
  void coreIsPureLogic() {
    noClasses()
        .that()
        .resideInAPackage("io.uptimemesh.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.etcd..",
            "io.vertx..",
            "io.netty..",
            "io.grpc..",
            "io.uptimemesh.etcd..",
            "io.uptimemesh.web..",
            "io.uptimemesh.agent..",
            "io.uptimemesh.wireguard..",
            "io.uptimemesh.lxd..",
            "io.uptimemesh.launcher..")
        .because("core holds domain and pure logic only (DESIGN.md 3)")
        .check(classes);
  }

  @Test
  void agentsNeverTalkToEtcd() {
    noClasses()
        .that()
        .resideInAPackage("io.uptimemesh.agent..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.etcd..", "io.uptimemesh.etcd..", "io.uptimemesh.web..")
        .because("only core nodes hold etcd credentials (DESIGN.md 2)")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void nodeSideModulesDependOnlyOnCore() {
    noClasses()
        .that()
        .resideInAnyPackage("io.uptimemesh.wireguard..", "io.uptimemesh.lxd..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.etcd..",
            "io.uptimemesh.etcd..",
            "io.uptimemesh.web..",
            "io.uptimemesh.agent..",
            "io.uptimemesh.launcher..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void etcdLayerKnowsNothingOfHttpOrAgents() {
    noClasses()
        .that()
        .resideInAPackage("io.uptimemesh.etcd..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx.ext.web..",
            "io.uptimemesh.web..",
            "io.uptimemesh.agent..",
            "io.uptimemesh.launcher..")
        .check(classes);
  }

  @Test
  void webDoesNotReachIntoTheAgentOrLauncher() {
    noClasses()
        .that()
        .resideInAPackage("io.uptimemesh.web..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.uptimemesh.agent..", "io.uptimemesh.launcher..")
        .check(classes);
  }
}
