package io.firstline.phone;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("phone numbers in E.164")
class PhoneNumbersTest {

    private final PhoneNumbers us = new PhoneNumbers("US");

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "+1 (555) 123-4567 | +15551234567",
            "555-123-4567      | +15551234567",
            "1-555-123-4567    | +15551234567",
            "(555) 123 4567    | +15551234567",
            "+15551234567      | +15551234567",
            "0044 20 7946 0958 | +442079460958",
            "+41 44 668 18 00  | +41446681800"})
    @DisplayName("the ways people write a number give one E.164 form")
    void normalises(String raw, String e164) {
        assertThat(us.normalize(raw)).contains(e164);
    }

    @ParameterizedTest
    @ValueSource(strings = {"anonymous", "<unknown>", "", "   ", "12", "+", "555-CALL-NOW", "1234567890123456789012345",
            "\"Jane\" <555>"})
    @DisplayName("what is not a possible number is refused")
    void refuses(String raw) {
        assertThat(us.normalize(raw)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    @DisplayName("the default region decides numbers written without a country code")
    void region() {
        assertThat(new PhoneNumbers("GB").normalize("020 7946 0958")).contains("+442079460958");
    }
}
