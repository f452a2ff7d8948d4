package io.firstline.records;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer.Reply;
import io.firstline.TestServer;
import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.db.Database;
import io.firstline.phone.PhoneNumbers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the calls API: recorded calls, their timelines and their outcomes")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallsApiIT {

    private static final String ALICE_IFACE = "PJSIP/2001";
    private static final String BOB_IFACE = "PJSIP/2002";
    private static final AtomicInteger LINKEDIDS = new AtomicInteger();

    private TestServer server;
    private Vertx vertx;
    private Database db;
    private CallStore calls;
    private String admin;
    private String alice;
    private String bob;
    private String sam;
    private long aliceId;
    private long bobId;

    @BeforeAll
    void start() {
        server = TestServer.start();
        admin = server.loginAdmin();
        aliceId = create(admin, "/api/agents", new JsonObject().put("username", "alice").put("name", "Alice Agent")
                .put("password", "alice-password").put("interface", ALICE_IFACE)).getLong("id");
        bobId = create(admin, "/api/agents", new JsonObject().put("username", "bob").put("name", "Bob Agent")
                .put("password", "bob-password").put("interface", BOB_IFACE)).getLong("id");
        create(admin, "/api/agents", new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor"));
        alice = server.login("alice", "alice-password");
        bob = server.login("bob", "bob-password");
        sam = server.login("sam", "sam-password");
        // The calls are written the way the recorder writes them: through CallStore, on its own pool.
        vertx = Vertx.vertx();
        db = Database.open(vertx, server.db().url(), server.db().user(), server.db().password(), 2, Optional.empty());
        calls = new CallStore(db, new PhoneNumbers("US"));
    }

    @AfterAll
    void stop() {
        if (db != null) {
            db.close();
        }
        if (vertx != null) {
            vertx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private JsonObject create(String token, String path, JsonObject body) {
        Reply r = server.post(path, token, body);
        assertThat(r.status()).as(path + " " + r.json()).isEqualTo(201);
        return r.json();
    }

    /** Every table an outcome may write to, with the KB use counter. */
    private List<Long> outcomeTables() {
        return List.of(server.queryLong("SELECT COUNT(*) FROM call_outcomes"), server.queryLong("SELECT COUNT(*) FROM tickets"),
                server.queryLong("SELECT COUNT(*) FROM ticket_notes"), server.queryLong("SELECT COUNT(*) FROM kb_articles"),
                server.queryLong("SELECT COALESCE(SUM(times_used), 0) FROM kb_articles"),
                server.queryLong("SELECT COUNT(*) FROM tickets WHERE status = 'resolved'"),
                server.queryLong("SELECT COUNT(*) FROM calls WHERE caller_id IS NOT NULL"));
    }

    private long caller(String name, String phone) {
        return create(alice, "/api/callers", new JsonObject().put("name", name).put("phones", new JsonArray().add(phone)))
                .getLong("id");
    }

    /** Records a call as the recorder would, with a short timeline; returns its id. */
    private long call(Instant t0, String number, String queue, String memberIface, CallStatus status) {
        String linkedid = "api-" + LINKEDIDS.incrementAndGet();
        boolean answered = memberIface != null;
        boolean ended = status.finished();
        CallView v = new CallView("pbx", linkedid, number, "Caller " + linkedid, null, "main/" + queue, null, queue, null,
                status, t0, t0.plusSeconds(5), answered ? t0.plusSeconds(12) : null, ended ? t0.plusSeconds(90) : null,
                memberIface, null, answered || ended ? 7 : null, answered && ended ? 78 : null, ended ? "caller" : null,
                false, List.of());
        List<CallChange.Timeline> timeline = new java.util.ArrayList<>(List.of(
                new CallChange.Timeline(t0, "entered", null, null, number, "entered"),
                new CallChange.Timeline(t0.plusSeconds(5), "queued", queue, null, "position 1", "queued:" + queue)));
        if (answered) {
            timeline.add(new CallChange.Timeline(t0.plusSeconds(12), "answered", queue, memberIface, "after 7 s", "answered"));
        }
        if (ended) {
            timeline.add(new CallChange.Timeline(t0.plusSeconds(90), "ended", queue, null, status.wire(), "ended"));
        }
        // Shuffled on purpose: the API must put the timeline in time order.
        java.util.Collections.reverse(timeline);
        try {
            return calls.record(v, timeline).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long answeredByAlice(String number) {
        return call(Instant.parse("2026-11-20T10:00:00Z"), number, "software", ALICE_IFACE, CallStatus.ANSWERED);
    }

    private Reply outcome(long callId, String token, JsonObject body) {
        return server.post("/api/calls/" + callId + "/outcome", token, body);
    }

    private Reply outcome(long callId, String token, JsonObject body, String key) {
        return server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/calls/" + callId + "/outcome"))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    }

    private long article(String title) {
        return create(alice, "/api/kb", new JsonObject().put("title", title).put("problem", "P").put("solution", "S")
                .put("category", "software")).getLong("id");
    }

    @Test
    @DisplayName("every calls API needs sign-in")
    void signIn() {
        assertRefused(server.get("/api/calls", null), 401, null);
        assertRefused(server.get("/api/calls/1", null), 401, null);
        assertRefused(server.post("/api/calls/1/outcome", null, new JsonObject().put("disposition", "resolved")), 401, null);
    }

    @Nested
    @DisplayName("listing and reading calls")
    class Reading {

        @Test
        @DisplayName("calls are listed newest first and narrowed by time, queue, agent, caller and how they ended")
        void filters() {
            Instant day = Instant.parse("2030-01-15T00:00:00Z");
            long callerId = caller("Filter Caller", "+15556660001");
            long answered = call(day.plusSeconds(3600), "+15556660001", "software", ALICE_IFACE, CallStatus.ANSWERED);
            long abandoned = call(day.plusSeconds(7200), "+15556660001", "hardware", null, CallStatus.ABANDONED);
            long menuOnly = call(day.plusSeconds(10800), "+15556660002", "status", null, CallStatus.MENU_ONLY);
            long unanswered = call(day.plusSeconds(14400), "+15556660003", "network", null, CallStatus.UNANSWERED);
            long bobs = call(day.plusSeconds(18000), "+15556660003", "network", BOB_IFACE, CallStatus.ANSWERED);
            long live = call(day.plusSeconds(21600), "+15556660004", "software", null, CallStatus.QUEUED);
            String range = "from=2030-01-15T00:00:00Z&to=2030-01-16T00:00:00Z";

            JsonObject all = server.get("/api/calls?" + range, alice).json();
            assertThat(all.getLong("total")).isEqualTo(6);
            assertThat(ids(all)).containsExactly(live, bobs, unanswered, menuOnly, abandoned, answered);

            assertThat(ids(server.get("/api/calls?" + range + "&status=answered", alice).json())).containsExactly(bobs, answered);
            assertThat(ids(server.get("/api/calls?" + range + "&status=abandoned", alice).json())).containsExactly(abandoned);
            assertThat(ids(server.get("/api/calls?" + range + "&status=unanswered", alice).json())).containsExactly(unanswered);
            assertThat(ids(server.get("/api/calls?" + range + "&status=menu-only", alice).json())).containsExactly(menuOnly);
            assertThat(ids(server.get("/api/calls?" + range + "&status=in-progress", alice).json())).containsExactly(live);
            assertThat(ids(server.get("/api/calls?" + range + "&queue=network", alice).json())).containsExactly(bobs, unanswered);
            assertThat(ids(server.get("/api/calls?" + range + "&agentId=" + aliceId, alice).json())).containsExactly(answered);
            assertThat(ids(server.get("/api/calls?" + range + "&agentId=" + bobId, alice).json())).containsExactly(bobs);
            assertThat(ids(server.get("/api/calls?callerId=" + callerId, alice).json())).containsExactly(abandoned, answered);
            assertThat(ids(server.get("/api/calls?from=2030-01-15T03:00:00Z&to=2030-01-15T05:00:00Z", alice).json()))
                    .containsExactly(unanswered, menuOnly);
            // part of the number, typed as people do; and by the latest outcome's disposition
            assertThat(ids(server.get("/api/calls?" + range + "&number=%28555%29%20666-0003", alice).json()))
                    .containsExactly(bobs, unanswered);
            assertThat(ids(server.get("/api/calls?" + range + "&number=6660001", alice).json())).containsExactly(abandoned, answered);
            assertThat(ids(server.get("/api/calls?" + range + "&disposition=resolved", alice).json())).isEmpty();
            assertThat(server.post("/api/calls/" + bobs + "/outcome", bob, new JsonObject().put("disposition", "escalated"))
                    .status()).isEqualTo(201);
            assertThat(server.post("/api/calls/" + bobs + "/outcome", bob, new JsonObject().put("disposition", "resolved"))
                    .status()).isEqualTo(201);
            assertThat(ids(server.get("/api/calls?" + range + "&disposition=resolved", alice).json())).containsExactly(bobs);
            assertThat(ids(server.get("/api/calls?" + range + "&disposition=escalated", alice).json()))
                    .as("only the latest outcome counts").isEmpty();

            JsonObject page = server.get("/api/calls?" + range + "&limit=2&offset=1", alice).json();
            assertThat(page.getLong("total")).isEqualTo(6);
            assertThat(page.getInteger("limit")).isEqualTo(2);
            assertThat(page.getInteger("offset")).isEqualTo(1);
            assertThat(ids(page)).containsExactly(bobs, unanswered);

            JsonObject item = all.getJsonArray("items").getJsonObject(5);
            assertThat(item.getString("status")).isEqualTo("answered");
            assertThat(item.getString("pbx")).isEqualTo("pbx");
            assertThat(item.getString("linkedid")).startsWith("api-");
            assertThat(item.getString("callerNumber")).isEqualTo("+15556660001");
            assertThat(item.getLong("callerId")).isEqualTo(callerId);
            assertThat(item.getString("queue")).isEqualTo("software");
            assertThat(item.getString("menuPath")).isEqualTo("main/software");
            assertThat(item.getJsonObject("agent")).isEqualTo(new JsonObject().put("id", aliceId).put("username", "alice")
                    .put("name", "Alice Agent"));
            assertThat(item.getString("enteredAt")).isEqualTo("2030-01-15T01:00:00Z");
            assertThat(item.getString("answeredAt")).isEqualTo("2030-01-15T01:00:12Z");
            assertThat(item.getString("endedAt")).isEqualTo("2030-01-15T01:01:30Z");
            assertThat(item.getInteger("waitSeconds")).isEqualTo(7);
            assertThat(item.getInteger("talkSeconds")).isEqualTo(78);
            JsonObject liveItem = all.getJsonArray("items").getJsonObject(0);
            assertThat(liveItem.getString("status")).isEqualTo("in-progress");
            assertThat(liveItem.getValue("agent")).isNull();
            assertThat(liveItem.getValue("callerId")).isNull();
        }

        @Test
        @DisplayName("an agent's own calls come newest first with the outcome they recorded; unsaved=true keeps the ended ones without one")
        void mine() {
            create(admin, "/api/agents", new JsonObject().put("username", "dana").put("name", "Dana Agent")
                    .put("password", "dana-password").put("interface", "PJSIP/2009"));
            String dana = server.login("dana", "dana-password");
            long older = call(Instant.parse("2026-11-21T09:00:00Z"), "+15556660301", "software", "PJSIP/2009", CallStatus.ANSWERED);
            long newer = call(Instant.parse("2026-11-21T10:00:00Z"), "+15556660302", "hardware", "PJSIP/2009", CallStatus.ANSWERED);
            long live = call(Instant.parse("2026-11-21T11:00:00Z"), "+15556660303", "hardware", "PJSIP/2009", CallStatus.CONNECTED);
            call(Instant.parse("2026-11-21T10:30:00Z"), "+15556660304", "hardware", BOB_IFACE, CallStatus.ANSWERED);
            assertThat(outcome(older, dana, new JsonObject().put("disposition", "resolved")).status()).isEqualTo(201);
            // A supervisor's outcome is not Dana's: hers is still to be saved.
            assertThat(outcome(newer, sam, new JsonObject().put("disposition", "escalated")).status()).isEqualTo(201);

            JsonObject all = server.get("/api/agents/me/calls", dana).json();
            assertThat(ids(all)).containsExactly(live, newer, older);
            assertThat(all.getLong("total")).isEqualTo(3);
            JsonObject first = all.getJsonArray("items").getJsonObject(2);
            assertThat(first.getJsonObject("outcome").getString("disposition")).isEqualTo("resolved");
            assertThat(first.getString("callerNumber")).isEqualTo("+15556660301");
            assertThat(all.getJsonArray("items").getJsonObject(1).getValue("outcome")).isNull();
            assertThat(all.getJsonArray("items").getJsonObject(0).getString("status")).isEqualTo("in-progress");

            JsonObject unsaved = server.get("/api/agents/me/calls?unsaved=true", dana).json();
            assertThat(ids(unsaved)).containsExactly(newer);
            assertThat(unsaved.getLong("total")).isEqualTo(1);
            assertThat(ids(server.get("/api/agents/me/calls?limit=1&offset=1", dana).json())).containsExactly(newer);

            assertRefused(server.get("/api/agents/me/calls?unsaved=yes", dana), 400, "unsaved");
            assertRefused(server.get("/api/agents/me/calls?limit=0", dana), 400, "limit");
            assertRefused(server.get("/api/agents/me/calls", null), 401, null);
        }

        @Test
        @DisplayName("bad filters are refused with the parameter named")
        void badFilters() {
            assertRefused(server.get("/api/calls?from=yesterday", alice), 400, "from");
            assertRefused(server.get("/api/calls?to=2030-01-15", alice), 400, "to");
            assertRefused(server.get("/api/calls?from=2030-01-15T00:00:00Z&to=2030-01-14T00:00:00Z", alice), 400, "to");
            assertRefused(server.get("/api/calls?status=lost", alice), 400, "status");
            assertRefused(server.get("/api/calls?number=abc", alice), 400, "number");
            assertRefused(server.get("/api/calls?number=12", alice), 400, "number");
            assertRefused(server.get("/api/calls?number=555%25", alice), 400, "number");
            assertRefused(server.get("/api/calls?disposition=fixed", alice), 400, "disposition");
            assertRefused(server.get("/api/calls?agentId=alice", alice), 400, "agentId");
            assertRefused(server.get("/api/calls?callerId=0", alice), 400, "callerId");
            assertRefused(server.get("/api/calls?limit=501", alice), 400, "limit");
        }

        @Test
        @DisplayName("a call has its timeline in time order, with the agent named, and its outcomes")
        void detail() {
            long id = answeredByAlice("+15556660100");
            Reply r = server.get("/api/calls/" + id, bob);
            assertThat(r.status()).isEqualTo(200);
            JsonArray timeline = r.json().getJsonArray("timeline");
            assertThat(timeline.stream().map(o -> ((JsonObject) o).getString("type")).toList())
                    .containsExactly("entered", "queued", "answered", "ended");
            JsonObject answered = timeline.getJsonObject(2);
            assertThat(answered.getString("at")).isEqualTo("2026-11-20T10:00:12Z");
            assertThat(answered.getString("queue")).isEqualTo("software");
            assertThat(answered.getString("interface")).isEqualTo(ALICE_IFACE);
            assertThat(answered.getJsonObject("agent").getString("username")).isEqualTo("alice");
            assertThat(answered.getString("detail")).isEqualTo("after 7 s");
            assertThat(timeline.getJsonObject(0).containsKey("agent")).isFalse();
            assertThat(timeline.getJsonObject(0).containsKey("queue")).isFalse();
            assertThat(r.json().getJsonArray("outcomes")).isEmpty();

            assertThat(outcome(id, alice, new JsonObject().put("disposition", "no-problem").put("notes", "Just checking")).status())
                    .isEqualTo(201);
            JsonArray outcomes = server.get("/api/calls/" + id, bob).json().getJsonArray("outcomes");
            assertThat(outcomes).hasSize(1);
            assertThat(outcomes.getJsonObject(0).getString("disposition")).isEqualTo("no-problem");
            assertThat(outcomes.getJsonObject(0).getString("notes")).isEqualTo("Just checking");
            assertThat(outcomes.getJsonObject(0).getJsonObject("agent").getString("name")).isEqualTo("Alice Agent");

            assertRefused(server.get("/api/calls/987654321", alice), 404, null);
            assertRefused(server.get("/api/calls/abc", alice), 404, null);
        }
    }

    @Nested
    @DisplayName("outcomes")
    class Outcomes {

        @Test
        @DisplayName("the agent who took the call and a supervisor may record its outcome; another agent may not")
        void permissions() {
            long id = answeredByAlice("+15556660200");
            JsonObject resolved = new JsonObject().put("disposition", "resolved");
            List<Long> before = outcomeTables();
            assertRefused(outcome(id, bob, resolved), 403, null);
            assertThat(outcomeTables()).isEqualTo(before);

            Reply mine = outcome(id, alice, resolved.copy().put("wrapupSeconds", 30));
            assertThat(mine.status()).isEqualTo(201);
            assertThat(mine.json().getLong("callId")).isEqualTo(id);
            assertThat(mine.json().getString("disposition")).isEqualTo("resolved");
            assertThat(mine.json().getValue("ticketId")).isNull();
            assertThat(mine.json().getValue("kbArticleId")).isNull();
            assertThat(mine.json().getValue("newArticleId")).isNull();
            assertThat(mine.json().getString("createdAt")).isNotBlank();
            assertThat(mine.json().getLong("id")).isPositive();

            assertThat(outcome(id, sam, new JsonObject().put("disposition", "escalated")).status()).isEqualTo(201);
            assertThat(outcome(id, admin, new JsonObject().put("disposition", "callback-needed")).status()).isEqualTo(201);

            long nobodys = call(Instant.parse("2026-11-20T11:00:00Z"), "+15556660201", "hardware", null, CallStatus.ABANDONED);
            assertRefused(outcome(nobodys, alice, resolved), 403, null);
            assertThat(outcome(nobodys, sam, new JsonObject().put("disposition", "callback-needed")).status()).isEqualTo(201);

            before = outcomeTables();
            assertRefused(outcome(987654321, sam, resolved), 404, null);
            assertThat(outcomeTables()).isEqualTo(before);
        }

        @Test
        @DisplayName("a new ticket is opened for the call's caller, linked to the call, and shows in the caller's tickets")
        void newTicket() {
            long callerId = caller("Nora Newticket", "+15556660300");
            long id = answeredByAlice("+15556660300");
            Reply r = outcome(id, alice, new JsonObject().put("disposition", "ticket-opened").put("notes", "Needs a new disk")
                    .put("ticket", new JsonObject().put("action", "new").put("subject", "Disk failing").put("category", "hardware")
                            .put("priority", "high").put("problem", "SMART errors")));
            assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(201);
            long ticketId = r.json().getLong("ticketId");

            JsonObject tickets = server.get("/api/tickets?callerId=" + callerId, alice).json();
            assertThat(tickets.getLong("total")).isEqualTo(1);
            JsonObject t = tickets.getJsonArray("items").getJsonObject(0);
            assertThat(t.getLong("id")).isEqualTo(ticketId);
            assertThat(t.getLong("callId")).isEqualTo(id);
            assertThat(t.getString("subject")).isEqualTo("Disk failing");
            assertThat(t.getString("priority")).isEqualTo("high");
            assertThat(t.getString("status")).isEqualTo("open");
            assertThat(t.getLong("createdBy")).isEqualTo(aliceId);
        }

        @Test
        @DisplayName("a caller added during the call is found for the new ticket; a call nobody can be found for is refused")
        void newTicketCaller() {
            JsonObject ticket = new JsonObject().put("action", "new").put("subject", "Printer").put("category", "hardware");
            long unknown = answeredByAlice("+15556660310");
            List<Long> before = outcomeTables();
            assertRefused(outcome(unknown, alice, new JsonObject().put("disposition", "ticket-opened").put("ticket", ticket)),
                    400, "ticket");
            assertThat(outcomeTables()).isEqualTo(before);

            long callerId = caller("Late Addition", "+15556660310");
            Reply r = outcome(unknown, alice, new JsonObject().put("disposition", "ticket-opened").put("ticket", ticket));
            assertThat(r.status()).isEqualTo(201);
            assertThat(server.get("/api/tickets?callerId=" + callerId, alice).json().getLong("total")).isEqualTo(1);
            assertThat(server.get("/api/calls/" + unknown, alice).json().getLong("callerId")).isEqualTo(callerId);
        }

        @Test
        @DisplayName("a ticket of any caller is updated or resolved with a note from the notes")
        void updateAndResolve() {
            long other = caller("Other Person", "+15556660400");
            long ticketId = create(bob, "/api/tickets", new JsonObject().put("callerId", other).put("subject", "VPN drops")
                    .put("category", "network")).getLong("id");
            long id = answeredByAlice("+15556660401");

            Reply updated = outcome(id, alice, new JsonObject().put("disposition", "ticket-updated").put("notes", "Tried a new driver")
                    .put("ticket", new JsonObject().put("action", "update").put("id", ticketId).put("priority", "urgent")));
            assertThat(updated.status()).isEqualTo(201);
            assertThat(updated.json().getLong("ticketId")).isEqualTo(ticketId);
            JsonObject t = server.get("/api/tickets/" + ticketId, alice).json();
            assertThat(t.getString("priority")).isEqualTo("urgent");
            assertThat(t.getString("status")).isEqualTo("open");
            assertThat(t.getJsonArray("notes")).hasSize(1);
            assertThat(t.getJsonArray("notes").getJsonObject(0).getString("body")).isEqualTo("Tried a new driver");

            Reply resolved = outcome(id, alice, new JsonObject().put("disposition", "resolved").put("notes", "Works now")
                    .put("ticket", new JsonObject().put("action", "resolve").put("id", ticketId).put("resolution", "Driver 2.1")));
            assertThat(resolved.status()).isEqualTo(201);
            t = server.get("/api/tickets/" + ticketId, alice).json();
            assertThat(t.getString("status")).isEqualTo("resolved");
            assertThat(t.getString("resolution")).isEqualTo("Driver 2.1");
            assertThat(t.getString("resolvedAt")).isNotNull();
            assertThat(t.getJsonArray("notes")).hasSize(2);
        }

        @Test
        @DisplayName("the solution used is counted, and a new solution becomes a knowledge-base article")
        void knowledgeBase() {
            long used = article("Outlook asks for the password again and again");
            long id = answeredByAlice("+15556660500");
            Reply r = outcome(id, alice, new JsonObject().put("disposition", "resolved").put("kbArticleId", used)
                    .put("newSolution", new JsonObject().put("title", "Teams camera black").put("problem", "Camera shows black")
                            .put("solution", "Close the other app using the camera").put("category", "software")));
            assertThat(r.status()).isEqualTo(201);
            assertThat(r.json().getLong("kbArticleId")).isEqualTo(used);
            long added = r.json().getLong("newArticleId");
            assertThat(server.get("/api/kb/" + used, alice).json().getInteger("timesUsed")).isEqualTo(1);
            JsonObject a = server.get("/api/kb/" + added, alice).json();
            assertThat(a.getString("title")).isEqualTo("Teams camera black");
            assertThat(a.getString("solution")).startsWith("Close the other app");
            JsonObject listed = server.get("/api/calls/" + id, alice).json().getJsonArray("outcomes").getJsonObject(0);
            assertThat(listed.getLong("newArticleId")).isEqualTo(added);
        }

        @Test
        @DisplayName("a resubmission with the same Idempotency-Key writes nothing twice and answers the first result")
        void idempotent() {
            long callerId = caller("Ida Empotent", "+15556660600");
            long used = article("Wi-Fi forgets the network");
            long id = answeredByAlice("+15556660600");
            JsonObject body = new JsonObject().put("disposition", "ticket-opened").put("kbArticleId", used)
                    .put("ticket", new JsonObject().put("action", "new").put("subject", "Wi-Fi").put("category", "network"))
                    .put("newSolution", new JsonObject().put("title", "Wi-Fi profile").put("problem", "P").put("solution", "S")
                            .put("category", "network"));
            Reply first = outcome(id, alice, body, "outcome-key-1");
            assertThat(first.status()).isEqualTo(201);
            List<Long> after = outcomeTables();
            Reply second = outcome(id, alice, body, "outcome-key-1");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.json()).isEqualTo(first.json());
            Reply third = outcome(id, sam, body, "outcome-key-1");
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.json()).isEqualTo(first.json());
            assertThat(outcomeTables()).isEqualTo(after);
            assertThat(server.get("/api/tickets?callerId=" + callerId, alice).json().getLong("total")).isEqualTo(1);
            assertThat(server.get("/api/kb/" + used, alice).json().getInteger("timesUsed")).isEqualTo(1);

            long otherCall = answeredByAlice("+15556660601");
            assertRefused(outcome(otherCall, alice, new JsonObject().put("disposition", "resolved"), "outcome-key-1"), 409,
                    "Idempotency-Key");
            assertRefused(outcome(otherCall, alice, new JsonObject().put("disposition", "resolved"), "k".repeat(101)), 400,
                    "Idempotency-Key");
            assertThat(outcomeTables()).isEqualTo(after);
            assertThat(outcome(otherCall, alice, new JsonObject().put("disposition", "resolved"), "k".repeat(100)).status())
                    .isEqualTo(201);
        }

        @Test
        @DisplayName("a bad outcome is refused with the field named, and nothing at all is written")
        void badOutcomes() {
            caller("Bad Outcome Caller", "+15556660700");
            long id = answeredByAlice("+15556660700");
            long used = article("Keyboard types wrong letters");
            long otherTicket = create(alice, "/api/tickets", new JsonObject().put("callerId", caller("T Owner", "+15556660701"))
                    .put("subject", "Old").put("category", "other")).getLong("id");
            JsonObject newTicket = new JsonObject().put("action", "new").put("subject", "S").put("category", "software");
            JsonObject solution = new JsonObject().put("title", "T").put("problem", "P").put("solution", "S").put("category", "other");
            JsonObject ok = new JsonObject().put("disposition", "resolved");
            List<Long> before = outcomeTables();

            assertRefused(outcome(id, alice, new JsonObject()), 400, "disposition");
            assertRefused(outcome(id, alice, new JsonObject().put("disposition", "fixed-it")), 400, "disposition");
            assertRefused(outcome(id, alice, ok.copy().put("mood", "happy")), 400, "mood");
            assertRefused(outcome(id, alice, ok.copy().put("notes", 5)), 400, "notes");
            assertRefused(outcome(id, alice, ok.copy().put("wrapupSeconds", -1)), 400, "wrapupSeconds");
            assertRefused(outcome(id, alice, ok.copy().put("wrapupSeconds", 1.5)), 400, "wrapupSeconds");
            assertRefused(outcome(id, alice, ok.copy().put("kbArticleId", "7")), 400, "kbArticleId");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", "new")), 400, "ticket");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", new JsonObject().put("subject", "S"))), 400, "ticket.action");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", new JsonObject().put("action", "close").put("id", 1))), 400,
                    "ticket.action");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", newTicket.copy().put("subject", " "))), 400, "ticket.subject");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", newTicket.copy().putNull("subject"))), 400, "ticket.subject");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", newTicket.copy().put("category", "plumbing"))), 400,
                    "ticket.category");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", newTicket.copy().put("priority", "asap"))), 400,
                    "ticket.priority");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", newTicket.copy().put("id", otherTicket))), 400, "ticket.id");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", newTicket.copy().put("owner", "me"))), 400, "ticket.owner");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", new JsonObject().put("action", "update"))), 400, "ticket.id");
            assertRefused(outcome(id, alice, ok.copy().put("ticket", new JsonObject().put("action", "resolve").put("id", otherTicket))),
                    400, "ticket.resolution");
            assertRefused(outcome(id, alice, ok.copy().put("newSolution", solution.copy().putNull("title"))), 400, "newSolution.title");
            assertRefused(outcome(id, alice, ok.copy().put("newSolution", solution.copy().put("category", "misc"))), 400,
                    "newSolution.category");
            // Found wrong only inside the transaction: what was done before it is rolled back.
            assertRefused(outcome(id, alice, ok.copy().put("ticket", newTicket).put("newSolution", solution)
                    .put("kbArticleId", 987654321)), 400, "kbArticleId");
            assertRefused(outcome(id, alice, ok.copy().put("kbArticleId", used).put("newSolution", solution)
                    .put("ticket", new JsonObject().put("action", "resolve").put("id", 987654321).put("resolution", "R"))), 400,
                    "ticket.id");
            assertRefused(server.send("POST", "/api/calls/" + id + "/outcome", alice, "not json"), 400, null);
            assertThat(outcomeTables()).isEqualTo(before);
            assertThat(server.get("/api/kb/" + used, alice).json().getInteger("timesUsed")).isZero();
            assertThat(server.get("/api/tickets/" + otherTicket, alice).json().getString("status")).isEqualTo("open");
        }
    }

    private static List<Long> ids(JsonObject page) {
        return page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    }
}
