package org.fairrush;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * The application's clock in a test that needs a moment of its choosing (midnight in a campaign's zone): the system
 * clock until {@link #freezeAt} stops it at an instant; {@link #run} lets it go again. Import {@link Configuration}.
 * Keep frozen instants within a few days of the real time: the context's background passes (retirement, sweeper)
 * read the clock too, and the test JVM's other contexts share its Redis.
 */
public final class SettableClock extends Clock {

    private final AtomicReference<Instant> frozen = new AtomicReference<>();

    public void freezeAt(Instant instant) {
        frozen.set(instant);
    }

    public void run() {
        frozen.set(null);
    }

    @Override
    public Instant instant() {
        Instant at = frozen.get();
        return at != null ? at : Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the application reads instants only");
    }

    /** Makes a {@link SettableClock} the application's clock. */
    @TestConfiguration(proxyBeanMethods = false)
    public static class Configuration {

        @Bean
        @Primary
        SettableClock settableClock() {
            return new SettableClock();
        }
    }
}
