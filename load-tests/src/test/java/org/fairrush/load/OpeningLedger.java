package org.fairrush.load;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a randomized-opening run saw, member by member: who was answered ENTERED, who was then granted which voucher
 * and who NOT_SELECTED; and the checks of the published draw and the wallets against it.
 */
final class OpeningLedger {

    record Opening(long id, int stock, Instant opensAt, Instant resultAt) {

        String path() {
            return "/api/v1/campaigns/" + id;
        }
    }

    private volatile Opening opening;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Set<String> entered = ConcurrentHashMap.newKeySet();
    private final Map<String, String> voucherOfWinner = new ConcurrentHashMap<>();
    private final Set<String> notSelected = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> outcomes = new ConcurrentHashMap<>();

    void follow(Opening opening) {
        this.opening = opening;
    }

    Opening opening() {
        return opening;
    }

    void signedIn(String memberId, String token) {
        tokens.put(memberId, token);
    }

    String token(String memberId) {
        return tokens.get(memberId);
    }

    void entered(String memberId) {
        entered.add(memberId);
    }

    /** Records a result answer; emits false when the member was answered something else before (a contradiction). */
    boolean result(String memberId, String voucherId, boolean selected) {
        if (selected) {
            String before = voucherOfWinner.putIfAbsent(memberId, voucherId);
            return before == null || before.equals(voucherId) && !notSelected.contains(memberId);
        }
        notSelected.add(memberId);
        return !voucherOfWinner.containsKey(memberId);
    }

    void outcome(String name) {
        outcomes.merge(name, 1, Integer::sum);
    }

    Map<String, Integer> outcomes() {
        return Map.copyOf(outcomes);
    }

    int enteredCount() {
        return entered.size();
    }

    int winners() {
        return voucherOfWinner.size();
    }

    int notSelectedCount() {
        return notSelected.size();
    }

    List<String> winnerIds() {
        return List.copyOf(voucherOfWinner.keySet());
    }

    /**
     * Problems of the published draw against the run, empty when none: entries at most the members and exactly those
     * answered ENTERED, no member twice, winners at most the stock and exactly those answered 201.
     */
    List<String> drawProblems(String drawJson, int members) {
        JsonNode draw = Api.parse(drawJson);
        List<String> entries = StreamSupport.stream(draw.path("entries").spliterator(), false).map(JsonNode::asText).toList();
        Set<String> selected = StreamSupport.stream(draw.path("order").spliterator(), false)
                .filter(place -> place.path("selected").asBoolean()).map(place -> place.path("memberId").asText()).collect(Collectors.toSet());
        List<String> problems = new java.util.ArrayList<>();
        check(problems, "DRAWN".equals(draw.path("status").asText()), "the draw is published");
        check(problems, entries.size() <= members, "entries <= members");
        check(problems, Set.copyOf(entries).size() == entries.size(), "no member entered twice");
        check(problems, Set.copyOf(entries).equals(entered), "entries are exactly the members answered ENTERED");
        check(problems, selected.size() <= opening.stock(), "winners <= stock");
        check(problems, selected.equals(voucherOfWinner.keySet()), "winners are exactly the members answered 201");
        check(problems, java.util.Collections.disjoint(selected, notSelected), "no winner answered NOT_SELECTED");
        return problems;
    }

    /** Whether the member's wallet (GET /me/vouchers) holds the voucher the draw granted, and nothing else of this campaign. */
    boolean walletHoldsWinnersVoucherOnly(String memberId, String walletJson) {
        List<String> ofCampaign = StreamSupport.stream(Api.parse(walletJson).spliterator(), false)
                .filter(voucher -> voucher.path("campaignId").asLong() == opening.id())
                .map(voucher -> voucher.path("voucherId").asText()).toList();
        return ofCampaign.equals(List.of(voucherOfWinner.get(memberId)));
    }

    private static void check(List<String> problems, boolean holds, String invariant) {
        if (!holds) {
            problems.add(invariant);
        }
    }
}
