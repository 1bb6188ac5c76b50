package org.fairrush.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one run saw of one campaign: every voucher answered 201, who got it, each member's token, and
 * the redemptions. The checks after the run compare it with what the service says.
 */
final class VoucherLedger {

    record Voucher(String voucherId, String code, String memberId) {
    }

    private volatile Api.CampaignRef campaign;
    private final Map<String, Voucher> granted = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> vouchersByMember = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Queue<Voucher> toRedeem = new ConcurrentLinkedQueue<>();
    private final Map<String, Set<String>> redemptionsByCode = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> refundsByCode = new ConcurrentHashMap<>();
    private final Map<String, Long> orderByRedemption = new ConcurrentHashMap<>();
    private final Queue<Voucher> returning = new ConcurrentLinkedQueue<>();
    private final List<Object> gaveUp = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

    /** The campaign this ledger follows; set in the simulation's before(), once the campaign exists. */
    void follow(Api.CampaignRef campaign) {
        this.campaign = campaign;
    }

    Api.CampaignRef campaign() {
        return campaign;
    }

    void signedIn(String memberId, String token) {
        tokens.put(memberId, token);
    }

    String token(String memberId) {
        return tokens.get(memberId);
    }

    void granted(String memberId, String voucherId, String code) {
        Voucher voucher = new Voucher(voucherId, code, memberId);
        if (granted.putIfAbsent(voucherId, voucher) == null) {
            toRedeem.add(voucher);
        }
        vouchersByMember.computeIfAbsent(memberId, m -> ConcurrentHashMap.newKeySet()).add(voucherId);
    }

    /** A member's grab that was still answered 503 BUSY after the last attempt: the key may hide a claim. */
    void gaveUp(String memberId, String idempotencyKey) {
        gaveUp.add(memberId + "\n" + idempotencyKey);
    }

    /** The grabs given up on, "member\nkey" each (verify asks again with each key). */
    List<Object> gaveUp() {
        return List.copyOf(gaveUp);
    }

    /** Counts a final outcome of one grab (after retries): 201, SOLD_OUT, LIMIT_REACHED, GAVE_UP_BUSY ... */
    void outcome(String name) {
        outcomes.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }

    Map<String, Long> outcomes() {
        return outcomes.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    /** The next voucher a customer brings to a till, or null when every granted voucher has been handed out. */
    Voucher nextToRedeem() {
        return toRedeem.poll();
    }

    void redeemed(String code, String redemptionId, long orderAmountCents) {
        redemptionsByCode.computeIfAbsent(code, c -> ConcurrentHashMap.newKeySet()).add(redemptionId);
        orderByRedemption.put(redemptionId, orderAmountCents);
    }

    /** A refund answered 200 (not a replay's answer: the same redemption id counts once). */
    void refunded(String code, String redemptionId) {
        refundsByCode.computeIfAbsent(code, c -> ConcurrentHashMap.newKeySet()).add(redemptionId);
    }

    /** The customer of a voucher whose redemption is being refunded comes back to a till (racing the refund). */
    void comesBack(String code) {
        granted.values().stream().filter(v -> v.code().equals(code)).findFirst().ifPresent(returning::add);
    }

    /** The next customer coming back with a refunded voucher, or null. */
    Voucher nextReturning() {
        return returning.poll();
    }

    /** Redemptions answered 201, each counted once, refunded or not. */
    long redemptionCount() {
        return redemptionsByCode.values().stream().mapToLong(Set::size).sum();
    }

    long refundCount() {
        return refundsByCode.values().stream().mapToLong(Set::size).sum();
    }

    /** The order amounts of the redemptions that stand (not refunded). */
    long standingOrderCents() {
        return orderByRedemption.entrySet().stream()
                .filter(e -> refundsByCode.values().stream().noneMatch(refunds -> refunds.contains(e.getKey())))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** Redemptions that stand: each voucher's redemptions less its refunds. */
    long standingCount() {
        return redemptionCount() - refundCount();
    }

    /**
     * Voucher codes redeemed twice without a refund between: more 201 redemptions than refunds + 1, or a refund of a
     * redemption this run never saw. Must stay empty.
     */
    List<String> redeemedTwiceWithoutRefund() {
        List<String> broken = new ArrayList<>();
        redemptionsByCode.forEach((code, redemptions) -> {
            Set<String> refunds = refundsByCode.getOrDefault(code, Set.of());
            if (redemptions.size() > refunds.size() + 1 || !redemptions.containsAll(refunds)) {
                broken.add(code);
            }
        });
        refundsByCode.keySet().stream().filter(code -> !redemptionsByCode.containsKey(code)).forEach(broken::add);
        Collections.sort(broken);
        return broken;
    }

    int distinctGranted() {
        return granted.size();
    }

    int mostVouchersOfOneMember() {
        return vouchersByMember.values().stream().mapToInt(Set::size).max().orElse(0);
    }

    int redeemedCount() {
        return redemptionsByCode.size();
    }

    /** Members who got a voucher; all of them when there are at most {@code size}, else an even spread. */
    List<Object> sampleOfHolders(int size) {
        List<String> members = new ArrayList<>(vouchersByMember.keySet());
        Collections.sort(members);
        if (members.size() <= size) {
            return new ArrayList<>(members);
        }
        List<Object> sample = new ArrayList<>(size);
        double step = (double) members.size() / size;
        for (int i = 0; i < size; i++) {
            sample.add(members.get((int) (i * step)));
        }
        return sample;
    }

    /** How many of the member's 201 vouchers the wallet answer does not hold yet. */
    int missingFromWallet(String memberId, String walletJson) {
        Set<String> inWallet = walletOfThisCampaign(walletJson).stream().map(v -> v.get("voucherId").asText())
                .collect(Collectors.toSet());
        return (int) vouchersByMember.getOrDefault(memberId, Set.of()).stream().filter(id -> !inWallet.contains(id)).count();
    }

    /** The wallet's vouchers of this campaign: never more than the per-member limit. */
    int walletCount(String walletJson) {
        return walletOfThisCampaign(walletJson).size();
    }

    /**
     * This member's vouchers the wallet does not show as the ledger saw them last: REDEEMED while a redemption stands,
     * ISSUED again once every redemption was refunded.
     */
    int redeemedNotShown(String memberId, String walletJson) {
        Map<String, String> shown = walletOfThisCampaign(walletJson).stream()
                .collect(Collectors.toMap(v -> v.get("code").asText(), v -> v.path("status").asText()));
        Set<String> mine = vouchersByMember.getOrDefault(memberId, Set.of());
        return (int) granted.values().stream()
                .filter(v -> mine.contains(v.voucherId()) && redemptionsByCode.containsKey(v.code()))
                .filter(v -> !expectedStatus(v.code()).equals(shown.get(v.code())))
                .count();
    }

    private String expectedStatus(String code) {
        int refunds = refundsByCode.getOrDefault(code, Set.of()).size();
        return redemptionsByCode.get(code).size() > refunds ? "REDEEMED" : "ISSUED";
    }

    private List<JsonNode> walletOfThisCampaign(String walletJson) {
        List<JsonNode> mine = new ArrayList<>();
        for (JsonNode voucher : Api.parse(walletJson)) {
            if (voucher.path("campaignId").asLong() == campaign.id()) {
                mine.add(voucher);
            }
        }
        return mine;
    }
}
