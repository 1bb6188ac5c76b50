package org.fairrush.stall;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.ClaimEventTypes.ClaimEvent;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.Offers;
import org.fairrush.stall.FairRequests.NewCategory;
import org.fairrush.stall.FairRequests.NewFair;
import org.fairrush.stall.FairRequests.NewWaitlist;
import org.fairrush.stall.domain.Allocation;
import org.fairrush.stall.domain.Waitlist;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A fair's waiting-list rule as requested, and what an offer means to webhook receivers: plain units, no server. */
class WaitlistRuleTest {

    private static final Instant NOW = Instant.parse("2030-05-01T02:00:00Z");

    private static NewFair fair(NewWaitlist waitlist) {
        return new NewFair("Fair", "Theme", "Venue", NOW.plus(Duration.ofDays(7)), NOW.plus(Duration.ofDays(8)), NOW,
                NOW.plus(Duration.ofDays(1)), Allocation.FIRST_COME, List.of(new NewCategory("FOOD", "Food", 2, 100L)), null, waitlist);
    }

    @Test
    void aFairWithoutWaitlistConfirmsAtOnce() {
        assertThat(fair(null).waitlistRule()).isEqualTo(Waitlist.AUTO_CONFIRM);
        assertThat(FairRequests.brokenRules(fair(null), NOW)).isEmpty();
    }

    @Test
    void anOfferHoldsForADayUnlessToldOtherwise() {
        assertThat(fair(new NewWaitlist(Waitlist.Mode.OFFER, null)).waitlistRule()).isEqualTo(Waitlist.offering(Duration.ofHours(24)));
        assertThat(fair(new NewWaitlist(Waitlist.Mode.OFFER, Duration.ofHours(2))).waitlistRule().holdFor()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void refusesAHoldOutsideAMinuteToThirtyDaysOrWithoutOffers() {
        assertThat(FairRequests.brokenRules(fair(new NewWaitlist(Waitlist.Mode.OFFER, Duration.ofSeconds(59))), NOW))
                .extracting(FairRequests.RuleBroken::field).containsExactly("waitlist.holdFor");
        assertThat(FairRequests.brokenRules(fair(new NewWaitlist(Waitlist.Mode.OFFER, Duration.ofDays(30).plusSeconds(1))), NOW))
                .extracting(FairRequests.RuleBroken::field).containsExactly("waitlist.holdFor");
        assertThat(FairRequests.brokenRules(fair(new NewWaitlist(Waitlist.Mode.AUTO_CONFIRM, Duration.ofHours(1))), NOW))
                .extracting(FairRequests.RuleBroken::field).containsExactly("waitlist.holdFor");
        assertThat(FairRequests.brokenRules(fair(new NewWaitlist(Waitlist.Mode.OFFER, Duration.ofMinutes(1))), NOW)).isEmpty();
    }

    @Test
    void anOfferedRegistrationIsSentAsRegistrationOfferedWithItsEnd() {
        Instant ends = NOW.plus(Duration.ofHours(24));
        ClaimRecorded offered = claim(ClaimRecorded.OFFERED, Map.of(Offers.EXPIRES_AT, Long.toString(ends.toEpochMilli())));

        List<ClaimEvent> events = new RegistrationClaimEvents(null).eventsOf(List.of(offered)).block();

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("registration.offered");
            assertThat(event.data()).containsEntry("stallNumber", "FOOD-01").containsEntry("offerExpiresAt", ends.toString());
        });
    }

    @Test
    void anExpiredOfferIsSentAsACancellationWithItsOutcome() {
        ClaimRecorded expired = claim(ClaimRecorded.RELEASED, Map.of(Offers.OUTCOME, Offers.EXPIRED));

        List<ClaimEvent> events = new RegistrationClaimEvents(null).eventsOf(List.of(expired)).block();

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("registration.cancelled");
            assertThat(event.data()).containsEntry("offerOutcome", "EXPIRED");
        });
    }

    private static ClaimRecorded claim(String status, Map<String, String> offer) {
        Map<String, String> attributes = new java.util.HashMap<>(Registering.attributes("Noodles", false, 100));
        attributes.putAll(offer);
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), NOW, Fairs.KIND, "7", "FOOD", "m-1", "FOOD-01", 1,
                status, attributes, 2);
    }
}
