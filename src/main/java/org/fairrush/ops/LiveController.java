package org.fairrush.ops;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * {@code GET /api/v1/ops/live} (ADMIN): the live dashboard's numbers as Server-Sent Events, one
 * {@code snapshot} event per sample. The stream ends after {@code fairrush.ops.live-stream-max}; the page
 * then reconnects with its token, so a token that expired meanwhile stops the stream within that time.
 */
@RestController
class LiveController {

    private final LiveBoard board;
    private final OpsProperties properties;

    LiveController(LiveBoard board, OpsProperties properties) {
        this.board = board;
        this.properties = properties;
    }

    /** X-Accel-Buffering: no keeps proxies such as ingress-nginx from holding the events back. */
    @GetMapping(path = "/api/v1/ops/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    ResponseEntity<Flux<ServerSentEvent<LiveSnapshot>>> live() {
        AtomicLong sequence = new AtomicLong();
        Flux<ServerSentEvent<LiveSnapshot>> events = board.frames()
                .take(properties.liveStreamMax())
                .map(frame -> ServerSentEvent.builder(frame).event("snapshot").id(Long.toString(sequence.incrementAndGet())).build());
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).header("X-Accel-Buffering", "no").body(events);
    }
}
