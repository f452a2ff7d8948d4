// The shipped manager_firstline.conf and the simulator's ManagerUser.FIRSTLINE say the same, and its filters keep every variable of Firstline's dialplans; JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ManagerUserTest {

    private static final Path DIALPLANS = TraceFiles.dir().resolveSibling("dialplans");

    /** The [firstline] section of the shipped manager_firstline.conf, read as Asterisk's config parser would. */
    private static ManagerUser shipped() throws IOException {
        Set<String> read = Set.of();
        List<ManagerUser.Filter> filters = new ArrayList<>();
        boolean inSection = false;
        Pattern filter = Pattern.compile("eventfilter\\((.*)\\)\\s*=\\s*(.*)");
        for (String raw : Files.readAllLines(DIALPLANS.resolve("manager_firstline.conf"))) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                inSection = line.equals("[firstline]");
                continue;
            }
            if (!inSection || line.isEmpty() || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("read")) {
                read = Set.of(line.substring(line.indexOf('=') + 1).strip().split("\\s*,\\s*"));
            }
            Matcher m = filter.matcher(line);
            if (m.matches()) {
                filters.add(ManagerUser.Filter.parse(m.group(1), m.group(2)));
            }
        }
        return new ManagerUser(read, filters);
    }

    private static List<String> described(ManagerUser u) {
        List<String> out = new ArrayList<>(new TreeSet<>(u.readClasses()));
        for (ManagerUser.Filter f : u.filters()) {
            out.add(f.include() + " " + f.name() + " " + f.header() + " " + f.method() + " " + f.expression());
        }
        return out;
    }

    private static AmiMessage varSet(String variable) {
        return AmiMessage.builder().add("Event", "VarSet").add("Privilege", "dialplan,all").add("Channel", "PJSIP/trunk-00000001")
                .add("Variable", variable).add("Value", "x").build();
    }

    private static AmiMessage event(String name, String privilege) {
        return AmiMessage.builder().add("Event", name).add("Privilege", privilege).add("Channel", "PJSIP/trunk-00000001").build();
    }

    @Test
    void theShippedUserIsTheSimulatorsFirstlineUser() throws IOException {
        assertThat(described(shipped())).isEqualTo(described(ManagerUser.FIRSTLINE));
        assertThat(ManagerUser.FIRSTLINE.filters()).hasSize(2);
    }

    @Test
    void everyVariableOfTheDialplansGoesThroughAndNoOtherOne() throws IOException {
        Set<String> ours = new TreeSet<>();
        Matcher m = Pattern.compile("\\b_{0,2}FIRSTLINE_[A-Z0-9_]+").matcher(Files.readString(DIALPLANS.resolve("extensions_firstline.conf")));
        while (m.find()) {
            ours.add(m.group().replaceFirst("^_+", ""));
        }
        assertThat(ours).contains("FIRSTLINE_MENU_PATH", "FIRSTLINE_CALLER_ID", "FIRSTLINE_CALLBACK_STATUS");
        ManagerUser user = ManagerUser.FIRSTLINE;
        for (String v : ours) {
            assertThat(user.gets(varSet(v))).as(v).isTrue();
            assertThat(user.gets(varSet("__" + v))).as("__" + v).isTrue();
        }
        for (String other : List.of("DIALSTATUS", "QUEUEPOSITION", "BRIDGEPEER", "RTPAUDIOQOSMES", "__MEMBERINTERFACE",
                "FIRSTLINE", "FIRSTLINEX_Y", "F", "_FIRST", "___FIRSTLINE_MENU_PATH", "firstline_menu_path")) {
            assertThat(user.gets(varSet(other))).as(other).isFalse();
        }
        assertThat(user.gets(event("Newexten", "dialplan,all"))).isFalse();
        assertThat(user.gets(event("Newchannel", "call,all"))).isTrue();
        assertThat(user.gets(event("AgentConnect", "agent,all"))).isTrue();
        for (String[] unread : new String[][] {{"Cdr", "cdr,all"}, {"RTCPSent", "reporting,all"}, {"DTMFBegin", "dtmf,all"},
                {"AGIExecStart", "agi,all"}, {"SuccessfulAuth", "security,all"}}) {
            assertThat(user.gets(event(unread[0], unread[1]))).as(unread[0]).isFalse();
        }
    }

    @Test
    void filtersFollowAsterisksOrder() {
        ManagerUser onlyHangups = new ManagerUser(Set.of("all"), List.of(ManagerUser.Filter.parse("action(include),name(Hangup)", ""),
                ManagerUser.Filter.parse("action(exclude),header(Channel),method(starts_with)", "Local/")));
        assertThat(onlyHangups.gets(event("Hangup", "call,all"))).isTrue();
        assertThat(onlyHangups.gets(event("Newchannel", "call,all"))).isFalse();
        AmiMessage localHangup = AmiMessage.builder().add("Event", "Hangup").add("Privilege", "call,all")
                .add("Channel", "Local/1001@agents-00000001;1").build();
        assertThat(onlyHangups.gets(localHangup)).isFalse();
        assertThat(ManagerUser.ALL.gets(event("Cdr", "cdr,all"))).isTrue();
        assertThatThrownBy(() -> ManagerUser.Filter.parse("action(drop)", "")).hasMessageContaining("include or exclude");
        assertThatThrownBy(() -> ManagerUser.Filter.parse("method(glob)", "x")).hasMessageContaining("not known");
        assertThatThrownBy(() -> ManagerUser.Filter.parse("event(Hangup)", "")).hasMessageContaining("not understood");
        assertThatThrownBy(() -> ManagerUser.Filter.parse("name(Hangup)", "x")).hasMessageContaining("'none' with a filter pattern");
        assertThatThrownBy(() -> ManagerUser.Filter.parse("name(Hangup),method(regex)", "")).hasMessageContaining("no filter pattern");
        assertThatThrownBy(() -> ManagerUser.Filter.parse("action(exclude)", "")).hasMessageContaining("no name or header");
    }
}
