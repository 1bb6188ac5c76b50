package org.fairrush.rush.lua;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Sends the Redis commands written close together in one write to the socket instead of one each (docs/design.md
 * section 11, note 55). Lettuce flushes every command: under a rush, the claim script of one grab is written while the
 * replies of others are still being read, and the caller's rate limit of the next grab arrives from an HTTP thread a
 * moment later, each its own {@code write} system call here and its own read in Redis. Netty's
 * {@link FlushConsolidationHandler} holds the flushes made while a read is in progress until the read is complete, and
 * those from other threads until the connection's thread has run what is queued, then flushes once. A lone command
 * waits for no other: it goes as soon as the connection's thread is free, a few microseconds.
 *
 * <p>Measured with chains of two scripts, 64 at a time on this machine's Redis: about 13.5 to 9 us of the client's CPU
 * per command, 12.7 to 9.8 us of Redis's (docs/benchmarks.md, issue 13, session k).
 */
public final class ConsolidatedFlushes implements NettyCustomizer {

    /**
     * Flushes held before one is let through even while a read goes on. Netty's default, 256, makes the connection and
     * Redis take turns: Redis idles while the client writes a whole read's worth of commands, the client while Redis
     * answers them. Sixteen keeps both busy at once and still saves the calls: per command, with 64 chains of two
     * scripts at a time, 256 held cost 0.7x the client's CPU of Lettuce alone at 0.7x its throughput, 16 held 0.7x the
     * CPU at 1.3x the throughput ({@code load-tests/bench/RedisFlushes.java}).
     */
    static final int MOST_FLUSHES_HELD = 16;

    @Override
    public void afterChannelInitialized(Channel channel) {
        // First in the pipeline, so that it sees every flush on its way to the socket, whichever handler made it.
        channel.pipeline().addFirst(new FlushConsolidationHandler(MOST_FLUSHES_HELD, true));
    }
}
