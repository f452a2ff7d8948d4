package io.firstline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the package rules of STYLE.md")
class ArchitectureTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.firstline");

    @Test
    @DisplayName("only telephony/ knows Asterisk-Java")
    void asteriskOnlyInTelephony() {
        noClasses().that().resideOutsideOfPackage("io.firstline.telephony..")
                .should().dependOnClassesThat().resideInAPackage("org.asteriskjava..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("only AmiLink reaches into Asterisk-Java's internals (its fast event builder's connection)")
    void asteriskInternalsOnlyInAmiLink() {
        noClasses().that().doNotHaveFullyQualifiedName("io.firstline.telephony.AmiLink")
                .should().dependOnClassesThat().resideInAPackage("org.asteriskjava.manager.internal..")
                .check(CLASSES);
    }

    /** The class itself, or for a nested or anonymous class the top-level class it is written in. */
    private static DescribedPredicate<JavaClass> writtenIn(String description, java.util.function.Predicate<String> topLevelName) {
        // Arrays (byte[] of a request body, Object[] rows of a batch) are in no package of ours: never a store or a handler.
        return DescribedPredicate.describe(description, c -> !c.isArray() && topLevelName.test(c.getName().replaceAll("\\$.*", "")
                .substring(c.getPackageName().length() + 1)));
    }

    private static final DescribedPredicate<JavaClass> A_STORE = writtenIn("a feature's store (*Store)", n -> n.endsWith("Store"));
    private static final DescribedPredicate<JavaClass> AN_API = writtenIn("a feature's HTTP handlers (*Api)", n -> n.endsWith("Api"));

    @Test
    @DisplayName("only the features' stores (*Store), db/ and demo/ know jOOQ, JDBC pools and migrations")
    void sqlOnlyInStores() {
        noClasses().that().resideOutsideOfPackages("io.firstline.db..", "io.firstline.demo..").and(DescribedPredicate.not(A_STORE))
                .should().dependOnClassesThat().resideInAnyPackage("org.jooq..", "com.zaxxer.hikari..", "org.flywaydb..",
                        "ch.vorburger..", "java.sql..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("only web/ and the features' handlers (*Api) know HTTP and the router (the load run is a client of it, like the tests)")
    void httpOnlyInHandlers() {
        noClasses().that().resideOutsideOfPackages("io.firstline.web..", "io.firstline", "io.firstline.load..")
                .and(DescribedPredicate.not(AN_API))
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.vertx.core.http..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("the call model does no I/O: no database, no Vert.x, no Asterisk")
    void callsArePureLogic() {
        noClasses().that().resideInAPackage("io.firstline.calls..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.jooq..", "java.sql..",
                        "org.asteriskjava..", "io.firstline.db..", "io.firstline.web..", "io.firstline.telephony..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    @DisplayName("the KPI definitions are pure: the board and the reports feed them the same facts")
    void kpisArePureLogic() {
        noClasses().that().resideInAPackage("io.firstline.kpi..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.jooq..", "java.sql..",
                        "org.asteriskjava..", "io.firstline.db..", "io.firstline.web..", "io.firstline.telephony..",
                        "io.firstline.board..", "io.firstline.desk..", "io.firstline.reports..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("a store answers queries: it does not reach up into HTTP, handlers or telephony")
    void storesAreLeaves() {
        noClasses().that(A_STORE)
                .should().dependOnClassesThat().resideInAnyPackage("io.firstline.web..", "io.firstline.telephony..")
                .orShould().dependOnClassesThat(AN_API)
                .check(CLASSES);
    }

    @Test
    @DisplayName("db/ is plumbing (pool, migrations, embedded MariaDB): it knows no feature")
    void databasePlumbingKnowsNoFeature() {
        noClasses().that().resideInAPackage("io.firstline.db..")
                .should().dependOnClassesThat().resideInAnyPackage("io.firstline.auth..", "io.firstline.audit..",
                        "io.firstline.board..", "io.firstline.callers..", "io.firstline.calls..", "io.firstline.demo..",
                        "io.firstline.desk..", "io.firstline.kb..", "io.firstline.kpi..", "io.firstline.phone..",
                        "io.firstline.presence..", "io.firstline.records..", "io.firstline.reports..", "io.firstline.tickets..",
                        "io.firstline.telephony..",
                        "io.firstline.web..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("the simulator is an outside PBX: it uses nothing of the server, and only the demo and the load run start it")
    void simulatorIsOutside() {
        noClasses().that().resideInAPackage("io.firstline.sim..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("io.firstline..")
                        .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("io.firstline.sim.."))))
                .check(CLASSES);
        noClasses().that().resideOutsideOfPackages("io.firstline", "io.firstline.sim..", "io.firstline.load..")
                .should().dependOnClassesThat().resideInAPackage("io.firstline.sim..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("every event-bus address is named in bus/Bus, with what travels on it: nobody else sends or listens by a string")
    void busAddressesInOnePlace() {
        noClasses().that().resideOutsideOfPackage("io.firstline.bus..")
                .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                        com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                                com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(io.vertx.core.eventbus.EventBus.class)))
                        .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                                com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching(
                                        "publish|send|request|consumer|localConsumer|sender|publisher"))))
                .check(CLASSES);
    }
}
