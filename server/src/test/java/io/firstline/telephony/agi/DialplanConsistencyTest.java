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

    /** A section of an Asterisk .conf file as Asterisk's config parser leaves it: templates' lines first. */
    private record Section(String name, boolean template, List<String[]> lines) {
        List<String> values(String key) {
            return lines.stream().filter(l -> l[0].equalsIgnoreCase(key)).map(l -> l[1]).toList();
        }
    }

    /**
     * Reads a .conf file the way main/config.c does: "[name](a,b)" copies the lines of a and b before the
     * section's own, "(!)" marks a template, "[name](+)" appends to an existing section.
     */
    private static Map<String, Section> sections(String conf) {
        Map<String, Section> out = new java.util.LinkedHashMap<>();
        Section current = null;
        for (String raw : conf.split("\n")) {
            String line = stripComment(raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            Matcher c = CONTEXT.matcher(line);
            if (c.find()) {
                String name = c.group(1);
                List<String> options = c.group(3) == null ? List.of() : List.of(c.group(3).split(","));
                if (options.contains("+")) {
                    current = out.get(name);
                    assertThat(current).as("[" + name + "](+) adds to a section defined before").isNotNull();
                    continue;
                }
                current = new Section(name, options.contains("!"), new ArrayList<>());
                for (String base : options) {
                    if (!base.equals("!")) {
                        assertThat(out).as("[" + name + "] inherits from [" + base + "]").containsKey(base);
                        current.lines().addAll(out.get(base).lines());
                    }
                }
                out.put(name, current);
                continue;
            }
            int eq = line.indexOf('=');
            if (current != null && eq > 0) {
                current.lines().add(new String[] {line.substring(0, eq).strip(),
                        line.substring(eq + 1).replaceFirst("^>", "").strip()});
            }
        }
        return out;
    }

    @Test
    @DisplayName("each queue rings with the strategy its own section says: app_queue takes a static queue's first strategy line, the template's")
    void queueStrategies() throws IOException {
        Map<String, Section> conf = sections(Files.readString(DIR.resolve("queues_firstline.conf")));
        Map<String, String> effective = new HashMap<>();
        for (Section q : conf.values()) {
            if (q.template()) {
                continue;
            }
            List<String> written = q.values("strategy");
            // app_queue.c reload_single_queue: ast_variable_retrieve() → the first "strategy"; the rest are skipped
            String used = written.isEmpty() ? "ringall" : written.get(0);
            assertThat(written).as("[" + q.name() + "]: every strategy line written is the one Asterisk uses").containsOnly(used);
            effective.put(q.name(), used);
        }
        assertThat(effective).containsExactlyInAnyOrderEntriesOf(Map.of("hardware", "rrmemory", "software", "rrmemory",
                "network", "rrmemory", "helpdesk", "ringall"));
    }

    @Test
    @DisplayName("static members carry the state interface of their phone, the one the server derives and [agents] dials")
    void staticMembersWatchThePhone() throws IOException {
        Map<String, Section> conf = sections(Files.readString(DIR.resolve("queues_firstline.conf")));
        int members = 0;
        for (Section q : conf.values()) {
            for (String member : q.values("member")) {
                String[] f = member.split(",");
                assertThat(f).as("member => interface,penalty,membername,state_interface in [" + q.name() + "]").hasSize(4);
                assertThat(f[3].strip()).as(member)
                        .isEqualTo(io.firstline.telephony.PbxCommands.stateInterface(f[0].strip(), null).orElseThrow());
                members++;
            }
        }
        assertThat(members).isGreaterThanOrEqualTo(4);
        // the server's derivation Local/<ext>@agents/n -> PJSIP/<ext> holds only while [agents] dials PJSIP/${EXTEN}
        assertThat(dialplan).containsPattern("\\[agents\\][^\\[]*Dial\\(PJSIP/\\$\\{EXTEN\\}\\)");
    }

    /**
     * The core sounds the dialplans may play, each checked against core-sounds-en.txt of Debian's
     * asterisk-core-sounds-en 1.6.1 (the English core set Asterisk 20 and 22 install). A new one goes
     * here only after looking it up there.
     */
    private static final Set<String> CORE_SOUNDS = Set.of("activated", "auth-thankyou", "beep", "confbridge-pin",
            "confbridge-pin-bad", "de-activated", "disabled", "hello", "im-sorry", "is", "is-in-use", "number",
            "please-try-call-later", "pls-hold-while-try", "pm-invalid-option", "privacy-incorrect",
            "queue-periodic-announce", "silence/1", "unidentified-no-callback", "vm-goodbye", "vm-leavemsg",
            "vm-nobodyavail", "vm-reachoper", "vm-sorry", "you-entered");
    private static final Path SOUNDS = DIR.resolve("sounds");

    /** Every sound file named literally in the dialplans: played, read, announced or set as a prompt global. */
    private static Set<String> soundsNamed() throws IOException {
        Set<String> out = new java.util.TreeSet<>();
        List<Pattern> lists = List.of(Pattern.compile("\\bPlayback\\(([^,)]*)"), Pattern.compile("\\bBackground\\(([^,)]*)"),
                Pattern.compile("\\bRead\\([^,]*,([^,]*),"),
                Pattern.compile("firstline-sub-(?:play|say-ticket),s,1\\(([^,]*),([^)]*)\\)"),
                Pattern.compile("^FIRSTLINE_(?:SND|SAY)_(?!FORMATS)[A-Z_]+=(.*)$"));
        for (String raw : dialplan.split("\n")) {
            String line = stripComment(raw).strip();
            for (Pattern p : lists) {
                Matcher m = p.matcher(line);
                while (m.find()) {
                    for (int g = 1; g <= m.groupCount(); g++) {
                        for (String sound : m.group(g).split("&")) {
                            if (!sound.isBlank() && !sound.contains("$")) {
                                out.add(sound.strip());
                            }
                        }
                    }
                }
            }
        }
        for (String raw : Files.readString(DIR.resolve("queues_firstline.conf")).split("\n")) {
            String line = stripComment(raw).strip();
            if (line.startsWith("periodic-announce ") || line.startsWith("periodic-announce=")) {
                for (String sound : line.substring(line.indexOf('=') + 1).split(",")) {
                    out.add(sound.strip());
                }
            }
        }
        return out;
    }

    @Test
    @DisplayName("every sound the dialplans play is shipped in dialplans/sounds (custom/…) or is an Asterisk core sound")
    void soundsAreShipped() throws IOException {
        Set<String> named = soundsNamed();
        assertThat(named).contains("custom/firstline-menu", "custom/firstline-welcome", "custom/firstline-callback-offer",
                "vm-sorry", "beep");
        List<String> missing = new ArrayList<>();
        for (String sound : named) {
            boolean shipped = sound.startsWith("custom/") && Files.isRegularFile(SOUNDS.resolve("en/" + sound + ".gsm"));
            if (!shipped && !CORE_SOUNDS.contains(sound)) {
                missing.add(sound);
            }
        }
        assertThat(missing).as("sounds neither shipped in dialplans/sounds/en nor core sounds").isEmpty();
    }

    @Test
    @DisplayName("the shipped prompts are exactly the lines of prompts-en.txt, each 8 kHz mono GSM of a few seconds")
    void promptsMatchTheirText() throws IOException {
        Set<String> written = new java.util.TreeSet<>();
        for (String line : Files.readAllLines(SOUNDS.resolve("prompts-en.txt"))) {
            if (!line.isBlank() && !line.startsWith(";")) {
                assertThat(line).as("a prompt line is '<name>: <words>'").matches("[A-Za-z0-9_-]+: \\S.*");
                written.add("custom/" + line.substring(0, line.indexOf(':')));
            }
        }
        Set<String> shipped = new java.util.TreeSet<>();
        try (var files = Files.list(SOUNDS.resolve("en/custom"))) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                assertThat(name).as("only .gsm prompts are shipped").endsWith(".gsm");
                shipped.add("custom/" + name.substring(0, name.length() - ".gsm".length()));
                long size = Files.size(f);
                // GSM 06.10 as Asterisk stores it: 33-byte frames of 20 ms at 8 kHz mono
                assertThat(size % 33).as(name + " is whole GSM frames").isZero();
                assertThat(size / 33 * 20).as(name + " lasts between 1 s and 30 s (ms)").isBetween(1_000L, 30_000L);
            }
        }
        assertThat(shipped).isEqualTo(written);
        Set<String> used = soundsNamed();
        assertThat(used).as("every shipped prompt is used").containsAll(shipped);
        assertThat(Files.isExecutable(SOUNDS.resolve("make-prompts.sh"))).isTrue();
    }

    @Test
    @DisplayName("every dialplan line keeps its brackets balanced once Asterisk drops what follows a ';' (a comment)")
    void noCommentCutsALine() {
        List<String> cut = new ArrayList<>();
        int n = 0;
        for (String raw : dialplan.split("\n")) {
            n++;
            String line = stripComment(raw).strip();
            if (line.startsWith("exten") || line.startsWith("same")) {
                int round = 0;
                int curly = 0;
                for (char ch : line.toCharArray()) {
                    round += ch == '(' ? 1 : ch == ')' ? -1 : 0;
                    curly += ch == '{' ? 1 : ch == '}' ? -1 : 0;
                }
                if (round != 0 || curly != 0) {
                    cut.add("line " + n + ": " + raw.strip());
                }
            }
        }
        assertThat(cut).isEmpty();
    }
}
