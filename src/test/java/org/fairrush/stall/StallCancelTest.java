package org.fairrush.stall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.stall.FairApi.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cancelling a registration: the stall goes at once to the first merchant waiting in its category. */
@FairrushTest
class StallCancelTest {

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient db;

    @LocalServerPort
    int port;

    FairApi api;

    @BeforeEach
    void setUp() {
        api = new FairApi(http, port);
    }

    private long foodFair(int stalls) {
        return api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", stalls, 15_000))));
    }

    private record Registered(String merchant, Answer answer) {

        String id() {
            return answer.registrationId();
        }

        String token() {
            return Fixtures.merchantToken(merchant);
        }
    }

    private Registered register(long fairId, String prefix, int i) {
        String merchant = FairApi.merchant(prefix, i);
        return new Registered(merchant, api.registerNow(fairId, merchant, Fixtures.registration("FOOD", "Stall " + i, false)));
    }

    @Test
    void cancellingHandsTheStallToTheFirstWaitingMerchant() {
        long fairId = foodFair(2);
        Registered first = register(fairId, "holder", 1);
        register(fairId, "holder", 2);
        Registered next = register(fairId, "waiter", 1);
        Registered after = register(fairId, "waiter", 2);
        assertThat(next.answer().body()).containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 1);
        assertThat(after.answer().body()).containsEntry("waitlistPosition", 2);

        assertThat(api.cancel(fairId, first.id(), first.token()).block()).isEqualTo(204);

