package io.firstline.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("which new passwords are too weak")
class PasswordsTest {

    @Test
    @DisplayName("the commonest passwords are refused, with digits and symbols around them too, in any case")
    void common() {
        for (String p : new String[] {"password", "Password1", "PASSWORD123", "12345678", "qwerty123", "Welcome2024!",
                "1qaz2wsx", "iloveyou", "helpdesk1", "!!Letmein!!", "Sunshine99"}) {
            assertThat(Passwords.weakness("someone", p)).as(p).hasValueSatisfying(w -> assertThat(w).contains("common"));
        }
    }

    @Test
    @DisplayName("the username itself, reversed, doubled or decorated is refused")
    void username() {
        for (String p : new String[] {"frank.miller", "Frank.Miller", "frank.miller2024", "2024frank.miller!",
                "rellim.knarf", "frank.millerfrank.miller"}) {
            assertThat(Passwords.weakness("frank.miller", p)).as(p).hasValue("too close to the username");
        }
        assertThat(Passwords.weakness("agent07", "agent07agent07")).hasValue("too close to the username");
    }

    @Test
    @DisplayName("short ones are refused; long unusual ones and passphrases pass, even with a common word inside")
    void strongEnough() {
        assertThat(Passwords.weakness("frank", "Ab3$xyz")).hasValueSatisfying(w -> assertThat(w).startsWith("too short"));
        for (String p : new String[] {"correct horse battery staple", "frank-password", "admin-password-for-tests",
                "demo-password", "Tr0ub4dor&3x", "98989898"}) {
            assertThat(Passwords.weakness("frank", p)).as(p).isEmpty();
        }
    }
}
