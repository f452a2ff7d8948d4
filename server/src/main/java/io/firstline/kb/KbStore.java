package io.firstline.kb;

import static io.firstline.db.schema.Tables.KB_ARTICLES;

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

    /**
     * Articles matching {@code q} by relevance (natural-language FULLTEXT over title, problem and
     * solution); with no words, the most used first. {@code category} narrows either.
     */
    public Future<Page<KbArticle>> search(String q, Optional<String> category, int limit, int offset) {
        return db.query(dsl -> {
            Condition where = category.map(KB_ARTICLES.CATEGORY::eq).orElse(DSL.trueCondition());
            List<String> words = FullText.words(q == null ? "" : q);
            if (words.isEmpty()) {
                return new Page<>(dsl.selectFrom(KB_ARTICLES).where(where)
                        .orderBy(KB_ARTICLES.TIMES_USED.desc(), KB_ARTICLES.ID.asc()).limit(limit).offset(offset)
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
    public Future<List<KbArticle>> suggest(List<String> categories, Optional<String> text, int n) {
        return db.query(dsl -> {
            List<KbArticle> out = new java.util.ArrayList<>();
            List<String> words = text.map(FullText::words).orElse(List.of());
            if (FullText.indexable(words)) {
                Field<Double> score = DSL.field("MATCH({0}, {1}, {2}) AGAINST ({3})", Double.class,
                        KB_ARTICLES.TITLE, KB_ARTICLES.PROBLEM, KB_ARTICLES.SOLUTION, DSL.val(String.join(" ", words)));
                out.addAll(dsl.selectFrom(KB_ARTICLES).where(score.gt(0.0)).orderBy(score.desc()).limit(n)
                        .fetch(KbStore::toArticle));
            }
            if (out.size() < n && !categories.isEmpty()) {
                Condition notYet = out.isEmpty() ? DSL.trueCondition()
                        : KB_ARTICLES.ID.notIn(out.stream().map(KbArticle::id).toList());
                out.addAll(dsl.selectFrom(KB_ARTICLES).where(KB_ARTICLES.CATEGORY.in(categories)).and(notYet)
                        .orderBy(KB_ARTICLES.TIMES_USED.desc(), KB_ARTICLES.ID.asc()).limit(n - out.size())
                        .fetch(KbStore::toArticle));
            }
            return out;
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

    /** Counts one more use of an article; false when it does not exist. */
    public static boolean countUseIn(DSLContext dsl, long id) {
        return dsl.update(KB_ARTICLES).set(KB_ARTICLES.TIMES_USED, KB_ARTICLES.TIMES_USED.plus(1))
                .where(KB_ARTICLES.ID.eq(id)).execute() == 1;
    }

    static KbArticle toArticle(KbArticlesRecord r) {
        return new KbArticle(r.getId(), r.getTitle(), r.getProblem(), r.getSolution(), r.getCategory(),
                r.getTimesUsed(), r.getCreatedAt(), r.getUpdatedAt());
    }
}
