package org.fairrush.voucher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.voucher.CampaignRequests.NewDiscount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** Demo data of the local profile: a "spend 30, save 20" campaign whose grab window is open. */
@Component
@Profile("local")
class DemoCampaign implements ApplicationRunner {

    static final String NAME = "Demo: spend 30, save 20";
    private static final Logger log = LoggerFactory.getLogger(DemoCampaign.class);

    private final Campaigns campaigns;
    private final CampaignRepository repository;
    private final Clock clock;

    DemoCampaign(Campaigns campaigns, CampaignRepository repository, Clock clock) {
        this.campaigns = campaigns;
        this.repository = repository;
        this.clock = clock;
    }

    @Override
    public void run(ApplicationArguments args) {
        Instant now = clock.instant();
        boolean open = Boolean.TRUE.equals(repository.findPage(java.util.Optional.empty(), 500)
                .any(c -> c.name().equals(NAME) && c.grabEndsAt().isAfter(now)).block(Duration.ofSeconds(30)));
        if (open) {
            return;
        }
        var demo = new NewCampaign(NAME, 500, 1, now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(8)),
                now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(30)), new NewDiscount("AMOUNT_OFF", 2000L, 3000L), null, null);
        CampaignView created = campaigns.create(demo).block(Duration.ofSeconds(30));
        log.info("demo campaign {} '{}' open for grabs until {}", created.id(), created.name(), created.grabEndsAt());
    }
}
