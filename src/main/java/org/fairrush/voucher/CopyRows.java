package org.fairrush.voucher;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Wrapped;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;

/**
 * Rows sent to Postgres by COPY FROM STDIN (text format) on the connection of the transaction in progress: one
 * stream of bytes instead of a parameter per value, which Postgres parses with no planning. r2dbc-postgresql's
 * copy-in API, reached through the pool's and Spring's wrappers of the connection.
 */
final class CopyRows {

    private final StringBuilder text = new StringBuilder(256 * 64);
    private int rows;

    /** Adds one row; null values are SQL NULL, everything else its {@code toString()}. */
    CopyRows row(List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                text.append('\t');
            }
            Object value = values.get(i);
            if (value == null) {
                text.append("\\N");
            } else {
                escape(value.toString());
            }
        }
        text.append('\n');
        rows++;
        return this;
    }

    int rows() {
        return rows;
    }

    /** Text format's escapes: a backslash, a tab or a line break inside a value would end the value or the row. */
    private void escape(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
    }

    /**
     * Runs {@code copySql} (a {@code COPY table (columns) FROM STDIN}) with these rows, in the transaction that
     * {@code db} has bound to the caller (the persister's), and emits the number of rows copied.
     */
    Mono<Long> copyInto(DatabaseClient db, String copySql) {
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        return db.inConnection(connection -> postgres(connection).copyIn(copySql).from(bytes).build());
    }

    private static PostgresqlConnection postgres(Connection connection) {
        Object inner = connection;
        while (!(inner instanceof PostgresqlConnection) && inner instanceof Wrapped<?> wrapped) {
            inner = wrapped.unwrap();
        }
        if (inner instanceof PostgresqlConnection postgres) {
            return postgres;
        }
        throw new IllegalStateException("COPY needs a Postgres connection, not " + connection.getClass().getName());
    }
}
