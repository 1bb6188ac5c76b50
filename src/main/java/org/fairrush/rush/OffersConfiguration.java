package org.fairrush.rush;

import java.time.Clock;
import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** Wires waiting-list offers: the transitions features call, and the expiry pass on the sweeper's interval. */
@Configuration(proxyBeanMethods = false)
class OffersConfiguration {

    @Bean
    Offers offers(RushEngine engine, ReactiveStringRedisTemplate redis, ClaimCodec codec, SoldOutBoard soldOut, Clock clock,
            RushProperties properties) {
        return new Offers(engine, redis, codec, soldOut, clock, properties.keyPrefix());
    }

    @Bean
    OfferExpiry offerExpiry(RushEngine engine, Offers offers, List<OfferTerms> terms, Leases leases, Clock clock,
            RushProperties properties) {
        return new OfferExpiry(engine, offers, terms, leases, clock, properties.keyPrefix(), properties.sweepInterval());
    }
}
