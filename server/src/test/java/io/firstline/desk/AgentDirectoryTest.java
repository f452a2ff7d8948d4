package io.firstline.desk;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.auth.Agent;
import io.firstline.auth.Role;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the agent directory: which agent a queue member is")
class AgentDirectoryTest {

    /** The directory's reads of the agents table, each completed by the test. */
    private final List<Promise<List<Agent>>> reads = new ArrayList<>();
    private final AgentDirectory d = new AgentDirectory(() -> {
        Promise<List<Agent>> p = Promise.promise();
        reads.add(p);
        return p.future();
    });

    private static Agent agent(long id, String iface) {
        return new Agent(id, "a" + id, "Agent " + id, Role.AGENT, iface, null, null, true, Instant.EPOCH);
    }

    @Test
    @DisplayName("reloads asked for while a read is under way make one read after it, answered with what it read")
    void reloadsCoalesce() {

        Future<Void> first = d.reload();
        List<Future<Void>> meanwhile = List.of(d.reload(), d.reload(), d.reload());
        assertThat(reads).hasSize(1);

        reads.get(0).complete(List.of(agent(1, "PJSIP/1001")));
        assertThat(first.succeeded()).isTrue();
        assertThat(reads).as("one read for the three asked meanwhile").hasSize(2);
        assertThat(meanwhile).noneMatch(Future::isComplete);
        assertThat(d.lookup("PJSIP/1002", null)).isEmpty();

        reads.get(1).complete(List.of(agent(1, "PJSIP/1001"), agent(2, "Local/1002@agents/n")));
        assertThat(meanwhile).allMatch(Future::succeeded);
        assertThat(d.lookup("local/1002@agents", null)).map(Agent::id).contains(2L);
        assertThat(reads).hasSize(2);

        d.reload();
        assertThat(reads).as("nothing under way: a reload reads at once").hasSize(3);
    }

    @Test
    @DisplayName("a failed read fails those it answers and does not stop the next")
    void failedReadDoesNotStick() {
        Future<Void> first = d.reload();
        Future<Void> second = d.reload();
        reads.get(0).fail("database away");
        assertThat(first.failed()).isTrue();
        reads.get(1).fail("still away");
        assertThat(second.failed()).isTrue();

        Future<Void> third = d.reload();
        reads.get(2).complete(List.of(agent(3, "PJSIP/1003")));
        assertThat(third.succeeded()).isTrue();
        assertThat(d.lookup("pjsip/1003", null)).map(Agent::id).contains(3L);
    }
}
