package org.fairrush.stall;

import java.time.Instant;
import java.util.List;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.WatchedPools.WatchedPool;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An open fair's categories are watched (dashboard and per-pool metrics), each with its stalls and those held. */
@FairrushTest
class FairWatchTest {

    @Autowired
    WebTestClient http;
    @Autowired
    FairWatch watch;
    @LocalServerPort
    int port;

    @Test
    void watchesEveryCategoryOfAnOpenFairWithTheStallsHeld() {
        FairApi api = new FairApi(http, port);
        long fairId = api.createFair(Fixtures.openFair("FIRST_COME",
                List.of(Fixtures.fairCategory("FOOD", 2, 15000), Fixtures.fairCategory("CRAFT", 3, 8000))));
        api.registerNow(fairId, "watched-noodles", Fixtures.registration("FOOD", "Noodles", false));

        await().untilAsserted(() -> {
            List<WatchedPool> pools = watch.watched(Instant.now(), 500)
                    .filter(pool -> pool.ref().scope().equals(Long.toString(fairId))).collectList().block();
            assertThat(pools).extracting(pool -> pool.ref().pool(), WatchedPool::stock, WatchedPool::stored)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("FOOD", 2L, 1L), org.assertj.core.groups.Tuple.tuple("CRAFT", 3L, 0L));
        });
        assertThat(watch.group()).isEqualTo("Fairs");
    }
}
