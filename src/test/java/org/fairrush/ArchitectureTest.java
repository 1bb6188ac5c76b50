package org.fairrush;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The package rules of docs/design.md section 9, kept by the build: the engine knows no feature, the features never
 * reach into each other, and only ops reads across them. A class that breaks one fails here with the offending
 * dependency named.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.fairrush");

    private static void assertHolds(ArchRule rule) {
        rule.check(MAIN);
    }

    @Test
    void theEngineKnowsNoFeature() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.rush..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.voucher..", "org.fairrush.stall..",
                        "org.fairrush.web..", "org.fairrush.ops.."));
    }

    /**
     * The engine's face (org.fairrush.rush: its parts, values and ports) knows none of its Kafka adapters, its persister
     * or its background jobs: they depend on the face, never the other way round, and only the wiring sees both.
     *
     * <p>Not so for the Lua script adapters (rush.lua), on purpose for now: the face's parts (Claims, ChangeOutbox,
     * PoolRegistry, PoolQueries) are Redis code themselves. Besides the scripts they read and write Redis through the
     * template (hashes, sorted sets, pub/sub) under the key layout of {@code PoolKeys}, which PoolRegistry hands to the
     * jobs. Ports for the scripts alone would leave the face on Redis and PoolKeys all the same; the cheap half that
     * holds is {@link #theScriptAdaptersKnowOnlyTheFacesValuesAndPorts}. Moving the face's Redis reads into rush.lua
     * behind ports is the next step (docs/design.md section 9).
     */
    @Test
    void theEngineFaceKnowsNoAdapter() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.rush").and().doNotHaveSimpleName("RushConfiguration")
                .and().doNotHaveSimpleName("RushJobsConfiguration")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.rush.kafka..", "org.fairrush.rush.persist..",
                        "org.fairrush.rush.recovery.."));
    }

    /** The script adapters see the face's values and ports (PoolRef, ClaimRecorded, ClaimCodec, ...), never its parts. */
    @Test
    void theScriptAdaptersKnowOnlyTheFacesValuesAndPorts() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.rush.lua..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.Claims")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.ChangeOutbox")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.PoolRegistry")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.PoolQueries")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.SoldOutBoard")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.Leases")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.RushProperties")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.RushConfiguration")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.fairrush.rush.RushJobsConfiguration"));
    }

    @Test
    void theEngineAdaptersKnowNoneOfItsJobs() {
        assertHolds(noClasses().that().resideInAnyPackage("org.fairrush.rush.lua..", "org.fairrush.rush.kafka..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.rush.persist..", "org.fairrush.rush.recovery.."));
    }

    @Test
    void vouchersNeverReachIntoStalls() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.voucher..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.stall..", "org.fairrush.ops.."));
    }

    @Test
    void stallsNeverReachIntoVouchers() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.stall..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.voucher..", "org.fairrush.ops.."));
    }

    @Test
    void theCrossCuttingWebLayerKnowsNoFeature() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.web..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.voucher..", "org.fairrush.stall..",
                        "org.fairrush.ops..", "org.fairrush.report.."));
    }

    @Test
    void reportsReadPostgresAndCallNoFeature() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.report..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.voucher..", "org.fairrush.stall..",
                        "org.fairrush.rush..", "org.fairrush.ops..", "org.fairrush.webhook.."));
    }

    @Test
    void noFeatureReachesIntoReports() {
        assertHolds(noClasses().that().resideInAnyPackage("org.fairrush.rush..", "org.fairrush.voucher..", "org.fairrush.stall..")
                .should().dependOnClassesThat().resideInAPackage("org.fairrush.report.."));
    }

    @Test
    void theEngineFaceDoesNotDependOnRedisOrKafkaTypesInItsOutcomes() {
        assertHolds(noClasses().that().haveSimpleNameEndingWith("Outcome").and().resideInAPackage("org.fairrush..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.lettuce..", "org.apache.kafka..",
                        "reactor.."));
    }

    @Test
    void pureRulesImportNoFramework() {
        assertHolds(noClasses().that().resideInAnyPackage("org.fairrush.stall.domain..", "org.fairrush.voucher.domain..")
                .or().haveFullyQualifiedName("org.fairrush.web.Text")
                .or().haveFullyQualifiedName("org.fairrush.rush.DailyQuota")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.lettuce..", "org.apache.kafka..",
                        "reactor..", "io.r2dbc..", "tools.jackson..", "com.fasterxml..", "io.micrometer.."));
    }

    @Test
    void aFeaturesDomainKnowsNothingOfItsApplicationOrWebLayer() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.stall.domain..")
                .should().dependOnClassesThat().resideInAPackage("org.fairrush.stall"));
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.voucher.domain..")
                .should().dependOnClassesThat().resideInAPackage("org.fairrush.voucher"));
    }

    @Test
    void theSharedDrawAlgorithmIsPureAndKnowsNoFeature() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.draw..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.rush..", "org.fairrush.voucher..", "org.fairrush.stall..",
                        "org.fairrush.web..", "org.fairrush.ops..", "org.fairrush.webhook..", "org.springframework..", "io.lettuce..",
                        "org.apache.kafka..", "reactor..", "io.r2dbc.."));
    }

    @Test
    void webhooksKnowOnlyTheEngineAndTheWebLayer() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.webhook..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.voucher..", "org.fairrush.stall..",
                        "org.fairrush.ops.."));
    }

    /** The event outbox is written by features and read by webhooks, and knows neither (docs/design.md section 11, note 37). */
    @Test
    void theEventOutboxKnowsNoFeatureAndNoReader() {
        assertHolds(noClasses().that().resideInAPackage("org.fairrush.outbox..")
                .should().dependOnClassesThat().resideInAnyPackage("org.fairrush.rush..", "org.fairrush.voucher..", "org.fairrush.stall..",
                        "org.fairrush.web..", "org.fairrush.ops..", "org.fairrush.report..", "org.fairrush.webhook.."));
    }

    @Test
    void nothingReachesIntoWebhooks() {
        assertHolds(noClasses().that().resideInAnyPackage("org.fairrush.rush..", "org.fairrush.voucher..", "org.fairrush.stall..",
                        "org.fairrush.web..")
                .should().dependOnClassesThat().resideInAPackage("org.fairrush.webhook.."));
    }
}
