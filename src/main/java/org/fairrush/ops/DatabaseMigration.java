package org.fairrush.ops;

import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.stereotype.Component;

/**
 * Applies the Flyway migrations under db/migration at start-up, before anything reads a table.
 * Flyway needs JDBC; the service itself talks to Postgres only through R2DBC, so the JDBC URL is
 * derived from {@code spring.r2dbc.url} and nobody has to configure the database twice.
 */
@Component
class DatabaseMigration implements InitializingBean {

    private final R2dbcProperties r2dbc;

    DatabaseMigration(R2dbcProperties r2dbc) {
        this.r2dbc = r2dbc;
    }

    @Override
    public void afterPropertiesSet() {
        Flyway.configure()
                .dataSource(jdbcUrl(r2dbc.getUrl()), r2dbc.getUsername(), r2dbc.getPassword())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    static String jdbcUrl(String r2dbcUrl) {
        if (r2dbcUrl == null || !r2dbcUrl.startsWith("r2dbc:")) {
            throw new IllegalStateException("spring.r2dbc.url must be an r2dbc:postgresql:// URL, was: " + r2dbcUrl);
        }
        return "jdbc:" + r2dbcUrl.substring("r2dbc:".length()).replaceFirst("^pool:", "");
    }
}
