package io.firstline.telephony.agi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("dialplans/ fits the server: scripts, jumps, variables and queues")
class DialplanConsistencyTest {

    private static final Path DIR = Path.of("../dialplans");
    private static final Pattern CONTEXT = Pattern.compile("^\\[([A-Za-z0-9_-]+)\\](\\((!|\\+|[A-Za-z0-9_,-]+)\\))?");
    private static final Pattern EXTEN = Pattern.compile("^exten\\s*=>\\s*([^,]+),");
    private static final Pattern LABEL = Pattern.compile("^(?:exten\\s*=>\\s*[^,]+|same\\s*=>)\\s*,?\\s*(?:n|\\d+)\\(([A-Za-z0-9_-]+)\\)");
    private static final Pattern JUMP = Pattern.compile("\\b(Goto|Gosub)\\(([^()]*(?:\\([^()]*\\))?[^()]*)\\)");
    private static final Pattern COND_JUMP = Pattern.compile("\\b(GotoIf|GotoIfTime|GosubIf)\\((.*)\\)");
    private static final Pattern AGI = Pattern.compile("agi://[^/]+/([A-Za-z0-9_-]+)");

    private static final Map<String, Set<String>> extensions = new HashMap<>();
    private static final Map<String, Set<String>> labels = new HashMap<>();
    private static final List<String[]> jumps = new ArrayList<>(); // context, target, line
    private static final Set<String> agiScripts = new LinkedHashSet<>();
    private static String dialplan;

    @BeforeAll
    static void read() throws IOException {
        dialplan = Files.readString(DIR.resolve("extensions_firstline.conf"));
        String context = null;
        int n = 0;
        for (String raw : dialplan.split("\n")) {
            n++;
            String line = stripComment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher c = CONTEXT.matcher(line);
            if (c.find()) {
                context = c.group(1);
                extensions.computeIfAbsent(context, k -> new HashSet<>());
                labels.computeIfAbsent(context, k -> new HashSet<>());
                continue;
            }
            Matcher e = EXTEN.matcher(line);
            if (e.find() && context != null) {
                extensions.get(context).add(e.group(1).strip());
            }
            Matcher l = LABEL.matcher(line);
            if (l.find() && context != null) {
                labels.get(context).add(l.group(1));
            }
            Matcher j = JUMP.matcher(line);
            while (j.find()) {
                jumps.add(new String[] {context, j.group(2), "line " + n + ": " + line});
            }
            Matcher cj = COND_JUMP.matcher(line);
            if (cj.find()) {
                String args = cj.group(2);
                int q = args.lastIndexOf('?');
                if (q >= 0) {
                    for (String t : args.substring(q + 1).split(":")) {
                        if (!t.isBlank()) {
                            jumps.add(new String[] {context, t, "line " + n + ": " + line});
                        }
                    }
                }
            }
            Matcher a = AGI.matcher(line);
            while (a.find()) {
                agiScripts.add(a.group(1));
            }
        }
    }

    private static String stripComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ';' && (i == 0 || line.charAt(i - 1) != '\\')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    @Test
    @DisplayName("every agi://…/NAME is a script the server has, and the server's scripts are all used")
    void agiScripts() {
        assertThat(agiScripts).isNotEmpty();
        assertThat(PhoneMenuScripts.SCRIPTS).containsAll(agiScripts);
        assertThat(agiScripts).containsAll(PhoneMenuScripts.SCRIPTS);
    }

    @Test
    @DisplayName("every context, extension and label jumped to exists")
    void jumpsLand() {
        List<String> broken = new ArrayList<>();
        for (String[] j : jumps) {
            String target = j[1].replaceAll("\\(.*\\)$", "").strip(); // Gosub arguments
            if (target.contains("${") || target.contains("$[")) {
                continue;
            }
            String[] p = target.split(",");
            String ctx = p.length == 3 ? p[0].strip() : j[0];
            String exten = p.length >= 2 ? p[p.length - 2].strip() : null;
            String prio = p[p.length - 1].strip();
            if (!extensions.containsKey(ctx)) {
                broken.add("no context [" + ctx + "] (" + j[2] + ")");
                continue;
            }
            if (exten != null && !extensions.get(ctx).contains(exten)
                    && extensions.get(ctx).stream().noneMatch(x -> x.startsWith("_"))) {
                broken.add("no extension " + exten + " in [" + ctx + "] (" + j[2] + ")");
            }
            if (!prio.matches("\\d+") && !labels.get(ctx).contains(prio)) {
                broken.add("no label " + prio + " in [" + ctx + "] (" + j[2] + ")");
            }
        }
        assertThat(jumps).hasSizeGreaterThan(20);
        assertThat(broken).isEmpty();
    }

