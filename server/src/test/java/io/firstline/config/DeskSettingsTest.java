package io.firstline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The agent desktop's settings: defaults that match dialplans/, and one clear line for a bad value. */
@DisplayName("desk settings")
class DeskSettingsTest {

    private static Settings.Desk load(Map<String, String> env) {
        return SettingsLoader.load(env, Optional.empty()).desk();
    }

    @Test
    @DisplayName("defaults name the contexts of extensions_firstline.conf and its queues; wrap-up pause is off")
    void defaults() {
        Settings.Desk d = load(Map.of());
        assertThat(d.callbackContext()).isEqualTo("firstline-callback");
        assertThat(d.transferContext()).isEqualTo("firstline-transfer");
        assertThat(d.queues()).containsExactly("helpdesk", "hardware", "software", "network");
        assertThat(d.wrapupPause()).isFalse();
    }

    @Test
    @DisplayName("each can be set")
    void set() {
        Settings.Desk d = load(Map.of("FIRSTLINE_CALLBACK_CONTEXT", "from-internal", "FIRSTLINE_TRANSFER_CONTEXT", "xfer",
                "FIRSTLINE_DESK_QUEUES", " sales , support,sales", "FIRSTLINE_WRAPUP_PAUSE", "true"));
        assertThat(d.callbackContext()).isEqualTo("from-internal");
        assertThat(d.transferContext()).isEqualTo("xfer");
        assertThat(d.queues()).containsExactly("sales", "support");
        assertThat(d.wrapupPause()).isTrue();
    }

    @Test
    @DisplayName("a context or queue that could smuggle AMI headers, an empty queue list or a bad flag stops start-up naming the setting")
    void refused() {
        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_CALLBACK_CONTEXT", "a\r\nAction: Originate")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("FIRSTLINE_CALLBACK_CONTEXT");
        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_TRANSFER_CONTEXT", "has space")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("FIRSTLINE_TRANSFER_CONTEXT");
        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_DESK_QUEUES", "ok,not ok")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("FIRSTLINE_DESK_QUEUES");
        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_DESK_QUEUES", " , ")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("FIRSTLINE_DESK_QUEUES");
        assertThatThrownBy(() -> load(Map.of("FIRSTLINE_WRAPUP_PAUSE", "sometimes")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("FIRSTLINE_WRAPUP_PAUSE");
    }
}
