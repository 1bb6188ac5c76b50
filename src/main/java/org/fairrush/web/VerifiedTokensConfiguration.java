package org.fairrush.web;

import java.time.Clock;
import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.validation.annotation.Validated;

/**
 * Puts {@link VerifiedTokens} in front of whichever JWT decoder the application has (the identity provider's
 * in production, the development issuer's in tests), so every security chain that takes bearer tokens uses it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(VerifiedTokensConfiguration.Properties.class)
class VerifiedTokensConfiguration {

    /**
     * {@code fairrush.web.token-cache.*}.
     *
     * @param maxSize tokens remembered at most (about 2-3 KB each); 0 turns the cache off
     * @param maxAge  how long a verified token is answered from memory at most (bounds how long a key the identity
     *                provider withdrew is still honoured)
     */
    @Validated
    @ConfigurationProperties("fairrush.web.token-cache")
    record Properties(@DefaultValue("20000") @Min(0) long maxSize, @DefaultValue("5m") @NotNull Duration maxAge) {
    }

    @Bean
    static BeanPostProcessor verifiedTokenCache(ObjectProvider<Properties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (!(bean instanceof ReactiveJwtDecoder decoder) || bean instanceof VerifiedTokens) {
                    return bean;
                }
                Properties cache = properties.getObject();
                return cache.maxSize() == 0 ? bean
                        : new VerifiedTokens(decoder, cache.maxSize(), cache.maxAge(), Clock.systemUTC());
            }
        };
    }
}
