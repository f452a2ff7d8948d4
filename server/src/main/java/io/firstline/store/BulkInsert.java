package io.firstline.store;

import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStepN;
import org.jooq.Record;
import org.jooq.Table;

/** Multi-row INSERTs for demo data and the seed command, many rows a statement. Blocking: main thread. */
final class BulkInsert {

    private BulkInsert() {
    }

    /** Inserts {@code rows} (values in the order of {@code columns}) in chunks, each in its own transaction. */
    static <R extends Record> void inChunks(DSLContext dsl, Table<R> table, List<Field<?>> columns, List<Object[]> rows,
            int chunk) {
        for (int from = 0; from < rows.size(); from += chunk) {
            List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + chunk));
            dsl.transaction(cfg -> statement(cfg.dsl(), table, columns, part).execute());
        }
    }

    /** One INSERT of all {@code rows}. */
    static <R extends Record> InsertValuesStepN<R> statement(DSLContext dsl, Table<R> table, List<Field<?>> columns,
            List<Object[]> rows) {
        InsertValuesStepN<R> insert = dsl.insertInto(table, columns);
        for (Object[] row : rows) {
            insert = insert.values(row);
        }
        return insert;
    }
}
