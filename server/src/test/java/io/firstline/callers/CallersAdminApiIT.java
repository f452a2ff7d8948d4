package io.firstline.callers;

import static io.firstline.ApiAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.CallLog;
import io.firstline.TestServer;
import io.firstline.TestServer.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@DisplayName("callers for admins: merging duplicates, organisations, CSV export, and CSV import that is all or nothing")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CallersAdminApiIT {

    private TestServer server;
    private CallLog log;
    private String admin;
    private String alice;
    private String sam;

    @BeforeAll
    void start() {
        server = TestServer.start();
        admin = server.loginAdmin();
        server.createUser(admin, "alice", "Alice Agent", "agent", "PJSIP/7001");
        server.createUser(admin, "sam", "Sam Supervisor", "supervisor", null);
        alice = server.login("alice", "alice-password");
        sam = server.login("sam", "sam-password");
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

    private JsonObject caller(JsonObject body) {
        Reply r = server.post("/api/callers", admin, body);
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(201);
        return r.json();
    }

    private Reply csv(String path, String token, byte[] body) {
        return server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "text/csv").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private Reply csv(String path, String token, String body) {
        return csv(path, token, body.getBytes(StandardCharsets.UTF_8));
    }

    private long callers() {
        return server.queryLong("SELECT COUNT(*) FROM callers");
    }

    @Test
    @DisplayName("merging moves the duplicate's calls, tickets with their notes and numbers to the one kept, fills what it lacks, deletes the duplicate, and is audited")
    void merge() {
        long keep = caller(new JsonObject().put("name", "Robin Merge").put("phones", new JsonArray().add("+12125550301")))
                .getLong("id");
        long dup = caller(new JsonObject().put("name", "Robin Merge (old)").put("organisation", "Merge Works")
                .put("email", "robin@merge.example").put("vip", true).put("pin", "2468")
                .put("phones", new JsonArray().add("+12125550302").add("+12125550301"))).getLong("id");
        log.answered(Instant.parse("2026-11-03T08:00:00Z"), "software", "+12125550302", "PJSIP/7001", 5, 60);
        log.answered(Instant.parse("2026-11-03T09:00:00Z"), "software", "+12125550302", "PJSIP/7001", 5, 60);
        assertThat(server.queryLong("SELECT COUNT(*) FROM calls WHERE caller_id = " + dup)).isEqualTo(2);
        long ticket = server.post("/api/tickets", alice, new JsonObject().put("callerId", dup).put("subject", "Laptop")
                .put("category", "hardware")).json().getLong("id");
        assertThat(server.post("/api/tickets/" + ticket + "/notes", alice, new JsonObject().put("body", "Sent a new one"))
                .status()).isEqualTo(201);

        Reply r = server.post("/api/callers/" + keep + "/merge", admin, new JsonObject().put("from", dup));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        assertThat(r.json().getString("name")).isEqualTo("Robin Merge");
        assertThat(r.json().getString("organisation")).isEqualTo("Merge Works");
        assertThat(r.json().getString("email")).isEqualTo("robin@merge.example");
        assertThat(r.json().getBoolean("vip")).isTrue();
        assertThat(r.json().getBoolean("pinSet")).isTrue();
        assertThat(r.json().getJsonArray("phones")).containsExactlyInAnyOrder("+12125550301", "+12125550302");
        assertRefused(server.get("/api/callers/" + dup, alice), 404, null);
        assertThat(server.queryLong("SELECT COUNT(*) FROM calls WHERE caller_id = " + keep)).isEqualTo(2);
        assertThat(server.queryLong("SELECT caller_id FROM tickets WHERE id = " + ticket)).isEqualTo(keep);
        assertThat(server.queryLong("SELECT COUNT(*) FROM ticket_notes WHERE ticket_id = " + ticket)).isEqualTo(1);
        assertThat(server.get("/api/callers/" + keep, alice).json().getJsonArray("history")).hasSize(2);
        assertThat(server.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = 'caller.merge' AND detail LIKE 'caller "
                + dup + " %2 calls, 1 tickets%'")).isEqualTo(1);
    }

    @Test
    @DisplayName("bad merges are refused and change nothing: into themselves, unknown ids, bad bodies, anyone but an admin")
    void mergeRefusals() {
        long a = caller(new JsonObject().put("name", "Quinn Refuse")).getLong("id");
        long b = caller(new JsonObject().put("name", "Quinn Refuse 2")).getLong("id");
        long before = callers();
        assertRefused(server.post("/api/callers/" + a + "/merge", admin, new JsonObject().put("from", a)), 400, "from");
        assertRefused(server.post("/api/callers/" + a + "/merge", admin, new JsonObject().put("from", 987_654)), 400, "from");
        assertRefused(server.post("/api/callers/987654/merge", admin, new JsonObject().put("from", b)), 404, null);
        assertRefused(server.post("/api/callers/" + a + "/merge", admin, new JsonObject()), 400, "from");
        assertRefused(server.post("/api/callers/" + a + "/merge", admin, new JsonObject().put("from", -3)), 400, "from");
        assertRefused(server.post("/api/callers/x/merge", admin, new JsonObject().put("from", b)), 404, null);
        assertRefused(server.post("/api/callers/" + a + "/merge", alice, new JsonObject().put("from", b)), 403, null);
        assertRefused(server.post("/api/callers/" + a + "/merge", sam, new JsonObject().put("from", b)), 403, null);
        assertThat(callers()).isEqualTo(before);
        assertThat(server.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = 'caller.merge' AND detail LIKE '%Quinn%'"))
                .isZero();
    }

    @Test
    @DisplayName("a file with bad rows is previewed with every row's problems, and importing it writes nothing")
    void badRowsImportNothing() {
        long before = callers();
        String file = "Name,Organisation,Email,Phones,VIP\r\n"
                + "Ada Good,Good Org,ada@good.example,+1 212 555 0401,yes\r\n"
                + ",No Name Org,,,\r\n"
                + "Bob Badmail,,bob-at-nowhere,,\r\n"
                + "Cy Badphone,,,12;not a number,maybe\r\n"
                + "\"Di, Quoted\",\"Org \"\"Q\"\"\",,212-555-0402|(212) 555-0403,0\r\n";
        Reply preview = csv("/api/callers/import/preview", admin, file);
        assertThat(preview.status()).as(String.valueOf(preview.json())).isEqualTo(200);
        assertThat(preview.json().getInteger("rows")).isEqualTo(5);
        assertThat(preview.json().getInteger("valid")).isEqualTo(2);
        assertThat(preview.json().getJsonArray("errors").stream().map(o -> ((JsonObject) o).getInteger("row") + " "
                + ((JsonObject) o).getString("field")).toList())
                .containsExactly("3 name", "4 email", "5 phones", "5 phones", "5 vip");
        assertThat(preview.json().getJsonArray("sample").getJsonObject(1).getJsonArray("phones"))
                .containsExactly("+12125550402", "+12125550403");
        assertThat(preview.json().getJsonArray("sample").getJsonObject(1).getString("organisation")).isEqualTo("Org \"Q\"");
        assertThat(preview.json().getInteger("warningCount")).isZero();
        assertThat(callers()).isEqualTo(before);

        Reply refused = csv("/api/callers/import", admin, file);
        assertRefused(refused, 400, "file");
        assertThat(refused.json().getString("detail")).contains("5 problems").contains("nothing was imported");
        assertThat(refused.json().getJsonArray("errors")).hasSize(5);
        assertThat(callers()).isEqualTo(before);
        assertThat(server.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = 'caller.import'")).isZero();
    }

    @Test
    @DisplayName("the preview points at numbers a caller already has, or an earlier row has, without refusing them")
    void knownNumbers() {
        long known = caller(new JsonObject().put("name", "Kay Known").put("phones", new JsonArray().add("+13125550901")))
                .getLong("id");
        Reply r = csv("/api/callers/import/preview", admin, "name,phones\nKay Again,312-555-0901\nLee New,+1 312 555 0902\n"
                + "Lee Twice,(312) 555-0902\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getInteger("errorCount")).isZero();
        assertThat(r.json().getJsonArray("warnings").stream().map(o -> ((JsonObject) o).getInteger("row") + " "
                + ((JsonObject) o).getString("message")).toList()).containsExactly(
                        "2 +13125550901 is already the number of #" + known + " Kay Known",
                        "4 +13125550902 is also on row 3");
    }

    @Test
    @DisplayName("files that cannot be read are refused as a whole: not UTF-8, too large, no name column, an export's id column, an open quote, no rows; only admins import")
    void badFiles() {
        long before = callers();
        assertRefused(csv("/api/callers/import/preview", admin, new byte[] {'n', 'a', 'm', 'e', '\n', (byte) 0xC9, 'v', 'e'}),
                400, "file");
        byte[] big = new byte[2 * 1024 * 1024 + 10];
        java.util.Arrays.fill(big, (byte) 'a');
        Reply tooBig = csv("/api/callers/import", admin, big);
        assertRefused(tooBig, 413, "file");
        assertThat(tooBig.json().getString("detail")).contains("2048 KiB");
        for (String file : List.of("organisation,email\nAcme,a@b.example\n", "id,name\n1,Ann\n", "name,shoe size\nAnn,8\n",
                "name\n\"Ann\n", "name\n", "")) {
            Reply r = csv("/api/callers/import/preview", admin, file);
            if (file.isEmpty()) {
                assertRefused(r, 400, "file");
                continue;
            }
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().getInteger("valid")).as(file).isZero();
            assertThat(r.json().getJsonArray("errors").getJsonObject(0).getString("field")).as(file).isEqualTo("file");
            assertRefused(csv("/api/callers/import", admin, file), 400, "file");
        }
        Reply tooMany = csv("/api/callers/import/preview", admin, "name\n" + "Ann\n".repeat(10_001));
        assertThat(tooMany.json().getJsonArray("errors").getJsonObject(0).getString("message")).isEqualTo(
                "10001 rows; at most 10000 a file: split it");
        assertRefused(csv("/api/callers/import", admin, "name\n" + "Ann\n".repeat(10_001)), 400, "file");
        assertRefused(csv("/api/callers/import", alice, "name\nAnn\n"), 403, null);
        assertRefused(csv("/api/callers/import/preview", sam, "name\nAnn\n"), 403, null);
        assertThat(callers()).isEqualTo(before);
    }

    @Test
    @DisplayName("a good file (BOM, CRLF, any column order) is imported in one go with numbers in E.164, and the export streams every caller back in id order")
    void importThenExport() {
        StringBuilder file = new StringBuilder("\uFEFFphones,name,vip\r\n");
        for (int i = 0; i < 1200; i++) {
            file.append(String.format("(646) 555-%04d,Imported Person %04d,%s\r\n", i, i, i % 2 == 0 ? "true" : ""));
        }
        file.append("+44 20 7946 0958,=SUM(A1),no\r\n");
        long before = callers();
        Reply r = csv("/api/callers/import?filename=people.csv", admin, file.toString());
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(200);
        assertThat(r.json().getInteger("imported")).isEqualTo(1201);
        assertThat(callers()).isEqualTo(before + 1201);
        assertThat(server.get("/api/callers?phone=" + "646-555-0007", alice).json().getJsonArray("items").getJsonObject(0)
                .getString("name")).isEqualTo("Imported Person 0007");
        assertThat(server.queryLong("SELECT COUNT(*) FROM callers WHERE name LIKE 'Imported Person %' AND vip")).isEqualTo(600);
        assertThat(server.queryLong("SELECT COUNT(*) FROM audit_log WHERE action = 'caller.import' AND detail LIKE "
                + "'1201 callers, 1201 numbers from people.csv'")).isEqualTo(1);

        assertRefused(server.get("/api/callers/export", alice), 403, null);
        Reply export = server.get("/api/callers/export", sam);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.header("Content-Type")).isEqualTo("text/csv; charset=utf-8");
        assertThat(export.header("Content-Disposition")).contains("firstline-callers.csv");
        String[] lines = export.raw().body().split("\r\n");
        assertThat(lines[0]).isEqualTo("id,name,organisation,email,phones,vip,pinSet,createdAt");
        assertThat(lines).hasSize((int) callers() + 1);
        List<Long> ids = java.util.Arrays.stream(lines).skip(1).map(l -> Long.parseLong(l.substring(0, l.indexOf(',')))).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(export.raw().body()).contains(",'=SUM(A1),,,'+442079460958,false,false,");
    }

    @Test
    @DisplayName("organisations are listed with their callers, and renamed for all of them at once by an admin")
    void organisations() {
        caller(new JsonObject().put("name", "Olga One").put("organisation", "Northwind Ltd"));
        caller(new JsonObject().put("name", "Olaf Two").put("organisation", "Northwind Ltd"));
        caller(new JsonObject().put("name", "Oona Three").put("organisation", "Northwind Limited"));
        Reply list = server.get("/api/callers/organisations?q=northwind", alice);
        assertThat(list.json().getJsonArray("items").stream().map(o -> ((JsonObject) o).getString("name") + " "
                + ((JsonObject) o).getInteger("callers")).toList()).containsExactly("Northwind Limited 1", "Northwind Ltd 2");
        assertRefused(server.post("/api/callers/organisations/rename", sam, new JsonObject().put("from", "Northwind Ltd")
                .put("to", "Northwind Limited")), 403, null);
        assertRefused(server.post("/api/callers/organisations/rename", admin, new JsonObject().put("from", "Nobody Inc")
                .put("to", "X")), 400, "from");
        assertRefused(server.post("/api/callers/organisations/rename", admin, new JsonObject().put("from", "Northwind Ltd")), 400,
                "to");
        Reply r = server.post("/api/callers/organisations/rename", admin, new JsonObject().put("from", "Northwind Ltd")
                .put("to", "Northwind Limited"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().getInteger("callers")).isEqualTo(2);
        assertThat(server.get("/api/callers/organisations?q=northwind", alice).json().getJsonArray("items").stream()
                .map(o -> ((JsonObject) o).getString("name") + " " + ((JsonObject) o).getInteger("callers")).toList())
                .containsExactly("Northwind Limited 3");
    }
}
