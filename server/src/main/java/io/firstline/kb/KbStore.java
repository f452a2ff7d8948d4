package io.firstline.kb;

import static io.firstline.db.schema.Tables.CALL_OUTCOMES;
import static io.firstline.db.schema.Tables.KB_ARTICLES;

import io.firstline.audit.AuditStore;
import io.firstline.db.ConflictException;
import io.firstline.db.UnknownReferenceException;

import io.firstline.db.Database;
import io.firstline.db.FullText;
import io.firstline.db.Page;
import io.firstline.db.schema.tables.records.KbArticlesRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** The knowledge base: the problems-and-solutions log, searched by FULLTEXT, best match first. */
public final class KbStore {

    private final Database db;

    public KbStore(Database db) {
        this.db = db;
    }

    /** A new article. */
    public record New(String title, String problem, String solution, String category) {
    }

    /** What changes in a PATCH; an empty optional leaves the field as it is. */
    public record Changes(Optional<String> title, Optional<String> problem, Optional<String> solution,
            Optional<String> category) {
    }

    public Future<KbArticle> create(New a, Long agentId) {
        return db.transaction(dsl -> createIn(dsl, a, agentId, db.now()));
    }

    public static KbArticle createIn(DSLContext dsl, New a, Long agentId, Instant now) {
        KbArticlesRecord r = dsl.newRecord(KB_ARTICLES).setTitle(a.title()).setProblem(a.problem())
                .setSolution(a.solution()).setCategory(a.category()).setTimesUsed(0).setCreatedBy(agentId)
                .setCreatedAt(now).setUpdatedAt(now);
        r.store();
        return toArticle(r);
    }

    /** Which articles a list shows: in use, retired or both; {@code neverUsed}: only those no outcome used. */
    public enum Status {
        ACTIVE, RETIRED, ALL
    }

    /** What narrows a search besides the words: a category, the status, and never-used articles only. */
    public record Filter(Optional<String> category, Status status, boolean neverUsed) {
        /** What the desk searches: articles in use, of any category. */
        public static Filter active(Optional<String> category) {
            return new Filter(category, Status.ACTIVE, false);
        }
    }

    /**
     * Articles matching {@code q} by relevance (natural-language FULLTEXT over title, problem and
     * solution); with no words, the most used first (never-used ones: oldest first).
     */
    public Future<Page<KbArticle>> search(String q, Filter filter, int limit, int offset) {
        return db.query(dsl -> {
            Condition where = filter.category().map(KB_ARTICLES.CATEGORY::eq).orElse(DSL.trueCondition());
            where = switch (filter.status()) {
                case ACTIVE -> where.and(KB_ARTICLES.RETIRED_AT.isNull());
                case RETIRED -> where.and(KB_ARTICLES.RETIRED_AT.isNotNull());
                case ALL -> where;
            };
            if (filter.neverUsed()) {
                where = where.and(KB_ARTICLES.TIMES_USED.eq(0));
            }
            List<String> words = FullText.words(q == null ? "" : q);
            if (words.isEmpty()) {
                var order = filter.neverUsed() ? List.of(KB_ARTICLES.CREATED_AT.asc(), KB_ARTICLES.ID.asc())
                        : List.of(KB_ARTICLES.TIMES_USED.desc(), KB_ARTICLES.ID.asc());
                return new Page<>(dsl.selectFrom(KB_ARTICLES).where(where).orderBy(order).limit(limit).offset(offset)
                        .fetch(KbStore::toArticle), dsl.fetchCount(KB_ARTICLES, where), limit, offset);
            }
            String text = String.join(" ", words);
            Field<Double> score = DSL.field("MATCH({0}, {1}, {2}) AGAINST ({3})", Double.class,
                    KB_ARTICLES.TITLE, KB_ARTICLES.PROBLEM, KB_ARTICLES.SOLUTION, DSL.val(text));
            // Short words are not indexed: they must then appear in the title.
            Condition matches = FullText.indexable(words) ? score.gt(0.0)
                    : score.gt(0.0).or(KB_ARTICLES.TITLE.containsIgnoreCase(text));
            Condition all = where.and(matches);
            return new Page<>(dsl.selectFrom(KB_ARTICLES).where(all)
                    .orderBy(score.desc(), KB_ARTICLES.TIMES_USED.desc(), KB_ARTICLES.ID.asc())
                    .limit(limit).offset(offset).fetch(KbStore::toArticle), dsl.fetchCount(KB_ARTICLES, all), limit, offset);
        });
    }

