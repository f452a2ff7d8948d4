package io.firstline.auth;

import static io.firstline.db.schema.Tables.KIOSK_SCREENS;

import io.firstline.db.Database;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Wall screens allowed to show the board read-only, kept by the SHA-256 of their token. Any thread. */
public final class KioskStore {

    private final Database db;

    public KioskStore(Database db) {
        this.db = db;
    }

    /** A wall screen; {@code revokedAt} set once a supervisor ended it. */
    public record Screen(long id, String name, long createdBy, Instant createdAt, Instant expiresAt, Instant revokedAt,
            Instant lastSeenAt) {
    }

    public Future<Screen> create(String name, String tokenHash, long createdBy, Instant expiresAt) {
        Instant now = db.now();
        return db.query(dsl -> {
            long id = dsl.insertInto(KIOSK_SCREENS).set(KIOSK_SCREENS.NAME, name).set(KIOSK_SCREENS.TOKEN_HASH, tokenHash)
                    .set(KIOSK_SCREENS.CREATED_BY, createdBy).set(KIOSK_SCREENS.CREATED_AT, now)
                    .set(KIOSK_SCREENS.EXPIRES_AT, expiresAt).returning(KIOSK_SCREENS.ID).fetchOne().getId();
            return new Screen(id, name, createdBy, now, expiresAt, null, null);
        });
    }

    /** The live (not revoked, not expired) screen with this token, marking it seen. */
    public Future<Optional<Screen>> findLive(String tokenHash, Instant now) {
        return db.query(dsl -> {
            Optional<Screen> s = dsl.selectFrom(KIOSK_SCREENS).where(KIOSK_SCREENS.TOKEN_HASH.eq(tokenHash))
                    .and(KIOSK_SCREENS.REVOKED_AT.isNull()).and(KIOSK_SCREENS.EXPIRES_AT.gt(now))
                    .fetchOptional(KioskStore::toScreen);
            s.ifPresent(x -> dsl.update(KIOSK_SCREENS).set(KIOSK_SCREENS.LAST_SEEN_AT, now)
                    .where(KIOSK_SCREENS.ID.eq(x.id())).execute());
            return s;
        });
    }

    public Future<List<Screen>> list() {
        return db.query(dsl -> dsl.selectFrom(KIOSK_SCREENS).orderBy(KIOSK_SCREENS.ID.desc()).limit(200)
                .fetch(KioskStore::toScreen));
    }

    /** Ends a screen; false when there is no such screen or it had already been ended. */
    public Future<Boolean> revoke(long id) {
        return db.query(dsl -> dsl.update(KIOSK_SCREENS).set(KIOSK_SCREENS.REVOKED_AT, db.now())
                .where(KIOSK_SCREENS.ID.eq(id)).and(KIOSK_SCREENS.REVOKED_AT.isNull()).execute() == 1);
    }

    private static Screen toScreen(io.firstline.db.schema.tables.records.KioskScreensRecord r) {
        return new Screen(r.getId(), r.getName(), r.getCreatedBy(), r.getCreatedAt(), r.getExpiresAt(), r.getRevokedAt(),
                r.getLastSeenAt());
    }
}
