package io.firstline;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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
    @DisplayName("only store/ knows jOOQ, JDBC pools and migrations")
    void sqlOnlyInStore() {
        noClasses().that().resideOutsideOfPackage("io.firstline.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.jooq..", "com.zaxxer.hikari..", "org.flywaydb..",
                        "ch.vorburger..", "java.sql..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("only web/ knows HTTP and the router (the load run is a client of it, like the tests)")
    void httpOnlyInWeb() {
        noClasses().that().resideOutsideOfPackages("io.firstline.web..", "io.firstline", "io.firstline.load..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.vertx.core.http..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("the call model does no I/O: no database, no Vert.x, no Asterisk")
    void callsArePureLogic() {
        noClasses().that().resideInAPackage("io.firstline.calls..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.jooq..", "java.sql..",
                        "org.asteriskjava..", "io.firstline.store..", "io.firstline.web..", "io.firstline.telephony..")
                .allowEmptyShould(true)
                .check(CLASSES);
    }

    @Test
    @DisplayName("the KPI definitions are pure: the board and the reports feed them the same facts")
    void kpisArePureLogic() {
        noClasses().that().resideInAPackage("io.firstline.kpi..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "org.jooq..", "java.sql..",
                        "org.asteriskjava..", "io.firstline.store..", "io.firstline.web..", "io.firstline.telephony..",
                        "io.firstline.board..", "io.firstline.desk..")
                .check(CLASSES);
    }

    @Test
    @DisplayName("the database layer does not reach up into the web or telephony layers")
    void storeIsALeaf() {
        noClasses().that().resideInAPackage("io.firstline.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.firstline.web..", "io.firstline.telephony..",
                        "io.firstline.desk..", "io.firstline.board..")
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
