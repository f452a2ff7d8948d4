package io.firstline.telephony;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.asteriskjava.manager.event.NewChannelEvent;
import org.asteriskjava.manager.event.NewExtenEvent;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the AMI edge: an event that cannot be read is skipped and reported, never dropped in silence")
class AmiEventsTest {

    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    @Test
    @DisplayName("an event whose field cannot be read is skipped, and the link is told which event and why")
    void unreadableEventIsReported() {
        NewChannelEvent broken = new NewChannelEvent(this) {
            @Override
            public String getLinkedid() {
                throw new IllegalArgumentException("a Linkedid Asterisk-Java could not make sense of");
            }
        };
        List<String> reported = new ArrayList<>();
        assertThat(AmiEvents.translate("pbx", broken, AT, (e, why) -> reported.add(why.getMessage()))).isEmpty();
        assertThat(reported).containsExactly("a Linkedid Asterisk-Java could not make sense of");
    }

    @Test
    @DisplayName("an event Firstline does not follow is skipped without a report: it is not unreadable")
    void eventNotFollowedIsNotReported() {
        List<String> reported = new ArrayList<>();
        assertThat(AmiEvents.translate("pbx", new NewExtenEvent(this), AT, (e, why) -> reported.add(why.getMessage())))
                .isEmpty();
        assertThat(reported).isEmpty();
    }

    @Test
    @DisplayName("a readable event becomes one of ours")
    void readableEventIsTranslated() {
        NewChannelEvent ok = new NewChannelEvent(this);
        ok.setUniqueId("1.1");
        ok.setLinkedid("1.1");
        ok.setChannel("PJSIP/1001-00000001");
        assertThat(AmiEvents.translate("pbx", ok, AT, (e, why) -> { throw new AssertionError(why); })).isPresent();
    }
}
