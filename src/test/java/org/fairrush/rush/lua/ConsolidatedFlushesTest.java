package org.fairrush.rush.lua;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConsolidatedFlushes} on a channel of its own: the commands a connection writes while it reads replies (a
 * reply's continuation writing the next script call) reach the socket in one flush once the read is complete, and a
 * command written outside a read is not held past the connection thread's next turn.
 */
class ConsolidatedFlushesTest {

    @Test
    void commandsWrittenDuringAReadLeaveInOneFlushWhenTheReadIsComplete() {
        AtomicInteger flushes = new AtomicInteger();
        EmbeddedChannel channel = consolidated(flushes);

        channel.pipeline().fireChannelRead("three replies");
        assertThat(flushes).hasValue(0);
        channel.pipeline().fireChannelReadComplete();

        assertThat(flushes).hasValue(1);
        assertThat(channel.outboundMessages()).containsExactly("command 1", "command 2", "command 3");
    }

    @Test
    void aLongReadLetsTheHeldCommandsGoOnceThereAreSoMany() {
        AtomicInteger flushes = new AtomicInteger();
        EmbeddedChannel channel = consolidated(flushes);
        int reads = ConsolidatedFlushes.MOST_FLUSHES_HELD / 3 + 1;

        for (int read = 0; read < reads; read++) {
            channel.pipeline().fireChannelRead("three replies");
        }

        // More commands than are held, the read still going on: the first MOST_FLUSHES_HELD are on their way to Redis.
        assertThat(flushes).hasValue(1);
        assertThat(channel.outboundMessages()).hasSize(ConsolidatedFlushes.MOST_FLUSHES_HELD);
        channel.pipeline().fireChannelReadComplete();
        assertThat(flushes).hasValue(2);
        assertThat(channel.outboundMessages()).hasSize(3 * reads);
    }

    @Test
    void withoutItEachCommandIsFlushedAlone() {
        AtomicInteger flushes = new AtomicInteger();
        EmbeddedChannel channel = new EmbeddedChannel(countingFlushes(flushes), writingThreeCommandsPerRead());

        channel.pipeline().fireChannelRead("three replies");

        assertThat(flushes).hasValue(3);
    }

    @Test
    void aCommandWrittenOutsideAReadLeavesOnTheConnectionThreadsNextTurn() {
        AtomicInteger flushes = new AtomicInteger();
        EmbeddedChannel channel = consolidated(flushes);

        channel.writeAndFlush("a lone command");
        channel.runPendingTasks();

        assertThat(flushes).hasValue(1);
        assertThat(channel.outboundMessages()).containsExactly("a lone command");
    }

    /** A channel as a Redis connection's: the consolidation first in line to the socket, a flush counter behind it. */
    private static EmbeddedChannel consolidated(AtomicInteger flushes) {
        EmbeddedChannel channel = new EmbeddedChannel(writingThreeCommandsPerRead());
        new ConsolidatedFlushes().afterChannelInitialized(channel);
        channel.pipeline().addFirst(countingFlushes(flushes));
        return channel;
    }

    private static ChannelOutboundHandlerAdapter countingFlushes(AtomicInteger flushes) {
        return new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext context) {
                flushes.incrementAndGet();
                context.flush();
            }
        };
    }

    /** Each read's continuation writes three commands, each flushed, as Lettuce writes every command. */
    private static ChannelInboundHandlerAdapter writingThreeCommandsPerRead() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext context, Object replies) {
                for (int i = 1; i <= 3; i++) {
                    context.channel().writeAndFlush("command " + i);
                }
            }
        };
    }
}