    /**
     * Articles that likely fit a caller: those matching {@code text} (e.g. their open ticket's
     * subject) first, then the most used of the {@code categories} (e.g. the menu choice's).
     */
    public static List<KbArticle> suggest(DSLContext dsl, List<String> categories, Optional<String> text, int n) {
        List<KbArticle> out = new java.util.ArrayList<>();
        List<String> words = text.map(FullText::words).orElse(List.of());
        if (FullText.indexable(words)) {
            Field<Double> score = DSL.field("MATCH({0}, {1}, {2}) AGAINST ({3})", Double.class,
                    KB_ARTICLES.TITLE, KB_ARTICLES.PROBLEM, KB_ARTICLES.SOLUTION, DSL.val(String.join(" ", words)));
            out.addAll(dsl.selectFrom(KB_ARTICLES).where(score.gt(0.0)).and(KB_ARTICLES.RETIRED_AT.isNull())
                    .orderBy(score.desc()).limit(n)
                    .fetch(KbStore::toArticle));
        }
        if (out.size() < n && !categories.isEmpty()) {
            Condition notYet = out.isEmpty() ? DSL.trueCondition()
                    : KB_ARTICLES.ID.notIn(out.stream().map(KbArticle::id).toList());
            out.addAll(dsl.selectFrom(KB_ARTICLES).where(KB_ARTICLES.CATEGORY.in(categories)).and(notYet)
                    .and(KB_ARTICLES.RETIRED_AT.isNull())
                    .orderBy(KB_ARTICLES.TIMES_USED.desc(), KB_ARTICLES.ID.asc()).limit(n - out.size())
                    .fetch(KbStore::toArticle));
        }
        return out;
    }

    /** Adds every article of an import in one transaction: all of them or, on any failure, none. Returns how many. */
    public Future<Integer> importAll(List<New> articles, long adminId, String what) {
        return db.transaction(dsl -> {
            Instant now = db.now();
            for (New a : articles) {
                createIn(dsl, a, adminId, now);
            }
            AuditStore.addIn(dsl, new AuditStore.NewEntry(adminId, null, "kb.import", articles.size() + " articles from "
                    + what, null, true, null), now);
            return articles.size();
        });
    }

    public Future<Optional<KbArticle>> find(long id) {
        return db.query(dsl -> dsl.selectFrom(KB_ARTICLES).where(KB_ARTICLES.ID.eq(id)).fetchOptional()
                .map(KbStore::toArticle));
    }

    public Future<Optional<KbArticle>> update(long id, Changes c) {
        return db.transaction(dsl -> {
            KbArticlesRecord r = dsl.selectFrom(KB_ARTICLES).where(KB_ARTICLES.ID.eq(id)).forUpdate().fetchOne();
            if (r == null) {
                return Optional.<KbArticle>empty();
            }
            c.title().ifPresent(r::setTitle);
            c.problem().ifPresent(r::setProblem);
            c.solution().ifPresent(r::setSolution);
            c.category().ifPresent(r::setCategory);
            r.setUpdatedAt(db.now());
            r.store();
            return Optional.of(toArticle(r));
        });
    }

    /**
     * Counts one more use of an article and returns the id it was counted for: the article itself, or
     * the one it was merged into (an agent may have opened it just before the merge); empty when it
     * does not exist. A retired article still counts: it was what the agent used.
     */
    public static Optional<Long> countUseIn(DSLContext dsl, long id) {
        Long mergedInto = dsl.select(KB_ARTICLES.MERGED_INTO_ID).from(KB_ARTICLES).where(KB_ARTICLES.ID.eq(id))
                .fetchOptional(KB_ARTICLES.MERGED_INTO_ID).orElse(null);
        long target = mergedInto == null ? id : mergedInto;
        int n = dsl.update(KB_ARTICLES).set(KB_ARTICLES.TIMES_USED, KB_ARTICLES.TIMES_USED.plus(1))
                .where(KB_ARTICLES.ID.eq(target)).execute();
        return n == 1 ? Optional.of(target) : Optional.empty();
    }

