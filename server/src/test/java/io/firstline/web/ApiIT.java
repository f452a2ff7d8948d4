package io.firstline.web;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.TestServer.Reply;
import io.firstline.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("the REST API over the problems database")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT {

    private TestServer server;
    private String admin;
    private String agent;
    private String supervisor;

    @BeforeAll
    void start() {
        server = TestServer.start();
        admin = server.loginAdmin();
        create(admin, "/api/agents", new JsonObject().put("username", "alice").put("name", "Alice Agent")
                .put("password", "alice-password").put("role", "agent").put("interface", "Local/1001@agents/n"));
        create(admin, "/api/agents", new JsonObject().put("username", "sam").put("name", "Sam Supervisor")
                .put("password", "sam-password").put("role", "supervisor"));
        agent = server.login("alice", "alice-password");
        supervisor = server.login("sam", "sam-password");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonObject create(String token, String path, JsonObject body) {
        Reply r = server.post(path, token, body);
        assertThat(r.status()).as(path + " " + r.json()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo(path + "/" + r.json().getLong("id"));
        return r.json();
    }

    @Nested
    @DisplayName("health and sign-in")
    class SignIn {

        @Test
        @DisplayName("/health answers without sign-in with the database up and no PBX configured")
        void health() {
            Reply r = server.get("/health", null);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getJsonObject("database").getString("status")).isEqualTo("up");
            assertThat(r.json().getJsonArray("pbx").getJsonObject(0).getString("status")).isEqualTo("not-configured");
        }

        @Test
        @DisplayName("every API needs sign-in")
        void everythingNeedsSignIn() {
            for (String path : List.of("/api/agents", "/api/agents/1", "/api/callers", "/api/callers/1", "/api/tickets",
                    "/api/tickets/1", "/api/kb", "/api/kb/1", "/api/agents/me")) {
                assertRefused(server.get(path, null), 401, null);
                assertRefused(server.get(path, "not-a-real-token-but-long-enough"), 401, null);
            }
            assertRefused(server.post("/api/callers", null, new JsonObject().put("name", "X")), 401, null);
        }

        @Test
        @DisplayName("the token works as a bearer token and as the HttpOnly session cookie; logout ends it")
        void tokenAndCookie() {
            Reply login = server.post("/api/login", null, new JsonObject().put("username", "alice").put("password", "alice-password"));
            assertThat(login.status()).isEqualTo(200);
            assertThat(login.json().getJsonObject("agent").getString("role")).isEqualTo("agent");
            assertThat(login.json().getJsonObject("agent").containsKey("password")).isFalse();
            String cookie = login.header("Set-Cookie");
            assertThat(cookie).contains("firstline_session=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
            String token = login.json().getString("token");

            Reply viaCookie = server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/agents/me"))
                    .header("Cookie", "firstline_session=" + token).GET().build());
            assertThat(viaCookie.status()).isEqualTo(200);
            assertThat(viaCookie.json().getString("username")).isEqualTo("alice");

            assertThat(server.send("POST", "/api/logout", token, null).status()).isEqualTo(204);
            assertRefused(server.get("/api/agents/me", token), 401, null);
        }

        @Test
        @DisplayName("a wrong password is refused, and repeated failures are slowed down")
        void throttled() {
            JsonObject wrong = new JsonObject().put("username", "throttled-user").put("password", "wrong-password");
            for (int i = 0; i < 5; i++) {
                assertRefused(server.post("/api/login", null, wrong), 401, null);
            }
            Reply r = server.post("/api/login", null, wrong);
            assertRefused(r, 429, null);
            assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
        }

        @Test
        @DisplayName("sign-in with a bad body says which field is wrong")
        void badLoginBody() {
            assertRefused(server.send("POST", "/api/login", null, "not json"), 400, null);
            assertRefused(server.send("POST", "/api/login", null, "[1,2]"), 400, null);
            assertRefused(server.post("/api/login", null, new JsonObject().put("username", "alice")), 400, "password");
        }
    }

    @Nested
    @DisplayName("agents")
    class Agents {

        @Test
        @DisplayName("an administrator creates and changes agents; supervisors read; agents may not")
        void roles() {
            JsonObject bob = create(admin, "/api/agents", new JsonObject().put("username", "bob").put("name", "Bob Agent")
                    .put("password", "bob-password").put("interface", "PJSIP/1002"));
            assertThat(bob.getString("role")).isEqualTo("agent");
            assertThat(bob.getString("interface")).isEqualTo("PJSIP/1002");

            assertThat(server.get("/api/agents", supervisor).status()).isEqualTo(200);
            assertRefused(server.get("/api/agents", agent), 403, null);
            assertRefused(server.post("/api/agents", supervisor, new JsonObject().put("username", "eve").put("name", "Eve")
                    .put("password", "eve-password")), 403, null);
            assertRefused(server.patch("/api/agents/" + bob.getLong("id"), supervisor, new JsonObject().put("role", "admin")), 403, null);

            Reply patched = server.patch("/api/agents/" + bob.getLong("id"), admin,
                    new JsonObject().put("role", "supervisor").put("interface", null));
            assertThat(patched.status()).isEqualTo(200);
            assertThat(patched.json().getString("role")).isEqualTo("supervisor");
            assertThat(patched.json().getString("interface")).isNull();
            assertThat(server.get("/api/agents/" + bob.getLong("id"), agent).status()).isEqualTo(403);
        }

        @Test
        @DisplayName("an agent's phone: the state interface set, else derived only from Local/<ext>@agents/n or a device")
        void stateInterface() {
            JsonObject frank = create(admin, "/api/agents", new JsonObject().put("username", "frank").put("name", "Frank")
                    .put("password", "frank-password").put("interface", "Local/1006@agents/n"));
            assertThat(frank.getString("stateInterface")).isNull();
            assertThat(frank.getString("phone")).isEqualTo("PJSIP/1006");
            JsonObject gina = create(admin, "/api/agents", new JsonObject().put("username", "gina").put("name", "Gina")
                    .put("password", "gina-password").put("interface", "Local/1007@from-queue/n"));
            assertThat(gina.getString("phone")).isNull();
            Reply set = server.patch("/api/agents/" + gina.getLong("id"), admin,
                    new JsonObject().put("stateInterface", "hint:1007@ext-local"));
            assertThat(set.status()).isEqualTo(200);
            assertThat(set.json().getString("stateInterface")).isEqualTo("hint:1007@ext-local");
            assertThat(set.json().getString("phone")).isEqualTo("hint:1007@ext-local");
            for (String bad : new String[] {"PJSIP/1007\r\nAction: Originate", "1007", "PJSIP/1007,evil", "PJSIP/"}) {
                assertRefused(server.patch("/api/agents/" + gina.getLong("id"), admin, new JsonObject().put("stateInterface", bad)),
                        400, "stateInterface");
            }
            assertThat(server.get("/api/agents/" + gina.getLong("id"), admin).json().getString("stateInterface"))
                    .isEqualTo("hint:1007@ext-local");
        }

        @Test
        @DisplayName("a changed password signs the agent out and the new one works")
        void passwordChange() {
            JsonObject dan = create(admin, "/api/agents", new JsonObject().put("username", "dan").put("name", "Dan")
                    .put("password", "dan-password"));
            String token = server.login("dan", "dan-password");
            assertThat(server.patch("/api/agents/" + dan.getLong("id"), admin, new JsonObject().put("password", "new-dan-password"))
                    .status()).isEqualTo(200);
            assertRefused(server.get("/api/agents/me", token), 401, null);
            assertThat(server.login("dan", "new-dan-password")).isNotBlank();
            assertRefused(server.patch("/api/agents/" + dan.getLong("id"), admin, new JsonObject().put("password", "letmein123")),
                    400, "password");
            assertRefused(server.patch("/api/agents/" + dan.getLong("id"), admin, new JsonObject().put("password", "dan12345")),
                    400, "password");
            assertThat(server.login("dan", "new-dan-password")).as("the refused change changed nothing").isNotBlank();
        }

        @Test
        @DisplayName("bad agents are refused with the field named, and nothing is written")
        void badAgents() {
            long before = server.queryLong("SELECT COUNT(*) FROM agents");
            JsonObject good = new JsonObject().put("username", "frank").put("name", "Frank").put("password", "frank-password");
            assertRefused(server.post("/api/agents", admin, good.copy().put("username", "Frank Smith")), 400, "username");
            assertRefused(server.post("/api/agents", admin, good.copy().put("password", "short")), 400, "password");
            assertRefused(server.post("/api/agents", admin, good.copy().put("role", "king")), 400, "role");
            assertRefused(server.post("/api/agents", admin, good.copy().put("interface", "not an interface")), 400, "interface");
            JsonObject noName = good.copy();
            noName.remove("name");
            assertRefused(server.post("/api/agents", admin, noName), 400, "name");
            assertRefused(server.post("/api/agents", admin, good.copy().put("name", " ")), 400, "name");
            assertRefused(server.post("/api/agents", admin, good.copy().put("isAdmin", true)), 400, "isAdmin");
            assertRefused(server.post("/api/agents", admin, good.copy().put("username", "alice")), 409, null);
            assertRefused(server.post("/api/agents", admin, good.copy().put("interface", "Local/1001@agents/n")), 409, null);
            assertThat(server.queryLong("SELECT COUNT(*) FROM agents")).isEqualTo(before);
            assertRefused(server.post("/api/agents", admin, good.copy().put("password", "Password123")), 400, "password");
            assertRefused(server.post("/api/agents", admin, good.copy().put("password", "qwerty2024!")), 400, "password");
            assertRefused(server.post("/api/agents", admin, good.copy().put("password", "Frank2024")), 400, "password");
            assertRefused(server.post("/api/agents", admin, good.copy().put("password", "frankfrank")), 400, "password");
            assertThat(server.queryLong("SELECT COUNT(*) FROM agents")).isEqualTo(before);
            assertRefused(server.get("/api/agents/999999", admin), 404, null);
            assertRefused(server.get("/api/agents/abc", admin), 404, null);
            assertRefused(server.patch("/api/agents/999999", admin, new JsonObject().put("name", "Nobody")), 404, null);
        }
    }

    @Nested
    @DisplayName("callers")
    class Callers {

        @Test
        @DisplayName("+1 (555) 123-4567, 555-123-4567 and 1-555-123-4567 find the same caller, stored in E.164")
        void phoneFormats() {
            JsonObject jane = create(agent, "/api/callers", new JsonObject().put("name", "Jane Phoneformat")
                    .put("organisation", "Acme Widgets").put("email", "jane@acme.example")
                    .put("phones", new JsonArray().add("+1 (555) 201-4567")).put("vip", true));
            assertThat(jane.getJsonArray("phones")).containsExactly("+15552014567");
            for (String form : List.of("+1 (555) 201-4567", "555-201-4567", "1-555-201-4567", "+15552014567", "(555) 201 4567")) {
                Reply r = server.get("/api/callers?phone=" + java.net.URLEncoder.encode(form, java.nio.charset.StandardCharsets.UTF_8), agent);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getLong("id")).toList())
                        .as(form).containsExactly(jane.getLong("id"));
            }
            assertRefused(server.get("/api/callers?phone=anonymous", agent), 400, "phone");
        }

        @Test
        @DisplayName("callers are found by name, organisation or email words")
        void search() {
            JsonObject c = create(agent, "/api/callers", new JsonObject().put("name", "Zebulon Quartermain")
                    .put("organisation", "Northwind Traders").put("email", "zq@northwind.example"));
            for (String q : List.of("zebulon", "Quarterm", "northwind traders", "zeb qua", "Ze")) {
                Reply r = server.get("/api/callers?q=" + q.replace(" ", "+"), agent);
                assertThat(r.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getLong("id")).toList())
                        .as(q).contains(c.getLong("id"));
            }
            assertThat(server.get("/api/callers?q=nosuchpersonanywhere", agent).json().getLong("total")).isZero();
        }

        @Test
        @DisplayName("a caller's profile has their phones and open tickets; a PATCH replaces phones")
        void profileAndPatch() {
            JsonObject c = create(agent, "/api/callers", new JsonObject().put("name", "Paul Profile")
                    .put("phones", new JsonArray().add("555-301-0000").add("555-301-0001")));
            long id = c.getLong("id");
            create(agent, "/api/tickets", new JsonObject().put("callerId", id).put("subject", "Laptop fan loud")
                    .put("category", "hardware"));
            JsonObject closed = create(agent, "/api/tickets", new JsonObject().put("callerId", id).put("subject", "Old one")
                    .put("category", "other"));
            server.patch("/api/tickets/" + closed.getLong("id"), agent, new JsonObject().put("status", "closed"));

            JsonObject profile = server.get("/api/callers/" + id, agent).json();
            assertThat(profile.getJsonArray("phones")).containsExactly("+15553010000", "+15553010001");
            assertThat(profile.getJsonArray("openTickets")).hasSize(1);
            assertThat(profile.getJsonArray("openTickets").getJsonObject(0).getString("subject")).isEqualTo("Laptop fan loud");
            assertThat(profile.getJsonArray("history")).isEmpty();

            Reply r = server.patch("/api/callers/" + id, agent, new JsonObject().put("phones", new JsonArray().add("+44 20 7946 0958"))
                    .put("organisation", null).put("vip", true));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getJsonArray("phones")).containsExactly("+442079460958");
            assertThat(r.json().getString("organisation")).isNull();
            assertThat(r.json().getBoolean("vip")).isTrue();
            assertThat(server.get("/api/callers?phone=555-301-0000", agent).json().getLong("total")).isZero();
        }

        @Test
        @DisplayName("bad callers are refused with the field named, and nothing is written")
        void badCallers() {
            long callers = server.queryLong("SELECT COUNT(*) FROM callers");
            long phones = server.queryLong("SELECT COUNT(*) FROM caller_phones");
            assertRefused(server.post("/api/callers", agent, new JsonObject().put("phones", new JsonArray().add("555-111-2222"))), 400, "name");
            assertRefused(server.post("/api/callers", agent, new JsonObject().put("name", "A").put("phones",
                    new JsonArray().add("555-111-2222").add("call me maybe"))), 400, "phones[1]");
            assertRefused(server.post("/api/callers", agent, new JsonObject().put("name", "A").put("email", "not-an-email")), 400, "email");
            assertRefused(server.post("/api/callers", agent, new JsonObject().put("name", "A").put("vip", "yes")), 400, "vip");
            assertRefused(server.post("/api/callers", agent, new JsonObject().put("name", "x".repeat(201))), 400, "name");
            assertRefused(server.post("/api/callers", agent, new JsonObject().put("name", "A\u0000B")), 400, "name");
            assertRefused(server.post("/api/callers", agent, new JsonObject().put("name", "A").put("phones", "555")), 400, "phones");
            assertThat(server.queryLong("SELECT COUNT(*) FROM callers")).isEqualTo(callers);
            assertThat(server.queryLong("SELECT COUNT(*) FROM caller_phones")).isEqualTo(phones);
            assertRefused(server.get("/api/callers/987654321", agent), 404, null);
            assertRefused(server.get("/api/callers?limit=0", agent), 400, "limit");
            assertRefused(server.get("/api/callers?offset=-1", agent), 400, "offset");
        }

        @Test
        @DisplayName("text with an unpaired UTF-16 surrogate, anywhere in the body, is refused naming the field; nothing is written")
        void loneSurrogates() {
            long callers = server.queryLong("SELECT COUNT(*) FROM callers");
            // Sent as JSON escapes: a JSON library would not write a lone surrogate.
            assertRefused(server.send("POST", "/api/callers", agent, "{\"name\": \"Jane \\ud800Doe\"}"), 400, "name");
            assertRefused(server.send("POST", "/api/callers", agent, "{\"name\": \"Jane\", \"organisation\": \"\\udc00\"}"), 400,
                    "organisation");
            assertRefused(server.send("POST", "/api/callers", agent,
                    "{\"name\": \"Jane\", \"phones\": [\"555-111-2222\", \"555\\ud83d\"]}"), 400, "phones[1]");
            assertRefused(server.send("POST", "/api/callers", agent, "{\"name\": \"Jane\", \"x\\ud800\": 1}"), 400, "body");
            assertRefused(server.send("POST", "/api/tickets", agent,
                    "{\"callerId\": 1, \"subject\": \"a\\ude00b\", \"category\": \"network\"}"), 400, "subject");
            Reply notUtf8 = server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/callers"))
                    .header("Authorization", "Bearer " + agent).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', 'J',
                        (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'})).build());
            assertRefused(notUtf8, 400, null);
            assertThat(notUtf8.json().getString("detail")).contains("UTF-8");
            assertThat(server.queryLong("SELECT COUNT(*) FROM callers")).isEqualTo(callers);

            JsonObject paired = create(agent, "/api/callers", new JsonObject().put("name", "Smiley \ud83d\ude00 Person"));
            assertThat(server.get("/api/callers/" + paired.getLong("id"), agent).json().getString("name"))
                    .isEqualTo("Smiley \ud83d\ude00 Person");
        }

        @Test
        @DisplayName("names in any script are kept as written")
        void unicode() {
            JsonObject c = create(agent, "/api/callers", new JsonObject().put("name", "Zoë Ångström-Łukasiewicz 山田")
                    .put("organisation", "Müller & Söhne"));
            assertThat(server.get("/api/callers/" + c.getLong("id"), agent).json().getString("name"))
                    .isEqualTo("Zoë Ångström-Łukasiewicz 山田");
        }
    }

    @Nested
    @DisplayName("tickets")
    class Tickets {

        @Test
        @DisplayName("a ticket is opened, listed by caller and status, noted and resolved")
        void lifecycle() {
            long callerId = create(agent, "/api/callers", new JsonObject().put("name", "Tina Ticket")).getLong("id");
            JsonObject t = create(agent, "/api/tickets", new JsonObject().put("callerId", callerId)
                    .put("subject", "Outlook keeps asking for the password").put("category", "software")
                    .put("priority", "high").put("problem", "Since the password change this morning"));
            assertThat(t.getString("status")).isEqualTo("open");
            assertThat(t.getString("priority")).isEqualTo("high");

            Reply note = server.post("/api/tickets/" + t.getLong("id") + "/notes", agent,
                    new JsonObject().put("body", "Cleared cached credentials"));
            assertThat(note.status()).isEqualTo(201);
            assertThat(note.json().getJsonObject("agent").getString("name")).isEqualTo("Alice Agent");

            Reply open = server.get("/api/tickets?callerId=" + callerId + "&status=open", agent);
            assertThat(open.json().getLong("total")).isEqualTo(1);

            Reply resolved = server.patch("/api/tickets/" + t.getLong("id"), agent,
                    new JsonObject().put("status", "resolved").put("resolution", "Re-entered the password in Credential Manager"));
            assertThat(resolved.json().getString("status")).isEqualTo("resolved");
            assertThat(resolved.json().getString("resolvedAt")).isNotNull();

            JsonObject detail = server.get("/api/tickets/" + t.getLong("id"), agent).json();
            assertThat(detail.getJsonArray("notes")).hasSize(1);
            assertThat(detail.getString("resolution")).startsWith("Re-entered");
            assertThat(server.get("/api/tickets?callerId=" + callerId + "&status=open", agent).json().getLong("total")).isZero();
        }

        @Test
        @DisplayName("bad tickets are refused with the field named, and nothing is written")
        void badTickets() {
            long callerId = create(agent, "/api/callers", new JsonObject().put("name", "Bad Ticket Caller")).getLong("id");
            long tickets = server.queryLong("SELECT COUNT(*) FROM tickets");
            JsonObject good = new JsonObject().put("callerId", callerId).put("subject", "S").put("category", "network");
            assertRefused(server.post("/api/tickets", agent, good.copy().put("category", "plumbing")), 400, "category");
            assertRefused(server.post("/api/tickets", agent, good.copy().put("priority", "whenever")), 400, "priority");
            assertRefused(server.post("/api/tickets", agent, good.copy().put("callerId", 424242424)), 400, "callerId");
            assertRefused(server.post("/api/tickets", agent, good.copy().put("callerId", "12")), 400, "callerId");
            assertRefused(server.post("/api/tickets", agent, good.copy().put("callerId", -3)), 400, "callerId");
            assertRefused(server.post("/api/tickets", agent, good.copy().put("subject", " ")), 400, "subject");
            assertThat(server.queryLong("SELECT COUNT(*) FROM tickets")).isEqualTo(tickets);
            assertRefused(server.get("/api/tickets?status=lost", agent), 400, "status");
            assertRefused(server.patch("/api/tickets/99999999", agent, new JsonObject().put("status", "closed")), 404, null);
            long notes = server.queryLong("SELECT COUNT(*) FROM ticket_notes");
            assertRefused(server.post("/api/tickets/99999999/notes", agent, new JsonObject().put("body", "hi")), 404, null);
            assertRefused(server.post("/api/tickets/1/notes", agent, new JsonObject()), 400, "body");
            assertThat(server.queryLong("SELECT COUNT(*) FROM ticket_notes")).isEqualTo(notes);
        }
    }

    @Nested
    @DisplayName("knowledge base")
    class Kb {

        @Test
        @DisplayName("full-text search puts the best match first")
        void search() {
            JsonObject vpn = create(agent, "/api/kb", new JsonObject().put("title", "VPN connects but internal names do not resolve")
                    .put("problem", "The VPN client says connected, but intranet names fail; IP addresses work.")
                    .put("solution", "1. Set the DNS suffix on the VPN adapter. 2. Flush the DNS cache.").put("category", "network"));
            create(agent, "/api/kb", new JsonObject().put("title", "Printer shows offline")
                    .put("problem", "After an update the printer is offline although it is on the network.")
                    .put("solution", "Remove and re-add the printer port.").put("category", "hardware"));
            create(agent, "/api/kb", new JsonObject().put("title", "Wi-Fi drops every few minutes")
                    .put("problem", "Laptop loses the network; sometimes the VPN reconnects.")
                    .put("solution", "Update the wireless driver.").put("category", "network"));
            Reply r = server.get("/api/kb?q=vpn+internal+names+resolve", agent);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getJsonArray("items").getJsonObject(0).getLong("id")).isEqualTo(vpn.getLong("id"));
            assertThat(server.get("/api/kb?q=printer&category=network", agent).json().getLong("total")).isZero();

            Reply patched = server.patch("/api/kb/" + vpn.getLong("id"), agent, new JsonObject().put("title", "VPN: internal names do not resolve"));
            assertThat(patched.json().getString("title")).isEqualTo("VPN: internal names do not resolve");
            assertThat(server.get("/api/kb/" + vpn.getLong("id"), agent).json().getString("solution")).startsWith("1. Set");
        }

        @Test
        @DisplayName("bad articles are refused and nothing is written")
        void badArticles() {
            long before = server.queryLong("SELECT COUNT(*) FROM kb_articles");
            JsonObject good = new JsonObject().put("title", "T").put("problem", "P").put("solution", "S").put("category", "account");
            assertRefused(server.post("/api/kb", agent, good.copy().put("category", "misc")), 400, "category");
            assertRefused(server.post("/api/kb", agent, good.copy().put("solution", 5)), 400, "solution");
            assertRefused(server.post("/api/kb", agent, good.copy().putNull("title")), 400, "title");
            assertThat(server.queryLong("SELECT COUNT(*) FROM kb_articles")).isEqualTo(before);
            assertRefused(server.get("/api/kb/77777777", agent), 404, null);
            assertRefused(server.get("/api/kb?category=misc", agent), 400, "category");
        }
    }

    @Test
    @DisplayName("lists are paged with items, total, limit and offset")
    void paging() {
        for (int i = 0; i < 3; i++) {
            create(agent, "/api/callers", new JsonObject().put("name", "Pagey Pagerson " + i).put("organisation", "Pagination Ltd"));
        }
        JsonObject page = server.get("/api/callers?q=pagination&limit=2&offset=1", agent).json();
        assertThat(page.getLong("total")).isEqualTo(3);
        assertThat(page.getInteger("limit")).isEqualTo(2);
        assertThat(page.getInteger("offset")).isEqualTo(1);
        assertThat(page.getJsonArray("items")).hasSize(2);
    }

    @Test
    @DisplayName("a common FIRSTLINE_ADMIN_PASSWORD stops the first start with one line naming it")
    void weakAdminPassword() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestServer.start(java.util.Map.of(
                "FIRSTLINE_ADMIN_PASSWORD", "Password123")).close())
                .isInstanceOf(io.firstline.config.ConfigException.class)
                .hasMessageStartingWith("FIRSTLINE_ADMIN_PASSWORD: too common");
    }

    @Test
    @DisplayName("an unknown API path is a JSON 404")
    void unknownPath() {
        assertRefused(server.get("/api/nothing-here", agent), 404, null);
    }
}
