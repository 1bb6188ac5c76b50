package org.fairrush.report;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.fairrush.web.Csv;

/**
 * The reports as CSV ({@link Csv}: quoted, formulas defused), line by line from the same values as the JSON answer, so
 * the two always agree. The settlement is one line per merchant and a TOTAL line; the fair report, whose parts have
 * different columns, is one line per figure ({@code section,subject,measure,value}), which a spreadsheet pivots.
 */
final class ReportCsv {

    static final String SETTLEMENT_HEADER = "line,merchantId,redemptions,refunds,orderAmountCents,discountCents,payableCents,asOf";
    static final String FAIR_REPORT_HEADER = "section,subject,measure,value";

    private ReportCsv() {
    }

    static Stream<String> settlement(Settlement s) {
        Stream<String> merchants = s.merchants().stream().map(m -> Csv.line("MERCHANT", m.merchantId(), m.redemptions(), m.refunds(),
                m.orderAmountCents(), m.discountCents(), m.payableCents(), s.asOf()));
        Settlement.Totals t = s.totals();
        String total = Csv.line("TOTAL", "", t.redemptions(), t.refunds(), t.orderAmountCents(), t.discountCents(), t.payableCents(),
                s.asOf());
        return Stream.of(Stream.of(Csv.header(SETTLEMENT_HEADER)), merchants, Stream.of(total)).flatMap(lines -> lines);
    }

    static Stream<String> fairReport(FairReport r) {
        List<String> lines = new ArrayList<>();
        lines.add(Csv.header(FAIR_REPORT_HEADER));
        lines.add(Csv.line("fair", r.fairId(), "name", r.fairName()));
        lines.add(Csv.line("fair", r.fairId(), "asOf", r.asOf()));
        for (FairReport.CategoryLine c : r.categories()) {
            lines.add(Csv.line("category", c.code(), "stalls", c.stalls()));
            lines.add(Csv.line("category", c.code(), "confirmed", c.confirmed()));
            lines.add(Csv.line("category", c.code(), "waitlisted", c.waitlisted()));
            lines.add(Csv.line("category", c.code(), "entered", c.entered()));
            lines.add(Csv.line("category", c.code(), "offered", c.offered()));
            lines.add(Csv.line("category", c.code(), "feesDueCents", c.feesDueCents()));
            lines.add(Csv.line("category", c.code(), "feesWaivedCents", c.feesWaivedCents()));
        }
        r.registrationsByStatus().forEach((status, count) -> lines.add(Csv.line("registrations", status, "count", count)));
        for (FairReport.CampaignLine c : r.campaigns()) {
            lines.add(Csv.line("campaign", c.campaignId(), "granted", c.granted()));
            lines.add(Csv.line("campaign", c.campaignId(), "redeemed", c.redeemed()));
            lines.add(Csv.line("campaign", c.campaignId(), "refunded", c.refunded()));
            lines.add(Csv.line("campaign", c.campaignId(), "voided", c.voided()));
            lines.add(Csv.line("campaign", c.campaignId(), "discountCents", c.discountCents()));
            lines.add(Csv.line("campaign", c.campaignId(), "redemptionRate", c.redemptionRate().toPlainString()));
        }
        return lines.stream();
    }
}
