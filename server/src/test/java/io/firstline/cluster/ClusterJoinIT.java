package io.firstline.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstline.TestServer;
import io.firstline.config.Settings;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("cluster mode: who may join (one build per cluster, unique node ids, the same secret)")
class ClusterJoinIT {

    private static final String SECRET = "the tests' cluster secret";

    private final int port1 = TestServer.freePort();
    private final int port2 = TestServer.freePort();
    private final List<Vertx> started = new ArrayList<>();

    @AfterEach
    void leave() throws Exception {
        for (Vertx v : started) {
            v.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** A member on {@code port}, joining both ports, as Firstline starts one: clustered Vert.x, then the check. */
    private ClusterNode member(String id, int port, String version, String secret) throws Exception {
        ClusterNode node = ClusterNode.of(Settings.Cluster.loopback(id, port, 0, List.of(port1, port2), secret), version, "15");
        io.vertx.core.VertxOptions options = new io.vertx.core.VertxOptions();
        options.getEventBusOptions().setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1");
        Vertx vertx = Vertx.builder().with(options).withClusterManager(node.manager()).buildClustered()
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        started.add(vertx);
        node.checkMembers();
        return node;
    }

    @Test
    @DisplayName("a node of another version, or with a member's id, is refused; one with another secret forms its own cluster")
    void joining() throws Exception {
        ClusterNode first = member("fl-1", port1, "1.0", SECRET);
        assertThat(first.size()).isEqualTo(1);

        assertThatThrownBy(() -> member("fl-2", port2, "1.1", SECRET))
                .isInstanceOf(ClusterNode.IncompatibleNodeException.class)
                .hasMessageContaining("node fl-1 at")
                .hasMessageContaining("runs Firstline 1.0 (database schema 15), this node 1.1 (schema 15)");
        closeLast();
        assertThatThrownBy(() -> member("fl-1", port2, "1.0", SECRET))
                .isInstanceOf(ClusterNode.IncompatibleNodeException.class)
                .hasMessageContaining("has this node's id");
        closeLast();

        ClusterNode stranger = member("fl-9", port2, "1.0", "another cluster's secret");
        assertThat(stranger.size()).as("a node with another secret sees only itself").isEqualTo(1);
        assertThat(first.size()).isEqualTo(1);
        closeLast();

        ClusterNode second = member("fl-2", port2, "1.0", SECRET);
        assertThat(second.size()).isEqualTo(2);
        assertThat(first.members().stream().map(m -> ((io.vertx.core.json.JsonObject) m).getString("node")))
                .containsExactly("fl-1", "fl-2");
    }

    private void closeLast() throws Exception {
        started.remove(started.size() - 1).close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
