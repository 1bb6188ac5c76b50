package org.fairrush.rush;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** lease.lua and lease-release.lua on a real Redis: one owner at a time, renewed and released only by its owner. */
class LeasesTest {

    private static final Duration TTL = Duration.ofSeconds(30);

    private final RedisFixture fixture = RedisFixture.create();
    private final Leases first = new Leases(fixture.redis, "instance-1");
    private final Leases second = new Leases(fixture.redis, "instance-2");
    private final String key = fixture.properties.keyPrefix() + ":{lease-test}:lease";

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aFreeLeaseIsTaken() {
        assertThat(first.hold(key, TTL).block()).isTrue();
        assertThat(fixture.redis.opsForValue().get(key).block()).isEqualTo("instance-1");
    }

    @Test
    void aHeldLeaseIsRefusedToAnother() {
        first.hold(key, TTL).block();

        assertThat(second.hold(key, TTL).block()).isFalse();
        assertThat(fixture.redis.opsForValue().get(key).block()).isEqualTo("instance-1");
    }

    @Test
    void theOwnerRenewsItsLease() {
        first.hold(key, Duration.ofSeconds(2)).block();

        assertThat(first.hold(key, TTL).block()).isTrue();
        assertThat(fixture.redis.getExpire(key).block()).isGreaterThan(Duration.ofSeconds(2));
    }

    @Test
    void onlyTheOwnerReleasesIt() {
        first.hold(key, TTL).block();

        assertThat(second.release(key).block()).isFalse();
        assertThat(first.release(key).block()).isTrue();
        assertThat(second.hold(key, TTL).block()).isTrue();
    }
}
