package io.firstline.db;

import java.util.List;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/**
 * Many-row INSERTs for demo data and the seed command: one prepared INSERT bound to every row and
 * sent as one JDBC batch, which MariaDB Connector/J sends in one round trip (its bulk protocol).
 * Measured: demo data in 2.4 s instead of 5.6 s, seeding 2 to 4 times faster than jOOQ multi-row
 * VALUES lists, whose rendering of every value dominates.
 * Blocking: main thread.
 */
public final class BulkInsert {

    private BulkInsert() {
    }

    /** Inserts {@code rows} (values in the order of {@code columns}) in chunks, each in its own transaction. */
    public static <R extends Record> void inChunks(DSLContext dsl, Table<R> table, List<Field<?>> columns, List<Object[]> rows,
            int chunk) {
        for (int from = 0; from < rows.size(); from += chunk) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + chunk));
            dsl.transaction(cfg -> batch(cfg.dsl(), table, columns, part));
        }
    }

    /** Inserts {@code rows} as one batch, in the caller's transaction. */
    public static <R extends Record> void batch(DSLContext dsl, Table<R> table, List<Field<?>> columns, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        BatchBindStep batch = dsl.batch(dsl.insertInto(table, columns).values(new Object[columns.size()]));
        for (Object[] row : rows) {
            batch = batch.bind(row);
        }
        batch.execute();
    }
}
