package org.fairrush.rush.persist;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.Invariants;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.RushProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Poison records do not block their partition: an unreadable record and a claim the database refuses for
 * good go to the dead-letter topic with the reason, and the claims behind them are stored.
 */
@FairrushTest
class DeadLetterTest {

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ClaimPublisher publisher;
    @Autowired
    RushProperties properties;
    @Value("${spring.kafka.bootstrap-servers}")
    String bootstrapServers;

    @Test
    void setsPoisonAsideAndStoresTheClaimsBehindIt() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 1));
        String scopeKey = "c:" + campaignId;
        try (var producer = new KafkaProducer<String, String>(producerConfig())) {
            producer.send(new ProducerRecord<>(properties.topicPrefix() + "voucher-claims", scopeKey, "{not json")).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        ClaimRecorded orphan = new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), "c",
                "987654321", "", "member-x", null, 1, ClaimRecorded.HELD, Map.of("code", "987654321-AAAA-BBBB-CCCC"));
        publisher.publish(orphan).block();
        String behind = (String) new Api(http).grabbed("member-behind", campaignId).get("voucherId");

        Invariants.assertCampaignHolds(http, db, campaignId, 10, 1, List.of(behind));
        List<ConsumerRecord<String, String>> letters = deadLetters(read -> read.size() >= 2);
        assertThat(letters).anySatisfy(letter -> {
            assertThat(letter.value()).isEqualTo("{not json");
            assertThat(reason(letter)).startsWith("unreadable");
        });
        assertThat(letters).anySatisfy(letter -> {
            assertThat(letter.value()).contains(orphan.eventId().toString());
            assertThat(reason(letter)).startsWith("refused by the database");
        });
    }

    /**
     * Exactly once within and across batches: a claim delivered twice in one burst (one batch, or on a slow machine a
     * few) and again later is stored once, while a claim the database refuses for good amid the batch is set aside.
     */
    @Test
    void storesAClaimDeliveredTwiceOnceAndSetsThePoisonAmidItsBatchAside() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 1));
        ClaimRecorded twice = claim(Long.toString(campaignId), "member-twice", campaignId + "-AAAA-BBBB-0001");
        ClaimRecorded after = claim(Long.toString(campaignId), "member-after", campaignId + "-AAAA-BBBB-0002");
        // Its campaign does not exist: the voucher's foreign key refuses it for good.
        ClaimRecorded orphan = claim("987654322", "member-orphan", "987654322-AAAA-BBBB-0003");

        Flux.just(twice, twice, orphan, after).concatMap(publisher::publish).blockLast(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(after.eventId()) == 1);

        ClaimRecorded last = claim(Long.toString(campaignId), "member-last", campaignId + "-AAAA-BBBB-0004");
        Flux.just(twice, last).concatMap(publisher::publish).blockLast(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(last.eventId()) == 1);

        assertThat(stored(twice.eventId())).isEqualTo(1);
        assertThat(stored(after.eventId())).isEqualTo(1);
        assertThat(stored(orphan.eventId())).isZero();
        assertThat(db.sql("select count(*) from voucher where campaign_id = :c").bind("c", campaignId)
                .map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(10))).isEqualTo(3);
        String orphanId = orphan.eventId().toString();
        List<ConsumerRecord<String, String>> letters = deadLetters(read -> read.stream().anyMatch(letter -> letter.value().contains(orphanId)));
        assertThat(letters).filteredOn(letter -> letter.value().contains(orphanId))
                .first().satisfies(letter -> assertThat(reason(letter)).startsWith("refused by the database"));
    }

    private static ClaimRecorded claim(String campaign, String member, String code) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), Instant.now().truncatedTo(ChronoUnit.MICROS), "c",
                campaign, "", member, null, 1, ClaimRecorded.HELD, Map.of("code", code));
    }

    private long stored(UUID id) {
        return db.sql("select count(*) from voucher where id = :id").bind("id", id)
                .map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(10));
    }

    private Properties producerConfig() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return config;
    }

    /** The dead letters read from the start of the topic until {@code enough} says so (at most 30 s). */
    private List<ConsumerRecord<String, String>> deadLetters(Predicate<List<ConsumerRecord<String, String>>> enough) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-reader-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> letters = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(config)) {
            consumer.subscribe(List.of(properties.topicPrefix() + "dead-letters"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(letters::add);
                return enough.test(letters);
            });
        }
        return letters;
    }

    private static String reason(ConsumerRecord<String, String> letter) {
        return new String(letter.headers().lastHeader("fairrush-reason").value());
    }
}
