package org.fairrush.stall;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.fairrush.stall.FairRequests.NewCategory;
import org.fairrush.stall.FairRequests.NewFair;
import org.fairrush.stall.domain.Allocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** Demo data of the local profile: a first-come fair with three categories whose registration opens at start-up. */
@Component
@Profile("local")
class DemoFair implements ApplicationRunner {

    static final String NAME = "Demo: Union Spring Fair";
    private static final Logger log = LoggerFactory.getLogger(DemoFair.class);

    private final Fairs fairs;
    private final FairRepository repository;
    private final Clock clock;

    DemoFair(Fairs fairs, FairRepository repository, Clock clock) {
        this.fairs = fairs;
        this.repository = repository;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        Instant now = clock.instant();
        boolean open = Boolean.TRUE.equals(repository.findPage(java.util.Optional.empty(), 200)
                .any(f -> f.name().equals(NAME) && f.registrationClosesAt().isAfter(now)).block(Duration.ofSeconds(30)));
        if (open) {
            return;
        }
        var demo = new NewFair(NAME, "Good food, local crafts and services for members", "Workers' Cultural Palace, East Square",
                now.plus(Duration.ofDays(14)), now.plus(Duration.ofDays(15)), now, now.plus(Duration.ofDays(7)),
                Allocation.FIRST_COME, List.of(
                        new NewCategory("FOOD", "Food and local specialties", 12, 15_000L),
                        new NewCategory("CRAFT", "Crafts and trendy toys", 10, 10_000L),
                        new NewCategory("SERVICE", "Legal aid, counselling, health checks, job recruitment", 8, 0L)), null, null);
        FairView created = fairs.create(demo).block(Duration.ofSeconds(30));
        log.info("demo fair {} '{}' open for registration until {}", created.id(), created.name(), created.registrationClosesAt());
    }
}
