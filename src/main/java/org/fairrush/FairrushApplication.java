package org.fairrush;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class FairrushApplication {

    public static void main(String[] args) {
        SpringApplication.run(FairrushApplication.class, args);
    }
}