        assertThat(api.registration(fairId, next.id(), next.token()))
                .containsEntry("status", "CONFIRMED").containsEntry("stallNumber", "FOOD-01");
        assertThat(api.registration(fairId, after.id(), after.token()))
                .containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 1);
        assertThat(api.registration(fairId, first.id(), first.token())).containsEntry("status", "CANCELLED");
        assertThat(category(fairId)).containsEntry("stallsLeft", 0).containsEntry("waiting", 1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(statusesInPostgres(fairId))
                .containsEntry(first.id(), "CANCELLED").containsEntry(next.id(), "CONFIRMED").containsEntry(after.id(), "WAITLISTED"));
    }

    @Test
    void aStallCancelledWithNobodyWaitingGoesToTheNextMerchant() {
        long fairId = foodFair(1);
        Registered first = register(fairId, "alone", 1);
        api.cancel(fairId, first.id(), first.token()).block();
        assertThat(category(fairId)).containsEntry("stallsLeft", 1);

        Registered next = register(fairId, "alone", 2);

        assertThat(next.answer().body()).containsEntry("status", "CONFIRMED").containsEntry("stallNumber", "FOOD-01");
    }

    @Test
    void anAdminMayCancelAndAnotherMerchantMayNot() {
        long fairId = foodFair(1);
        Registered holder = register(fairId, "owner", 1);

        assertThat(api.cancel(fairId, holder.id(), Fixtures.merchantToken("someone-else")).block()).isEqualTo(403);
        assertThat(api.registration(fairId, holder.id(), holder.token())).containsEntry("status", "CONFIRMED");
        assertThat(api.cancel(fairId, holder.id(), Fixtures.adminToken()).block()).isEqualTo(204);
        assertThat(api.registration(fairId, holder.id(), Fixtures.adminToken())).containsEntry("status", "CANCELLED");
    }

    @Test
    void cancellingTwiceChangesNothingTheSecondTime() {
        long fairId = foodFair(1);
        Registered holder = register(fairId, "twice", 1);
        Registered waiter = register(fairId, "twice", 2);
        Registered later = register(fairId, "twice", 3);
        api.cancel(fairId, holder.id(), holder.token()).block();

        assertThat(api.cancel(fairId, holder.id(), holder.token()).block()).isEqualTo(204);

        assertThat(api.registration(fairId, waiter.id(), waiter.token())).containsEntry("stallNumber", "FOOD-01");
        assertThat(api.registration(fairId, later.id(), later.token())).containsEntry("status", "WAITLISTED");
    }

    @Test
    void aMerchantWhoCancelledMayRegisterAgainAtTheEndOfTheWaitingList() {
        long fairId = foodFair(1);
        Registered holder = register(fairId, "again", 1);
        register(fairId, "again", 2);
        api.cancel(fairId, holder.id(), holder.token()).block();

        Answer again = api.registerNow(fairId, holder.merchant(), Fixtures.registration("FOOD", "Back again", false));

        assertThat(again.body()).containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(statusesInPostgres(fairId))
                .containsEntry(holder.id(), "CANCELLED").containsEntry(again.registrationId(), "WAITLISTED"));
    }

    /**
     * Six holders and two of six waiting merchants cancel while ten newcomers register, all at once: at every
     * end state each stall has one holder, no stall is free while someone waits, and the four waiting merchants
     * who stayed (ahead of every newcomer) hold stalls.
     */
    @Test
    void cancellationsRacingNewRegistrationsNeverLeaveAStallDoubleHeldOrFreeWhileSomeoneWaits() {
        long fairId = foodFair(6);
        List<Registered> holders = IntStream.range(0, 6).mapToObj(i -> register(fairId, "held", i)).toList();
        List<Registered> waiters = IntStream.range(0, 6).mapToObj(i -> register(fairId, "queued", i)).toList();
        assertThat(waiters).allMatch(w -> w.answer().registrationStatus().equals("WAITLISTED"));
        List<Registered> leaving = new ArrayList<>(holders);
        leaving.add(waiters.get(1));
        leaving.add(waiters.get(4));
        List<Registered> staying = List.of(waiters.get(0), waiters.get(2), waiters.get(3), waiters.get(5));

        List<Mono<?>> race = new ArrayList<>();
        IntStream.range(0, leaving.size()).forEach(i -> race.add(api.cancel(fairId, leaving.get(i).id(),
                i % 3 == 0 ? Fixtures.adminToken() : leaving.get(i).token())));
        List<String> newcomers = IntStream.range(0, 10).mapToObj(i -> FairApi.merchant("newcomer", i)).toList();
        List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        holders.forEach(r -> ids.add(r.id()));
        waiters.forEach(r -> ids.add(r.id()));
        newcomers.forEach(m -> race.add(api.register(fairId, m, Fixtures.idempotencyKey(), Fixtures.registration("FOOD", m, true))
                .doOnNext(answer -> ids.add(answer.registrationId()))));
        Collections.shuffle(race, new Random(11));
        Flux.fromIterable(race).flatMap(call -> call, race.size()).blockLast(Duration.ofSeconds(60));

        assertThat(ids).hasSize(22).doesNotHaveDuplicates();
        List<Map<String, Object>> live = ids.stream().map(id -> api.registration(fairId, id, Fixtures.adminToken())).toList();
        List<Map<String, Object>> confirmed = live.stream().filter(r -> r.get("status").equals("CONFIRMED")).toList();
        Map<String, Object> food = category(fairId);
        int stallsLeft = ((Number) food.get("stallsLeft")).intValue();
        int waiting = ((Number) food.get("waiting")).intValue();
        assertThat(confirmed.stream().map(r -> r.get("stallNumber")).collect(Collectors.toSet())).hasSize(confirmed.size());
        assertThat(confirmed.size() + stallsLeft).isEqualTo(6);
        assertThat(waiting).isEqualTo(4 + 10 - confirmed.size() + stallsLeft);
        if (waiting > 0) {
            assertThat(stallsLeft).isZero();
        }
        assertThat(staying).allSatisfy(w -> assertThat(api.registration(fairId, w.id(), w.token())).containsEntry("status", "CONFIRMED"));
        assertThat(live.stream().filter(r -> r.get("status").equals("WAITLISTED")).map(r -> ((Number) r.get("waitlistPosition")).intValue()))
                .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, waiting).boxed().toList());

        Map<String, String> liveStatuses = live.stream().collect(Collectors.toMap(r -> (String) r.get("registrationId"), r -> (String) r.get("status")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(statusesInPostgres(fairId)).isEqualTo(liveStatuses));
        assertThat(heldStallsInPostgres(fairId)).doesNotHaveDuplicates().hasSize(confirmed.size());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.reconciliation(fairId)).singleElement()
                .satisfies(pool -> assertThat(pool).containsEntry("ok", true).containsEntry("difference", 0)));
    }

    private Map<String, Object> category(long fairId) {
        return ((List<Map<String, Object>>) api.fair(fairId).get("categories")).get(0);
    }

    /** Registration id -> status as the organisers' list (read from Postgres) shows it. */
    private Map<String, String> statusesInPostgres(long fairId) {
        return api.registrations(fairId).stream()
                .collect(Collectors.toMap(r -> (String) r.get("registrationId"), r -> (String) r.get("status")));
    }

    private List<String> heldStallsInPostgres(long fairId) {
        return db.sql("select stall_number from registration where fair_id = :fair and status = 'HELD'").bind("fair", fairId)
                .map(row -> row.get("stall_number", String.class)).all().collectList().block();
    }
}
