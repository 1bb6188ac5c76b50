package org.fairrush.web;

import java.util.concurrent.TimeUnit;

import io.lettuce.core.resource.DefaultEventLoopGroupProvider;
import io.lettuce.core.resource.EventLoopGroupProvider;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;

/**
 * The Redis client runs on the HTTP server's event loops instead of threads of its own. A grab crosses from the
 * thread that read the request to the one that talks to Redis and back several times (rate limit, claim,
 * acknowledgement); on few cores each crossing is a task queued on another thread and a wake-up. Sharing the loops
 * makes the crossings that land on the same loop plain calls, and leaves the machine fewer busy threads.
 * The Redis client must then never block, which holds for every use of it here (reactive, or blocking only at
 * start-up off the loops). {@code fairrush.web.shared-event-loops=false} gives Lettuce its own threads again.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "fairrush.web.shared-event-loops", matchIfMissing = true)
class SharedEventLoops {

    private static final Logger log = LoggerFactory.getLogger(SharedEventLoops.class);

    @Bean
    ClientResourcesBuilderCustomizer redisOnTheServersEventLoops(ObjectProvider<ReactorResourceFactory> resources) {
        return builder -> {
            ReactorResourceFactory factory = resources.getIfAvailable();
            LoopResources loops = factory != null ? factory.getLoopResources() : HttpResources.get();
            builder.eventLoopGroupProvider(new ServerLoops(loops.onServer(true)));
        };
    }

    /** Hands Lettuce the server's event loops; never shuts them down (the server owns them). */
    static final class ServerLoops implements EventLoopGroupProvider {

        private final EventLoopGroup loops;
        private final EventLoopGroupProvider fallback = new DefaultEventLoopGroupProvider(Runtime.getRuntime().availableProcessors());

        ServerLoops(EventLoopGroup loops) {
            this.loops = loops;
        }

        @Override
        public <T extends EventLoopGroup> T allocate(Class<T> type) {
            if (type.isInstance(loops)) {
                return type.cast(loops);
            }
            log.warn("the HTTP server's event loops ({}) are not the {} Redis asks for; Redis gets loops of its own",
                    loops.getClass().getName(), type.getName());
            return fallback.allocate(type);
        }

        @Override
        public int threadPoolSize() {
            return Runtime.getRuntime().availableProcessors();
        }

        @Override
        public Future<Boolean> release(EventExecutorGroup group, long quietPeriod, long timeout, TimeUnit unit) {
            return group == loops ? ImmediateEventExecutor.INSTANCE.newSucceededFuture(true)
                    : fallback.release(group, quietPeriod, timeout, unit);
        }

        @Override
        public Future<Boolean> shutdown(long quietPeriod, long timeout, TimeUnit unit) {
            return fallback.shutdown(quietPeriod, timeout, unit);
        }
    }
}
