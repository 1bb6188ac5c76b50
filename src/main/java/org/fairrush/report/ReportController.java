package org.fairrush.report;

import org.fairrush.web.ApiProblem;
import org.fairrush.web.Csv;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.ProblemCodes;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The organisers' reports (ADMIN): a campaign's settlement with its merchants and a fair's report, as JSON or, with
 * {@code Accept: text/csv}, as CSV for a spreadsheet. Read from Postgres only, each at one moment: {@code asOf}.
 * Redemptions and refunds are written to Postgres as they happen; grabs and registrations reach it through the
 * persister, normally within a second.
 */
@RestController
@RequestMapping("/api/v1")
class ReportController {

    private final ReportRepository reports;

    ReportController(ReportRepository reports) {
        this.reports = reports;
    }

    @ProblemCodes(ErrorCode.CAMPAIGN_NOT_FOUND)
    @GetMapping(value = "/campaigns/{id}/settlement", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<Settlement> settlement(@PathVariable long id) {
        return reports.settlement(id).switchIfEmpty(Mono.error(() -> campaignNotFound(id)));
    }

    /** The settlement as CSV: one line per merchant, then the TOTAL line. */
    @ProblemCodes(ErrorCode.CAMPAIGN_NOT_FOUND)
    @GetMapping(value = "/campaigns/{id}/settlement", produces = Csv.MEDIA_TYPE)
    Mono<ResponseEntity<Flux<String>>> settlementAsCsv(@PathVariable long id) {
        return reports.settlement(id).switchIfEmpty(Mono.error(() -> campaignNotFound(id)))
                .map(settlement -> csv("campaign-" + id + "-settlement.csv", Flux.fromStream(ReportCsv.settlement(settlement))));
    }

    @ProblemCodes(ErrorCode.FAIR_NOT_FOUND)
    @GetMapping(value = "/fairs/{id}/report", produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<FairReport> fairReport(@PathVariable long id) {
        return reports.fairReport(id).switchIfEmpty(Mono.error(() -> fairNotFound(id)));
    }

    /** The fair report as CSV: one line per figure ({@code section,subject,measure,value}). */
    @ProblemCodes(ErrorCode.FAIR_NOT_FOUND)
    @GetMapping(value = "/fairs/{id}/report", produces = Csv.MEDIA_TYPE)
    Mono<ResponseEntity<Flux<String>>> fairReportAsCsv(@PathVariable long id) {
        return reports.fairReport(id).switchIfEmpty(Mono.error(() -> fairNotFound(id)))
                .map(report -> csv("fair-" + id + "-report.csv", Flux.fromStream(ReportCsv.fairReport(report))));
    }

    private static ResponseEntity<Flux<String>> csv(String filename, Flux<String> lines) {
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, Csv.MEDIA_TYPE + ";charset=UTF-8")
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + filename + "\"")
                .body(lines);
    }

    private static ApiProblem campaignNotFound(long id) {
        return ApiProblem.of(ErrorCode.CAMPAIGN_NOT_FOUND, "No campaign with id " + id);
    }

    private static ApiProblem fairNotFound(long id) {
        return ApiProblem.of(ErrorCode.FAIR_NOT_FOUND, "No fair with id " + id);
    }
}
