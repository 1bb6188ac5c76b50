package org.fairrush;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration;

/** Redis commands are observed only while traces are on: see ops/RedisCommandObservations. */
@SpringBootApplication(exclude = LettuceObservationAutoConfiguration.class)
@ConfigurationPropertiesScan
public class FairrushApplication {

    public static void main(String[] args) {
        SpringApplication.run(FairrushApplication.class, args);
    }
}
