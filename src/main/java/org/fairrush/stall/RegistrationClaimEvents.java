package org.fairrush.stall;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.fairrush.rush.ClaimEventTypes;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.Offers;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a registration's claim revisions mean to webhook receivers: holding a stall is registration.confirmed,
 * waiting is registration.waitlisted, offered a stall (an OFFER fair's waiting list) is registration.offered, released
 * is registration.cancelled (also when an offer was declined or expired: {@code offerOutcome} says so). A lottery fair's waiting claims as first
 * made are entries, not a waiting list: they mean nothing until the draw publishes them again (confirmed or
 * waitlisted) with a higher revision.
 */
@Component
class RegistrationClaimEvents implements ClaimEventTypes {

    static final String CONFIRMED = "registration.confirmed";
    static final String WAITLISTED = "registration.waitlisted";
    static final String CANCELLED = "registration.cancelled";
    static final String OFFERED = "registration.offered";

    private final DatabaseClient db;

    RegistrationClaimEvents(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public String kind() {
        return Fairs.KIND;
    }

    @Override
    public Set<String> types() {
        return Set.of(CONFIRMED, WAITLISTED, CANCELLED, OFFERED);
    }

    @Override
    public Mono<List<ClaimEvent>> eventsOf(List<ClaimRecorded> claims) {
        Long[] entryFairs = claims.stream().filter(RegistrationClaimEvents::mayBeLotteryEntry)
                .map(claim -> Long.valueOf(claim.scope())).distinct().toArray(Long[]::new);
        Mono<Set<Long>> lotteries = entryFairs.length == 0 ? Mono.just(Set.of())
                : db.sql("select id from fair where allocation = 'LOTTERY' and id = any(:ids)").bind("ids", entryFairs)
                        .map(row -> row.get("id", Long.class)).all().collect(java.util.stream.Collectors.toSet());
        return lotteries.map(lottery -> claims.stream()
                .filter(claim -> !(mayBeLotteryEntry(claim) && lottery.contains(Long.valueOf(claim.scope()))))
                .flatMap(claim -> event(claim).stream()).toList());
    }

    private static boolean mayBeLotteryEntry(ClaimRecorded claim) {
        return claim.waiting() && claim.revision() == 0;
    }

    private static Optional<ClaimEvent> event(ClaimRecorded claim) {
        String type = switch (claim.status()) {
            case ClaimRecorded.HELD -> CONFIRMED;
            case ClaimRecorded.WAITING -> WAITLISTED;
            case ClaimRecorded.RELEASED -> CANCELLED;
            case ClaimRecorded.OFFERED -> OFFERED;
            default -> null;
        };
        return Optional.ofNullable(type).map(named -> new ClaimEvent(ClaimEvent.idOf(claim), named, claim, data(claim)));
    }

    private static Map<String, Object> data(ClaimRecorded claim) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("registrationId", claim.eventId().toString());
        data.put("fairId", Long.valueOf(claim.scope()));
        data.put("category", claim.pool());
        data.put("merchantId", claim.actorId());
        data.put("stallNumber", claim.item());
        data.put("revision", claim.revision());
        data.put("registeredAt", claim.occurredAt().toString());
        Offers.expiresAt(claim).ifPresent(expiresAt -> data.put("offerExpiresAt", expiresAt.toString()));
        if (claim.released() && claim.attributes().containsKey(Offers.OUTCOME)) {
            data.put("offerOutcome", claim.attributes().get(Offers.OUTCOME));
        }
        return data;
    }
}
