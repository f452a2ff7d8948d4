package io.firstline.kb;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.CallLog;
import io.firstline.TestServer;
import io.firstline.TestServer.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the knowledge base's admin side: usage lists, retiring and merging articles, for admins only")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KbAdminApiIT {

    private static final String NUMBER = "+12125550177";

    private TestServer server;
    private CallLog log;
    private String admin;
    private String alice;
    private String sam;
    private long calls;

    @BeforeAll
    void start() {
        server = TestServer.start();
        admin = server.loginAdmin();
        server.createUser(admin, "alice", "Alice Agent", "agent", "PJSIP/5001");
        server.createUser(admin, "sam", "Sam Supervisor", "supervisor", null);
        alice = server.login("alice", "alice-password");
        sam = server.login("sam", "sam-password");
        assertThat(server.post("/api/callers", admin, new JsonObject().put("name", "Kim Caller")
                .put("phones", new JsonArray().add(NUMBER))).status()).isEqualTo(201);
        log = new CallLog(server);
    }

    @AfterAll
    void stop() {
        if (log != null) {
            log.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private long article(String title, String category) {
        Reply r = server.post("/api/kb", alice, new JsonObject().put("title", title).put("problem", "When " + title)
                .put("solution", "Do the thing for " + title).put("category", category));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(201);
        return r.json().getLong("id");
    }

    /** A call whose outcome says the agent used the article; returns the outcome's article id as saved. */
    private Long use(long articleId) {
        long call = log.answered(Instant.parse("2026-11-02T08:00:00Z").plusSeconds(60 * calls++), "software", NUMBER,
                "PJSIP/5001", 5, 60);
        Reply r = server.post("/api/calls/" + call + "/outcome", admin, new JsonObject().put("disposition", "resolved")
                .put("kbArticleId", articleId));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(201);
        return r.json().getLong("kbArticleId");
    }

    private List<Long> ids(Reply r) {
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        return r.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    }

    @Test
    @DisplayName("most used first, never used on their own; a retired article is neither searched by the desk nor suggested, yet still readable, and comes back when restored")
    void usageAndRetiring() {
        long printer = article("Printer jams on tray two", "hardware");
        long toner = article("Toner streaks on printouts", "hardware");
        long dusty = article("Fax machine beeps twice", "hardware");
        use(printer);
        use(printer);
        use(toner);
        List<Long> byUse = ids(server.get("/api/kb?category=hardware&status=all", sam));
        assertThat(byUse.indexOf(printer)).isLessThan(byUse.indexOf(toner));
        assertThat(byUse.indexOf(toner)).isLessThan(byUse.indexOf(dusty));
        assertThat(ids(server.get("/api/kb?category=hardware&used=never", sam))).contains(dusty).doesNotContain(printer, toner);

        Reply retired = server.post("/api/kb/" + dusty + "/retire", admin, new JsonObject());
        assertThat(retired.status()).isEqualTo(200);
        assertThat(retired.json().getString("retiredAt")).isNotNull();
        assertThat(ids(server.get("/api/kb?q=fax%20beeps", alice))).doesNotContain(dusty);
        assertThat(ids(server.get("/api/kb?q=fax%20beeps&status=retired", sam))).containsExactly(dusty);
        assertThat(server.get("/api/kb/" + dusty, alice).json().getString("title")).isEqualTo("Fax machine beeps twice");
        assertThat(server.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = 'kb.retire' AND detail LIKE 'article "
                + dusty + " %'")).isEqualTo(1);

        Reply restored = server.post("/api/kb/" + dusty + "/restore", admin, new JsonObject());
        assertThat(restored.status()).isEqualTo(200);
        assertThat(restored.json().getValue("retiredAt")).isNull();
        assertThat(ids(server.get("/api/kb?q=fax%20beeps", alice))).containsExactly(dusty);
    }

    @Test
    @DisplayName("merging moves the duplicate's outcomes and uses to the one kept, retires it, is audited, and a later use of the duplicate counts for the kept one")
    void merge() {
        long keep = article("Password reset for the portal", "account");
        long dup = article("Portal password forgotten", "account");
        long older = article("Cannot log in to the portal", "account");
        use(keep);
        use(dup);
        use(dup);
        use(older);
        assertThat(server.post("/api/kb/" + dup + "/merge", admin, new JsonObject().put("from", older)).status()).isEqualTo(200);

        Reply r = server.post("/api/kb/" + keep + "/merge", admin, new JsonObject().put("from", dup));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        assertThat(r.json().getInteger("timesUsed")).isEqualTo(4);
        JsonObject merged = server.get("/api/kb/" + dup, alice).json();
        assertThat(merged.getLong("mergedIntoId")).isEqualTo(keep);
        assertThat(merged.getString("retiredAt")).isNotNull();
        assertThat(merged.getInteger("timesUsed")).isZero();
        assertThat(server.get("/api/kb/" + older, alice).json().getLong("mergedIntoId")).isEqualTo(keep);
        assertThat(server.queryLong("SELECT COUNT(*) FROM call_outcomes WHERE kb_article_id = " + keep)).isEqualTo(4);
        assertThat(server.queryLong("SELECT COUNT(*) FROM call_outcomes WHERE kb_article_id IN (" + dup + ", " + older + ")"))
                .isZero();
        assertThat(server.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = 'kb.merge'")).isEqualTo(2);

        assertThat(use(dup)).isEqualTo(keep);
        assertThat(server.get("/api/kb/" + keep, alice).json().getInteger("timesUsed")).isEqualTo(5);
        assertThat(ids(server.get("/api/kb?q=portal", alice))).containsExactly(keep);

        assertRefused(server.post("/api/kb/" + keep + "/merge", admin, new JsonObject().put("from", dup)), 409, "from");
        assertRefused(server.post("/api/kb/" + dup + "/restore", admin, new JsonObject()), 409, "retired");
    }

    @Test
    @DisplayName("bad merges and retirements are refused and change nothing: itself, unknown ids, into a retired article, bad bodies")
    void refusals() {
        long a = article("Wi-Fi drops in meeting rooms", "network");
        long b = article("Wireless disconnects upstairs", "network");
        use(b);
        String before = snapshot();
        assertRefused(server.post("/api/kb/" + a + "/merge", admin, new JsonObject().put("from", a)), 400, "from");
        assertRefused(server.post("/api/kb/" + a + "/merge", admin, new JsonObject().put("from", 999_999)), 400, "from");
        assertRefused(server.post("/api/kb/999999/merge", admin, new JsonObject().put("from", b)), 404, null);
        assertRefused(server.post("/api/kb/" + a + "/merge", admin, new JsonObject()), 400, "from");
        assertRefused(server.post("/api/kb/" + a + "/merge", admin, new JsonObject().put("from", "b")), 400, "from");
        assertRefused(server.post("/api/kb/" + a + "/merge", admin, new JsonObject().put("from", b).put("x", 1)), 400, "x");
        assertRefused(server.post("/api/kb/abc/retire", admin, new JsonObject()), 404, null);
        assertRefused(server.post("/api/kb/999999/retire", admin, new JsonObject()), 404, null);
        assertRefused(server.get("/api/kb?status=gone", sam), 400, "status");
        assertRefused(server.get("/api/kb?used=often", sam), 400, "used");
        assertThat(snapshot()).isEqualTo(before);

        assertThat(server.post("/api/kb/" + a + "/retire", admin, new JsonObject()).status()).isEqualTo(200);
        before = snapshot();
        assertRefused(server.post("/api/kb/" + a + "/merge", admin, new JsonObject().put("from", b)), 409, "articleId");
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    @DisplayName("agents search the articles in use only; only admins retire and merge")
    void roles() {
        long a = article("Docking station not charging", "hardware");
        long b = article("Dock does not charge laptop", "hardware");
        assertRefused(server.get("/api/kb?status=all", alice), 403, null);
        assertRefused(server.get("/api/kb?used=never", alice), 403, null);
        for (String token : List.of(alice, sam)) {
            assertRefused(server.post("/api/kb/" + a + "/retire", token, new JsonObject()), 403, null);
            assertRefused(server.post("/api/kb/" + a + "/merge", token, new JsonObject().put("from", b)), 403, null);
        }
        assertRefused(server.post("/api/kb/" + a + "/retire", null, new JsonObject()), 401, null);
        assertThat(server.get("/api/kb/" + a, alice).json().getValue("retiredAt")).isNull();
    }

    private Reply csv(String path, String token, String body) {
        return server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "text/csv").header("Authorization", "Bearer " + token)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    @DisplayName("importing articles from CSV: every row's problems in the preview, nothing written while one is wrong, all in one go when right; admins only")
    void importArticles() {
        long before = server.queryLong("SELECT COUNT(*) FROM kb_articles");
        String bad = "Title,Category,Problem,Solution\n"
                + "Outlook asks for the password again,software,\"It keeps asking,\nevery hour\",Remove the saved credential\n"
                + "No category,,P,S\n"
                + "Bad category,furniture,P,S\n";
        Reply preview = csv("/api/kb/import/preview", admin, bad);
        assertThat(preview.status()).isEqualTo(200);
        assertThat(preview.json().getInteger("valid")).isEqualTo(1);
        assertThat(preview.json().getJsonArray("errors").stream().map(o -> ((JsonObject) o).getInteger("row") + " "
                + ((JsonObject) o).getString("field")).toList()).containsExactly("3 category", "4 category");
        assertRefused(csv("/api/kb/import", admin, bad), 400, "file");
        assertThat(server.queryLong("SELECT COUNT(*) FROM kb_articles")).isEqualTo(before);
        for (String token : List.of(alice, sam)) {
            assertRefused(csv("/api/kb/import/preview", token, bad), 403, null);
        }
        assertThat(csv("/api/kb/import/preview", admin, "title,problem\nA,B\n").json().getJsonArray("errors").getJsonObject(0)
                .getString("message")).contains("title, problem, solution and category");
        assertRefused(csv("/api/kb/import", admin, "title,problem\nA,B\n"), 400, "file");
        assertRefused(csv("/api/kb/import", admin, ""), 400, "file");

        Reply r = csv("/api/kb/import?filename=kb.csv", admin, bad.replace("No category,,", "No category,other,")
                .replace("furniture", "Hardware"));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        assertThat(r.json().getInteger("imported")).isEqualTo(3);
        assertThat(server.queryLong("SELECT COUNT(*) FROM kb_articles")).isEqualTo(before + 3);
        assertThat(ids(server.get("/api/kb?q=outlook%20password", alice))).hasSize(1);
        assertThat(server.queryLong("SELECT COUNT(*) FROM kb_articles WHERE title = 'Bad category' AND category = 'hardware'"))
                .isEqualTo(1);
        assertThat(server.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = 'kb.import' AND detail = '3 articles from kb.csv'"))
                .isEqualTo(1);
    }

    private String snapshot() {
        return server.queryLong("SELECT COUNT(*) FROM audit_log") + "/"
                + server.queryLong("SELECT COALESCE(SUM(times_used), 0) FROM kb_articles") + "/"
                + server.queryLong("SELECT COUNT(*) FROM kb_articles WHERE retired_at IS NOT NULL") + "/"
                + server.queryLong("SELECT COALESCE(SUM(kb_article_id), 0) FROM call_outcomes");
    }
}
