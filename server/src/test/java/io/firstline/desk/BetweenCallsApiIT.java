package io.firstline.desk;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("what the desk reads between calls: ticket lists (mine, a queue's, by status) and a caller's notes")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BetweenCallsApiIT {

    private TestServer server;
    private String alice;
    private String bob;
    private long janeId;
    private long mineOpen;
    private long mineResolved;
    private long bobsFromHardware;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start();
        String admin = server.loginAdmin();
        server.createTraceAgents(admin);
        alice = server.login("alice", "alice-password");
        bob = server.login("bob", "bob-password");
        janeId = server.post("/api/callers", alice, new JsonObject().put("name", "Jane Doe")
                .put("phones", new JsonArray().add("+15551234567"))).json().getLong("id");
        mineOpen = ticket(alice, "VPN drops");
        mineResolved = ticket(alice, "Printer offline");
        assertThat(server.patch("/api/tickets/" + mineResolved, alice, new JsonObject().put("status", "resolved")
                .put("resolution", "Restarted the spooler")).status()).isEqualTo(200);
        bobsFromHardware = ticket(bob, "Laptop will not boot");
        try (Connection c = server.db().connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO calls (pbx, linkedid, caller_number, caller_id, menu_path, queue, status, agent_id,"
                    + " entered_at, answered_at, ended_at, wait_seconds, talk_seconds) SELECT 'pbx', 'between-1', '+15551234567', "
                    + janeId + ", 'main/hardware', 'hardware', 'answered', id, NOW(3) - INTERVAL 1 HOUR, NOW(3) - INTERVAL 1 HOUR,"
                    + " NOW(3) - INTERVAL 1 HOUR, 12, 240 FROM agents WHERE username = 'bob'");
            st.executeUpdate("UPDATE tickets SET call_id = (SELECT id FROM calls WHERE linkedid = 'between-1') WHERE id = "
                    + bobsFromHardware);
            st.executeUpdate("INSERT INTO call_outcomes (call_id, agent_id, disposition, notes, ticket_id, ticket_action, created_at)"
                    + " SELECT c.id, c.agent_id, 'ticket-opened', 'Caller says it beeps three times', " + bobsFromHardware
                    + ", 'new', NOW(3) - INTERVAL 1 HOUR FROM calls c WHERE c.linkedid = 'between-1'");
            // An outcome whose notes its ticket update also wrote as a ticket note.
            st.executeUpdate("INSERT INTO call_outcomes (call_id, agent_id, disposition, notes, ticket_id, ticket_action, created_at)"
                    + " SELECT c.id, c.agent_id, 'ticket-updated', 'Sent a loan laptop', " + bobsFromHardware
                    + ", 'update', NOW(3) - INTERVAL 30 MINUTE FROM calls c WHERE c.linkedid = 'between-1'");
            st.executeUpdate("INSERT INTO ticket_notes (ticket_id, agent_id, body, created_at) SELECT " + bobsFromHardware
                    + ", id, 'Sent a loan laptop', NOW(3) - INTERVAL 30 MINUTE FROM agents WHERE username = 'bob'");
        }
        assertThat(server.post("/api/tickets/" + mineOpen + "/notes", alice, new JsonObject().put("body", "Asked for the VPN log"))
                .status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private long ticket(String token, String subject) {
        TestServer.Reply r = server.post("/api/tickets", token, new JsonObject().put("callerId", janeId).put("subject", subject)
                .put("category", "hardware"));
        assertThat(r.status()).isEqualTo(201);
        return r.json().getLong("id");
    }

    private static List<Long> ids(JsonObject page) {
        return page.getJsonArray("items").stream().map(o -> ((JsonObject) o).getLong("id")).toList();
    }

    @Test
    @DisplayName("tickets I opened, a queue's tickets (opened from its calls), each by status, newest first")
    void ticketLists() {
        assertThat(ids(server.get("/api/tickets?mine=true", alice).json())).containsExactly(mineResolved, mineOpen);
        assertThat(ids(server.get("/api/tickets?mine=true&status=open", alice).json())).containsExactly(mineOpen);
        assertThat(ids(server.get("/api/tickets?mine=true", bob).json())).containsExactly(bobsFromHardware);
        assertThat(ids(server.get("/api/tickets?mine=false", alice).json())).contains(mineOpen, mineResolved, bobsFromHardware);
        assertThat(ids(server.get("/api/tickets?queue=hardware", alice).json())).containsExactly(bobsFromHardware);
        assertThat(ids(server.get("/api/tickets?queue=hardware&status=resolved", alice).json())).isEmpty();
        assertThat(server.get("/api/tickets?queue=software", alice).json().getLong("total")).isZero();

        assertRefused(server.get("/api/tickets?mine=yes", alice), 400, "mine");
        assertRefused(server.get("/api/tickets?queue=" + "q".repeat(81), alice), 400, "queue");
        assertRefused(server.get("/api/tickets?status=done", alice), 400, "status");
    }

    @Test
    @DisplayName("a caller's notes: their tickets' and their calls' outcomes', newest first, a note written to both given once")
    void callerNotes() {
        JsonArray notes = server.get("/api/callers/" + janeId + "/notes", alice).json().getJsonArray("items");
        assertThat(notes.stream().map(o -> ((JsonObject) o).getString("body")).toList())
                .containsExactly("Asked for the VPN log", "Sent a loan laptop", "Caller says it beeps three times");
        JsonObject fromCall = notes.getJsonObject(2);
        assertThat(fromCall.getLong("callId")).isNotNull();
        assertThat(fromCall.getLong("ticketId")).isEqualTo(bobsFromHardware);
        assertThat(fromCall.getJsonObject("agent").getString("name")).isEqualTo("Bob Agent");
        assertThat(notes.getJsonObject(0).getLong("ticketId")).isEqualTo(mineOpen);
        assertThat(notes.getJsonObject(0).getValue("callId")).isNull();
        assertThat(server.get("/api/callers/" + janeId + "/notes?limit=1", alice).json().getJsonArray("items")).hasSize(1);

        assertRefused(server.get("/api/callers/987654/notes", alice), 404, null);
        assertRefused(server.get("/api/callers/" + janeId + "/notes?limit=101", alice), 400, "limit");
        assertRefused(server.get("/api/callers/" + janeId + "/notes?offset=5", alice), 400, "offset");
        assertRefused(server.get("/api/callers/x/notes", alice), 404, null);
        assertRefused(server.get("/api/callers/" + janeId + "/notes", null), 401, null);
    }
}