    @Test
    @DisplayName("the FIRSTLINE_* variables the server reads are set by the dialplan (or by the identify script it calls)")
    void variables() {
        assertThat(dialplan).containsPattern("Set\\(_{0,2}FIRSTLINE_MENU_PATH=");
        assertThat(dialplan).containsPattern("(Set\\(_{0,2}FIRSTLINE_TICKET=|Read\\(FIRSTLINE_TICKET,)");
        assertThat(dialplan).contains("agi://${FIRSTLINE_AGI}/identify");
    }

    @Test
    @DisplayName("the server's 'locked' ticket status (too many wrong PINs) sends the caller to a person, for both lookups")
    void lockedGoesToAPerson() {
        List<String> ticket = contextLines("firstline-ticket");
        int check = indexOf(ticket, "n(check),");
        assertThat(ticket.get(check + 1)).as("the first thing after AGISTATUS")
                .contains("\"${FIRSTLINE_TICKET_STATUS}\" = \"" + PhoneMenuScripts.LOCKED + "\"]?locked)");
        // Both AGI calls (ticket number, then PIN) end up at the check.
        assertThat(ticket.stream().filter(l -> l.contains("agi://${FIRSTLINE_AGI}/ticket-status")).count()).isEqualTo(2);
        assertThat(ticket.get(indexOf(ticket, "/ticket-status?ticket=${FIRSTLINE_TICKET})") + 1)).contains("n(check),");
        assertThat(ticket.subList(indexOf(ticket, "&pin=${FIRSTLINE_PIN})"), ticket.size()).stream()
                .filter(l -> l.contains("Goto(")).findFirst().orElseThrow()).contains("Goto(check)");
        List<String> locked = ticket.subList(indexOf(ticket, "n(locked),"), ticket.size());
        assertThat(locked.get(0)).contains("Set(__FIRSTLINE_MENU_PATH=main/ticket-status/locked)");
        assertThat(locked.stream().filter(l -> l.contains("Goto(")).findFirst().orElseThrow())
                .contains("Goto(firstline-queue,helpdesk,1)");
    }

    /** The lines of one context, comments and blank lines left out. */
    private static List<String> contextLines(String name) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String raw : dialplan.split("\n")) {
            String line = stripComment(raw).strip();
            Matcher c = CONTEXT.matcher(line);
            if (c.find()) {
                in = c.group(1).equals(name);
                continue;
            }
            if (in && !line.isEmpty()) {
                out.add(line);
            }
        }
        return out;
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + part);
    }

    @Test
    @DisplayName("every queue the dialplan sends callers to is defined, and every queue's exit context exists")
    void queues() throws IOException {
        String queuesConf = Files.readString(DIR.resolve("queues_firstline.conf"));
        Set<String> defined = new HashSet<>();
        Set<String> exitContexts = new HashSet<>();
        for (String raw : queuesConf.split("\n")) {
            String line = stripComment(raw).strip();
            Matcher c = CONTEXT.matcher(line);
            if (c.find() && !"!".equals(c.group(3))) {
                defined.add(c.group(1));
            }
            if (line.startsWith("context")) {
                exitContexts.add(line.substring(line.indexOf('=') + 1).replace(">", "").strip());
            }
        }
        Set<String> used = new HashSet<>();
        Matcher q = Pattern.compile("\\bQueue\\(([A-Za-z0-9_-]+)[,)]").matcher(dialplan);
        while (q.find()) {
            used.add(q.group(1));
        }
        assertThat(used).containsExactlyInAnyOrder("hardware", "software", "network", "helpdesk");
        assertThat(defined).containsAll(used);
        assertThat(extensions.keySet()).containsAll(exitContexts);
    }
}
