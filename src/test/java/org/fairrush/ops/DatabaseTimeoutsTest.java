package org.fairrush.ops;

import java.time.Duration;

import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every connection the service opens carries a statement timeout (which also ends a wait for a lock), so a stuck statement frees its
 * connection instead of holding it (and the persister's partition) for ever.
 */
@FairrushTest
class DatabaseTimeoutsTest {

    @Autowired
    DatabaseClient db;

    @Test
    void everyConnectionHasAStatementTimeout() {
        assertThat(setting("statement_timeout")).isEqualTo("30s");
    }

    private String setting(String name) {
        return db.sql("select current_setting('" + name + "')").map(row -> row.get(0, String.class)).one()
                .block(Duration.ofSeconds(10));
    }
}
