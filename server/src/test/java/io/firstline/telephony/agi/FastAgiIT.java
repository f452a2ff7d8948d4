package io.firstline.telephony.agi;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the FastAGI scripts, spoken to over a real socket as Asterisk 22 does")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FastAgiIT {

    private TestServer server;
    private long janeId;
    private long janeTicket;
    private long otherTicket;

    @BeforeAll
    void start() {
        server = TestServer.start();
        String admin = server.loginAdmin();
        janeId = server.post("/api/callers", admin, new JsonObject().put("name", "Jane \"JD\" Doe, IT")
                .put("phones", new JsonArray().add("+15551234567"))).json().getLong("id");
        janeTicket = server.post("/api/tickets", admin, new JsonObject().put("callerId", janeId).put("subject", "Printer")
                .put("category", "hardware")).json().getLong("id");
        long vip = server.post("/api/callers", admin, new JsonObject().put("name", "Vera Vip").put("vip", true)
                .put("phones", new JsonArray().add("+15559990000"))).json().getLong("id");
        otherTicket = server.post("/api/tickets", admin, new JsonObject().put("callerId", vip).put("subject", "Secret")
                .put("category", "account")).json().getLong("id");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** One AGI session: the environment block as Asterisk sends it, then every command answered with success. */
    private List<String> agi(String script, String callerId, String calleridName, String uniqueid) throws Exception {
        List<String> commands = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", server.app().agiPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            String env = "agi_network: yes\n"
                    + "agi_network_script: " + script + "\n"
                    + "agi_request: agi://127.0.0.1:4573/" + script + "\n"
                    + "agi_channel: Local/s@helpdesk-ivr-00000000;2\n"
                    + "agi_language: en\n"
                    + "agi_type: Local\n"
                    + "agi_uniqueid: " + uniqueid + "\n"
                    + "agi_version: 22.10.1\n"
                    + "agi_callerid: " + callerId + "\n"
                    + "agi_calleridname: " + calleridName + "\n"
                    + "agi_callingpres: 0\n"
                    + "agi_callingani2: 0\n"
                    + "agi_callington: 0\n"
                    + "agi_callingtns: 0\n"
                    + "agi_dnid: unknown\n"
                    + "agi_rdnis: unknown\n"
                    + "agi_context: helpdesk-ivr\n"
                    + "agi_extension: s\n"
                    + "agi_priority: 4\n"
                    + "agi_enhanced: 0.0\n"
                    + "agi_accountcode: \n"
                    + "agi_threadid: 139922047522496\n"
                    + "\n";
            out.write(env.getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                commands.add(line);
                String reply = line.equals("GET VARIABLE FIRSTLINE_MENU_PATH") ? "200 result=1 (main/software/callback)\n"
                        : "200 result=1\n";
                out.write(reply.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
        return commands;
    }

    @Test
    @DisplayName("identify: a known caller is named, with open tickets, VIP flag and queue priority; quotes are escaped")
    void identifyKnown() throws Exception {
        List<String> c = agi("identify", "+15551234567", "Jane Doe", "1795483013.1");
        assertThat(c).containsExactly(
                "SET VARIABLE FIRSTLINE_CALLER_ID \"" + janeId + "\"",
                "SET VARIABLE FIRSTLINE_CALLER_NAME \"Jane \\\"JD\\\" Doe, IT\"",
                "SET VARIABLE CALLERID(name) \"Jane \\\"JD\\\" Doe, IT\"",
                "SET VARIABLE FIRSTLINE_OPEN_TICKETS \"1\"",
                "SET VARIABLE FIRSTLINE_VIP \"0\"",
                "SET VARIABLE FIRSTLINE_PRIORITY \"5\"");
        assertThat(agi("identify", "555-999-0000", "V", "2.1")).contains("SET VARIABLE FIRSTLINE_VIP \"1\"",
                "SET VARIABLE FIRSTLINE_PRIORITY \"10\"");
    }

    @Test
    @DisplayName("identify: withheld, unknown and garbage caller ids give an unknown caller")
    void identifyUnknown() throws Exception {
        for (String id : List.of("anonymous", "<unknown>", "\"Smith, John\" <555>", "+15550000000", "x".repeat(300))) {
            assertThat(agi("identify", id, "\"Smith, John\"", "3.1")).as(id).containsExactly(
                    "SET VARIABLE FIRSTLINE_CALLER_ID \"\"", "SET VARIABLE FIRSTLINE_OPEN_TICKETS \"0\"",
                    "SET VARIABLE FIRSTLINE_VIP \"0\"", "SET VARIABLE FIRSTLINE_PRIORITY \"0\"");
        }
    }

    @Test
    @DisplayName("identify: a number two callers share names nobody; open and pending tickets count, resolved and closed ones do not")
    void identifySharedNumberAndTicketCount() throws Exception {
        String admin = server.loginAdmin();
        for (String name : List.of("Sid Switchboard", "Sue Switchboard")) {
            server.post("/api/callers", admin, new JsonObject().put("name", name).put("phones", new JsonArray().add("+15558880000")));
        }
        assertThat(agi("identify", "+15558880000", "Front Desk", "11.1")).containsExactly(
                "SET VARIABLE FIRSTLINE_CALLER_ID \"\"", "SET VARIABLE FIRSTLINE_OPEN_TICKETS \"0\"",
                "SET VARIABLE FIRSTLINE_VIP \"0\"", "SET VARIABLE FIRSTLINE_PRIORITY \"0\"");

        long tim = server.post("/api/callers", admin, new JsonObject().put("name", "Tim Tickets")
                .put("phones", new JsonArray().add("+15558880001"))).json().getLong("id");
        for (String status : List.of("open", "pending", "resolved", "closed")) {
            long ticket = server.post("/api/tickets", admin, new JsonObject().put("callerId", tim).put("subject", status)
                    .put("category", "software")).json().getLong("id");
            if (!status.equals("open")) {
                assertThat(server.patch("/api/tickets/" + ticket, admin, new JsonObject().put("status", status)).status())
                        .isEqualTo(200);
            }
        }
        assertThat(agi("identify", "+15558880001", "Tim", "11.2")).containsExactly(
                "SET VARIABLE FIRSTLINE_CALLER_ID \"" + tim + "\"", "SET VARIABLE FIRSTLINE_CALLER_NAME \"Tim Tickets\"",
                "SET VARIABLE CALLERID(name) \"Tim Tickets\"", "SET VARIABLE FIRSTLINE_OPEN_TICKETS \"2\"",
                "SET VARIABLE FIRSTLINE_VIP \"0\"", "SET VARIABLE FIRSTLINE_PRIORITY \"5\"");
    }

    @Test
    @DisplayName("ticket-status: a caller hears the status of their own ticket, and 'not-found' for anyone else's")
    void ticketStatus() throws Exception {
        assertThat(agi("ticket-status?ticket=" + janeTicket, "+15551234567", "Jane", "4.1"))
                .containsExactly("SET VARIABLE FIRSTLINE_TICKET_STATUS \"open\"");
        for (String script : List.of("ticket-status?ticket=" + otherTicket, "ticket-status?ticket=99999999",
                "ticket-status?ticket=12ab", "ticket-status?ticket=" + "9".repeat(40), "ticket-status")) {
            assertThat(agi(script, "+15551234567", "Jane", "4.2")).as(script)
                    .containsExactly("SET VARIABLE FIRSTLINE_TICKET_STATUS \"not-found\"");
        }
        assertThat(agi("ticket-status?ticket=" + janeTicket, "anonymous", "", "4.3"))
                .containsExactly("SET VARIABLE FIRSTLINE_TICKET_STATUS \"not-found\"");
    }

    @Test
    @DisplayName("ticket-status with a PIN: asked for it first, for existing and unknown tickets alike; told only with the right one")
    void ticketStatusWithPin() throws Exception {
        String admin = server.loginAdmin();
        JsonObject pat = server.post("/api/callers", admin, new JsonObject().put("name", "Pat Pin").put("pin", "4321")
                .put("phones", new JsonArray().add("+15557770042"))).json();
        assertThat(pat.getBoolean("pinSet")).isTrue();
        assertThat(pat.encode()).doesNotContain("4321").doesNotContain("argon2");
        long ticket = server.post("/api/tickets", admin, new JsonObject().put("callerId", pat.getLong("id"))
                .put("subject", "VPN").put("category", "network")).json().getLong("id");
        String ask = "SET VARIABLE FIRSTLINE_PIN_REQUIRED \"1\"";
        assertThat(agi("ticket-status?ticket=" + ticket, "+15557770042", "Pat", "7.1")).containsExactly(ask);
        assertThat(agi("ticket-status?ticket=99999999", "+15557770042", "Pat", "7.2")).containsExactly(ask);
        assertThat(agi("ticket-status?ticket=" + ticket + "&pin=1111", "+15557770042", "Pat", "7.3")).containsExactly(ask);
        assertThat(agi("ticket-status?ticket=" + ticket + "&pin=4321", "+15557770042", "Pat", "7.4"))
                .containsExactly("SET VARIABLE FIRSTLINE_TICKET_STATUS \"open\"");
        assertThat(agi("ticket-status?ticket=99999999&pin=4321", "+15557770042", "Pat", "7.5"))
                .containsExactly("SET VARIABLE FIRSTLINE_TICKET_STATUS \"not-found\"");
        assertThat(server.patch("/api/callers/" + pat.getLong("id"), admin, new JsonObject().putNull("pin")).json()
                .getBoolean("pinSet")).isFalse();
        assertThat(agi("ticket-status?ticket=" + ticket, "+15557770042", "Pat", "7.6"))
                .containsExactly("SET VARIABLE FIRSTLINE_TICKET_STATUS \"open\"");
        assertThat(server.patch("/api/callers/" + pat.getLong("id"), admin, new JsonObject().put("pin", "12a4")).status())
                .isEqualTo(400);
    }

    /** A caller with this PIN and number, and an open ticket of theirs; the ticket's id. */
    private long callerWithPinAndTicket(String name, String pin, String phone) {
        String admin = server.loginAdmin();
        long id = server.post("/api/callers", admin, new JsonObject().put("name", name).put("pin", pin)
                .put("phones", new JsonArray().add(phone))).json().getLong("id");
        return server.post("/api/tickets", admin, new JsonObject().put("callerId", id).put("subject", "Laptop")
                .put("category", "hardware")).json().getLong("id");
    }

    private static final int PIN_FAILURES = 5; // FIRSTLINE_PIN_FAILURES' default
    private static final String ASK_PIN = "SET VARIABLE FIRSTLINE_PIN_REQUIRED \"1\"";
    private static final String LOCKED = "SET VARIABLE FIRSTLINE_TICKET_STATUS \"locked\"";
    private static final String OPEN = "SET VARIABLE FIRSTLINE_TICKET_STATUS \"open\"";

    @Test
    @DisplayName("PIN guessing: after five wrong PINs the right one no longer unlocks, the caller is sent to a person, and other callers are unaffected")
    void pinGuessingIsLimited() throws Exception {
        long quinnTicket = callerWithPinAndTicket("Quinn Guarded", "2468", "+15557770051");
        long rosaTicket = callerWithPinAndTicket("Rosa Other", "1357", "+15557770052");
        String guess = "ticket-status?ticket=" + quinnTicket + "&pin=";
        for (int i = 1; i < PIN_FAILURES; i++) {
            assertThat(agi(guess + (1000 + i), "+15557770051", "Q", "9.1." + i)).as("wrong PIN %d", i).containsExactly(ASK_PIN);
        }
        assertThat(agi(guess + "1999", "+15557770051", "Q", "9.1.5")).as("the last wrong PIN allowed").containsExactly(LOCKED);
        assertThat(agi(guess + "2468", "+15557770051", "Q", "9.2")).as("the right PIN, too late").containsExactly(LOCKED);
        assertThat(agi("ticket-status?ticket=" + quinnTicket, "+15557770051", "Q", "9.3")).as("not even asked").containsExactly(LOCKED);
        assertThat(agi("ticket-status?ticket=99999999&pin=2468", "+15557770051", "Q", "9.4")).as("any ticket from that number")
                .containsExactly(LOCKED);
        assertThat(server.queryLong("SELECT COUNT(*) FROM pin_attempts WHERE phone = '+15557770051'"))
                .as("the wrong PINs, kept; refused attempts are not").isEqualTo(PIN_FAILURES);

        // The same ticket asked about from another number (a spoofed one, say) is locked too;
        // that number's own ticket is not, nor is anybody else.
        long samTicket = callerWithPinAndTicket("Sam Spoofed", "8642", "+15557770053");
        assertThat(agi(guess + "2468", "+15557770053", "S", "9.5")).containsExactly(LOCKED);
        assertThat(agi("ticket-status?ticket=" + samTicket + "&pin=8642", "+15557770053", "S", "9.6")).containsExactly(OPEN);
        assertThat(agi("ticket-status?ticket=" + rosaTicket, "+15557770052", "R", "9.7")).containsExactly(ASK_PIN);
        assertThat(agi("ticket-status?ticket=" + rosaTicket + "&pin=1357", "+15557770052", "R", "9.8")).containsExactly(OPEN);
        assertThat(agi("ticket-status?ticket=" + janeTicket, "+15551234567", "Jane", "9.9")).containsExactly(OPEN);

        // Once the window has passed (here: the attempts moved back beyond FIRSTLINE_PIN_LOCK_MINUTES'
        // 15), the right PIN works again.
        try (Connection c = server.db().connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE pin_attempts SET at = at - INTERVAL 16 MINUTE WHERE phone = '+15557770051'");
        }
        assertThat(agi(guess + "2468", "+15557770051", "Q", "9.10")).containsExactly(OPEN);
    }

    @Test
    @DisplayName("PIN guessing in parallel: of twenty wrong PINs at once, no more than the limit are checked, and the right one is refused after")
    void parallelPinGuessing() throws Exception {
        long ticket = callerWithPinAndTicket("Tess Targeted", "9753", "+15557770061");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        List<List<String>> answers = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<List<String>>> sessions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String script = "ticket-status?ticket=" + ticket + "&pin=" + (5000 + i);
                String uniqueid = "10." + i;
                sessions.add(pool.submit(() -> agi(script, "+15557770061", "T", uniqueid)));
            }
            for (var f : sessions) {
                answers.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        // Each is asked again or locked out (or, on a loaded machine, left to the dialplan's default
        // when the database misses the script's deadline): never told the status.
        assertThat(answers).allSatisfy(a -> assertThat(a).isSubsetOf(ASK_PIN, LOCKED).hasSizeLessThanOrEqualTo(1));
        long checked = server.queryLong("SELECT COUNT(*) FROM pin_attempts WHERE phone = '+15557770061'");
        assertThat(checked).isLessThanOrEqualTo(PIN_FAILURES);
        // Whatever the burst left, guessing on stops at the limit: the PINs checked never exceed it.
        int more = 0;
        while (!agi("ticket-status?ticket=" + ticket + "&pin=" + (6000 + more), "+15557770061", "T", "10.x" + more)
                .contains(LOCKED)) {
            more++;
            assertThat(checked + more).isLessThan(PIN_FAILURES);
        }
        assertThat(server.queryLong("SELECT COUNT(*) FROM pin_attempts WHERE phone = '+15557770061'")).isEqualTo(PIN_FAILURES);
        assertThat(agi("ticket-status?ticket=" + ticket + "&pin=9753", "+15557770061", "T", "10.y")).containsExactly(LOCKED);
    }

    @Test
    @DisplayName("callback-request: stored once per channel with the caller, queue and menu path")
    void callbackRequest() throws Exception {
        List<String> first = agi("callback-request?from=queue&queue=software&position=3", "+15551234567", "Jane", "5.1");
        assertThat(first).containsExactly("GET VARIABLE FIRSTLINE_MENU_PATH", "SET VARIABLE FIRSTLINE_CALLBACK_STATUS \"ok\"");
        agi("callback-request?from=queue&queue=software&position=3", "+15551234567", "Jane", "5.1");
        try (Connection c = server.db().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*), MAX(caller_id), MAX(queue), MAX(menu_path), MAX(phone)"
                     + " FROM callback_requests WHERE channel_uniqueid = '5.1'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getLong(2)).isEqualTo(janeId);
            assertThat(rs.getString(3)).isEqualTo("software");
            assertThat(rs.getString(4)).isEqualTo("main/software/callback");
            assertThat(rs.getString(5)).isEqualTo("+15551234567");
        }
        assertThat(agi("callback-request?from=closed", "anonymous", "", "5.2"))
                .containsExactly("SET VARIABLE FIRSTLINE_CALLBACK_STATUS \"refused\"");
    }

    @Test
    @DisplayName("two hundred sessions at once are all answered")
    void busyPbx() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(100);
        try {
            List<java.util.concurrent.Future<List<String>>> sessions = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String uniqueid = "8." + i;
                sessions.add(pool.submit(() -> agi("identify", "+15551234567", "Jane", uniqueid)));
            }
            for (var f : sessions) {
                assertThat(f.get(60, java.util.concurrent.TimeUnit.SECONDS)).hasSize(6);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("with the database gone, a script ends at once without setting anything, so the dialplan's defaults apply")
    void databaseDown() throws Exception {
        try (TestServer broken = TestServer.start()) {
            try (Connection c = broken.db().connect(); Statement s = c.createStatement()) {
                s.execute("DROP DATABASE `" + broken.db().name() + "`");
            }
            long t0 = System.nanoTime();
            List<String> commands = new ArrayList<>();
            try (Socket s = new Socket("127.0.0.1", broken.app().agiPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("agi_network: yes\nagi_network_script: identify\nagi_callerid: +15551234567\n"
                        + "agi_uniqueid: 9.1\n\n").getBytes(StandardCharsets.UTF_8));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    commands.add(line);
                    s.getOutputStream().write("200 result=1\n".getBytes(StandardCharsets.UTF_8));
                }
            }
            assertThat(commands).isEmpty();
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(PhoneMenuScripts.DB_DEADLINE_MS + 1_000);
        }
    }

    @Test
    @DisplayName("an unknown script, garbage and an absurdly long line end the session without answer or harm")
    void hostileInput() throws Exception {
        assertThat(agi("format-disk", "+15551234567", "Jane", "6.1")).isEmpty();
        for (String garbage : List.of("hello there\n\n", "agi_network: " + "y".repeat(10_000) + "\n\n")) {
            try (Socket s = new Socket("127.0.0.1", server.app().agiPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(garbage.getBytes(StandardCharsets.UTF_8));
                assertThat(s.getInputStream().read()).isEqualTo(-1);
            }
        }
        assertThat(agi("identify", "+15551234567", "Jane", "6.2")).hasSize(6);
    }
}
