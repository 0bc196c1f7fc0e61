package io.loopwire;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The layer rules of STYLE.md section 1, enforced on core's main classes. */
class LayerRulesTest {

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.loopwire");
  }

  @Test
  void protocolUsesOnlyJavaBaseWithoutIo() {
    ArchRule rule = noClasses().that().resideInAPackage("io.loopwire.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "java.nio.channels..", "java.util.concurrent..", "java.util.logging..", "java.lang.System$Logger",
            "java.time..", "java.rmi..", "java.sql..", "jdk..", "sun..", "com.sun..")
        .orShould().dependOnClassesThat(resideInAPackage("javax..").and(not(resideInAPackage("javax.net.ssl"))))
        .orShould().dependOnClassesThat().haveNameMatching(
            "java\\.net\\.(Socket|ServerSocket|DatagramSocket|InetAddress|Inet4Address|Inet6Address|"
                + "InetSocketAddress|SocketAddress|URL|URLConnection|HttpURLConnection).*")
        .orShould().dependOnClassesThat().haveNameMatching("java\\.lang\\.(Thread|ThreadGroup|Runnable|ProcessBuilder|Process)")
        .orShould().dependOnClassesThat().haveNameMatching("java\\.lang\\.System\\$Logger.*")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .because("the protocol core is sans-I/O: java.base only, no sockets, channels, threads, loggers or clocks");
    rule.check(classes);
  }

  /**
   * The one exception to java.base-without-javax: the TLS core wraps the JDK's {@code SSLEngine}
   * ({@code javax.net.ssl} is in java.base). No other protocol package may use it.
   */
  @Test
  void onlyTheTlsCoreUsesJavaxNetSsl() {
    noClasses().that().resideInAPackage("io.loopwire.protocol..")
        .and().resideOutsideOfPackage("io.loopwire.protocol.tls")
        .should().dependOnClassesThat().resideInAPackage("javax..")
        .because("only io.loopwire.protocol.tls wraps SSLEngine; the rest of the core is plain java.base")
        .check(classes);
  }

  @Test
  void protocolDependsOnNothingAbove() {
    noClasses().that().resideInAPackage("io.loopwire.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.loopwire", "io.loopwire.engine..", "io.loopwire.loop..")
        .because("dependencies point down only")
        .check(classes);
  }

  @Test
  void loopSpiDependsOnNothingAbove() {
    noClasses().that().resideInAPackage("io.loopwire.loop..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.loopwire", "io.loopwire.engine..", "io.loopwire.protocol..")
        .because("the loop SPI knows nothing of protocols, the engine or the api")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void nioLoopUsesOnlyTheSpi() {
    noClasses().that().resideInAPackage("io.loopwire.loop.nio..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.loopwire", "io.loopwire.engine..", "io.loopwire.protocol..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void drivenLoopUsesOnlyTheSpi() {
    noClasses().that().resideInAPackage("io.loopwire.loop.driven..")
        .should().dependOnClassesThat().resideInAnyPackage(
            "io.loopwire", "io.loopwire.engine..", "io.loopwire.protocol..", "io.loopwire.loop.nio..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void theNioLoopDoesNotUseTheDrivenLoop() {
    noClasses().that().resideInAPackage("io.loopwire.loop.nio..")
        .should().dependOnClassesThat().resideInAPackage("io.loopwire.loop.driven..")
        .because("each loop implementation stands on the SPI alone")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void engineDoesNotUseTheApi() {
    noClasses().that().resideInAPackage("io.loopwire.engine..")
        .should().dependOnClassesThat().resideInAPackage("io.loopwire")
        .because("the engine sits below the api")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void nothingDependsOnTheNioLoopButTheApi() {
    noClasses().that().resideOutsideOfPackages("io.loopwire", "io.loopwire.loop.nio..")
        .should().dependOnClassesThat().resideInAPackage("io.loopwire.loop.nio..")
        .because("the nio loop is found through ServiceLoader, like any other loop")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void noCyclesBetweenLayers() {
    slices().matching("io.loopwire.(*)..").should().beFreeOfCycles()
        .allowEmptyShould(true)
        .check(classes);
  }
}
