package io.firstline;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the API's error replies, shared by the API tests. */
public final class ApiAssertions {

    private ApiAssertions() {
    }

    /** The reply is an error with this status and, when {@code field} is given, names that field first. */
    public static void assertRefused(TestServer.Reply r, int status, String field) {
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(status);
        assertThat(r.json().getString("error")).isNotBlank();
        assertThat(r.json().getString("detail")).isNotBlank();
        if (field != null) {
            assertThat(r.json().getString("detail")).startsWith(field + ":");
            assertThat(r.json().getString("field")).isEqualTo(field);
        }
    }
}
