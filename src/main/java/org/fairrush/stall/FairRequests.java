package org.fairrush.stall;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.fairrush.draw.SeedCommitment;
import org.fairrush.stall.domain.Allocation;
import org.fairrush.stall.domain.Waitlist;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.FreeText;
import org.fairrush.web.Text;

/** Request bodies of the fair API, and the rules that span several fields. */
final class FairRequests {

    private FairRequests() {
    }

    static final long MAX_CENTS = 100_000_000L;

    record NewFair(
            @NotBlank @FreeText(maxChars = 120) String name,
            @NotBlank @FreeText(maxChars = 200) String theme,
            @NotBlank @FreeText(maxChars = 200) String venue,
            @NotNull Instant startsAt,
            @NotNull Instant endsAt,
            @NotNull Instant registrationOpensAt,
            @NotNull Instant registrationClosesAt,
            @NotNull Allocation allocation,
            @NotEmpty @Size(max = 20) List<@Valid @NotNull NewCategory> categories,
            @Pattern(regexp = SeedCommitment.PATTERN, message = "must be 64 hex digits: the SHA-256 of the seed's UTF-8 bytes")
            String seedCommitment,
            @Valid NewWaitlist waitlist) {

        NewFair {
            name = Text.nfc(name);
            theme = Text.nfc(theme);
            venue = Text.nfc(venue);
        }

        /** The fair's waiting-list rule: AUTO_CONFIRM when absent; an OFFER holds for 24 hours unless told otherwise. */
        Waitlist waitlistRule() {
            if (waitlist == null || waitlist.mode() == Waitlist.Mode.AUTO_CONFIRM) {
                return Waitlist.AUTO_CONFIRM;
            }
            return Waitlist.offering(waitlist.holdFor() == null ? Waitlist.DEFAULT_HOLD : waitlist.holdFor());
        }
    }

    /**
     * How a freed stall reaches the waiting list.
     *
     * @param mode    AUTO_CONFIRM (default): the first in line holds it at once; OFFER: it is offered to the first in line
     * @param holdFor how long an offer holds (ISO-8601, e.g. "PT24H", the default; from one minute to 30 days; OFFER only)
     */
    record NewWaitlist(@NotNull Waitlist.Mode mode, java.time.Duration holdFor) {
    }

    record NewCategory(
            @NotNull @Pattern(regexp = "[A-Z][A-Z0-9]{0,11}", message = "must be 1 to 12 upper-case letters or digits") String code,
            @NotBlank @FreeText(maxChars = 120) String name,
            @NotNull @Min(1) @Max(999) Integer stalls,
            @NotNull @Min(0) @Max(MAX_CENTS) Long feeCents) {

        NewCategory {
            name = Text.nfc(name);
        }
    }

    /**
     * @param specialOffer whether the merchant sells at a special-offer price (and so pays no stall fee): true or
     *                     false, or the offer's text (e.g. "10% off for members"), which counts as true unless blank
     */
    record NewRegistration(
            @NotBlank @Size(max = 20) String category,
            @NotBlank @FreeText(maxChars = 120) String merchantName,
            Object specialOffer) {

        NewRegistration {
            merchantName = Text.nfc(merchantName);
        }

        /** Empty when {@code specialOffer} is neither a boolean nor a text. */
        java.util.Optional<Boolean> sellsAtSpecialOffer() {
            if (specialOffer == null) {
                return java.util.Optional.of(false);
            }
            if (specialOffer instanceof Boolean flag) {
                return java.util.Optional.of(flag);
            }
            if (specialOffer instanceof String text) {
                return java.util.Optional.of(!text.isBlank() && !"false".equalsIgnoreCase(text.strip()));
            }
            return java.util.Optional.empty();
        }
    }

    /** A lottery's seed commitment, set or replaced until registration closes. */
    record NewSeedCommitment(
            @NotNull @Pattern(regexp = SeedCommitment.PATTERN, message = "must be 64 hex digits: the SHA-256 of the seed's UTF-8 bytes")
            String seedCommitment) {
    }

    /** The seed is hashed and published as typed (after NFC), so anyone can recompute the draw from it. */
    record NewDraw(@NotBlank @FreeText(maxChars = 200) String seed) {

        NewDraw {
            seed = Text.nfc(seed);
        }
    }

    record RuleBroken(String field, String message) {
    }

    /** The rules no single field can check: dates in order, a window not over yet, distinct category codes. */
    static List<RuleBroken> brokenRules(NewFair fair, Instant now) {
        List<RuleBroken> broken = new ArrayList<>();
        if (!fair.startsAt().isBefore(fair.endsAt())) {
            broken.add(new RuleBroken("endsAt", "must be after startsAt"));
        }
        if (!fair.registrationOpensAt().isBefore(fair.registrationClosesAt())) {
            broken.add(new RuleBroken("registrationClosesAt", "must be after registrationOpensAt"));
        }
        if (!fair.registrationClosesAt().isAfter(now)) {
            broken.add(new RuleBroken("registrationClosesAt", "must be in the future"));
        }
        if (fair.registrationClosesAt().isAfter(fair.startsAt())) {
            broken.add(new RuleBroken("registrationClosesAt", "must not be after startsAt"));
        }
        brokenWaitlistRule(fair.waitlist()).ifPresent(broken::add);
        if (fair.seedCommitment() != null && fair.allocation() != Allocation.LOTTERY) {
            broken.add(new RuleBroken("seedCommitment", "only a lottery fair has a seed to commit to"));
        }
        Set<String> codes = new HashSet<>();
        for (NewCategory category : fair.categories()) {
            if (category != null && category.code() != null && !codes.add(category.code())) {
                broken.add(new RuleBroken("categories", "code " + category.code() + " appears twice"));
            }
        }
        return broken;
    }

    private static java.util.Optional<RuleBroken> brokenWaitlistRule(NewWaitlist waitlist) {
        if (waitlist == null || waitlist.holdFor() == null || waitlist.mode() == null) {
            return java.util.Optional.empty();
        }
        if (waitlist.mode() != Waitlist.Mode.OFFER) {
            return java.util.Optional.of(new RuleBroken("waitlist.holdFor", "only an OFFER waiting list holds offers"));
        }
        if (waitlist.holdFor().compareTo(Waitlist.SHORTEST_HOLD) < 0 || waitlist.holdFor().compareTo(Waitlist.LONGEST_HOLD) > 0) {
            return java.util.Optional.of(new RuleBroken("waitlist.holdFor", "must be from PT1M to P30D"));
        }
        return java.util.Optional.empty();
    }

    static ApiProblem invalid(List<RuleBroken> broken) {
        return ApiProblem.invalid(broken.stream().map(rule -> new ApiProblem.InvalidField(rule.field(), rule.message())).toList());
    }

    static ApiProblem invalid(String field, String message) {
        return ApiProblem.invalid(field, message);
    }
}