    /** Retires an article (or brings it back); empty when it does not exist. A merged article stays retired. */
    public Future<Optional<KbArticle>> retire(long id, boolean retired, long adminId) {
        return db.transaction(dsl -> {
            KbArticlesRecord r = dsl.selectFrom(KB_ARTICLES).where(KB_ARTICLES.ID.eq(id)).forUpdate().fetchOne();
            if (r == null) {
                return Optional.<KbArticle>empty();
            }
            if (!retired && r.getMergedIntoId() != null) {
                throw new ConflictException("retired", "article " + id + " was merged into article " + r.getMergedIntoId()
                        + "; edit that one instead");
            }
            if (retired != (r.getRetiredAt() != null)) {
                Instant now = db.now();
                r.setRetiredAt(retired ? now : null);
                r.setUpdatedAt(now);
                r.store();
                AuditStore.addIn(dsl, new AuditStore.NewEntry(adminId, null, retired ? "kb.retire" : "kb.restore",
                        "article " + id + " '" + r.getTitle() + "'", null, true, null), now);
            }
            return Optional.of(toArticle(r));
        });
    }

    /**
     * Merges the duplicate {@code fromId} into {@code keepId} in one transaction: the outcomes that
     * used it (and articles merged into it before) now name the kept one, its uses are added to the
     * kept one's, and it is retired with {@code merged_into_id} set. Empty when {@code keepId} does
     * not exist.
     */
    public Future<Optional<KbArticle>> merge(long keepId, long fromId, long adminId) {
        if (keepId == fromId) {
            throw new IllegalArgumentException("an article cannot be merged into itself");
        }
        return db.transaction(dsl -> {
            // Both rows locked in id order, so two opposite merges cannot deadlock half-way.
            var rows = dsl.selectFrom(KB_ARTICLES).where(KB_ARTICLES.ID.in(keepId, fromId)).orderBy(KB_ARTICLES.ID)
                    .forUpdate().fetchMap(KB_ARTICLES.ID);
            KbArticlesRecord keep = rows.get(keepId);
            KbArticlesRecord from = rows.get(fromId);
            if (keep == null) {
                return Optional.<KbArticle>empty();
            }
            if (from == null) {
                throw new UnknownReferenceException("from", "no article has id " + fromId);
            }
            if (keep.getRetiredAt() != null) {
                throw new ConflictException("articleId", "article " + keepId + " is retired: restore it before merging into it");
            }
            if (from.getMergedIntoId() != null) {
                throw new ConflictException("from", "article " + fromId + " was merged into article " + from.getMergedIntoId()
                        + " already");
            }
            Instant now = db.now();
            int outcomes = dsl.update(CALL_OUTCOMES).set(CALL_OUTCOMES.KB_ARTICLE_ID, keepId)
                    .where(CALL_OUTCOMES.KB_ARTICLE_ID.eq(fromId)).execute();
            dsl.update(KB_ARTICLES).set(KB_ARTICLES.MERGED_INTO_ID, keepId).where(KB_ARTICLES.MERGED_INTO_ID.eq(fromId))
                    .execute();
            int uses = from.getTimesUsed();
            keep.setTimesUsed(keep.getTimesUsed() + uses);
            keep.setUpdatedAt(now);
            keep.store();
            from.setTimesUsed(0);
            from.setMergedIntoId(keepId);
            if (from.getRetiredAt() == null) {
                from.setRetiredAt(now);
            }
            from.setUpdatedAt(now);
            from.store();
            AuditStore.addIn(dsl, new AuditStore.NewEntry(adminId, null, "kb.merge", "article " + fromId + " '"
                    + from.getTitle() + "' merged into article " + keepId + " '" + keep.getTitle() + "': " + uses
                    + " uses, " + outcomes + " outcomes moved", null, true, null), now);
            return Optional.of(toArticle(keep));
        });
    }

    static KbArticle toArticle(KbArticlesRecord r) {
        return new KbArticle(r.getId(), r.getTitle(), r.getProblem(), r.getSolution(), r.getCategory(),
                r.getTimesUsed(), r.getCreatedAt(), r.getUpdatedAt(), r.getRetiredAt(), r.getMergedIntoId());
    }
}
