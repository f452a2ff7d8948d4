package io.firstline.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Optional;

/**
 * Turns phone numbers as people and PBXs write them into E.164, the one form Firstline stores and
 * searches by, so that {@code +1 (555) 123-4567}, {@code 555-123-4567} and {@code 1-555-123-4567}
 * are the same caller. Accepts every possible number (test, private and 555 numbers are not
 * "valid" to libphonenumber but are real to a help desk). Thread-safe.
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final int MAX_INPUT = 64;

    private final String defaultRegion;

    public PhoneNumbers(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /** The number in E.164, or empty when it is not a possible phone number (e.g. "anonymous"). */
    public Optional<String> normalize(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.isEmpty() || s.length() > MAX_INPUT || !s.matches("[+0-9()./\\- ]+") || s.chars().noneMatch(Character::isDigit)) {
            return Optional.empty();
        }
        if (s.startsWith("00")) {
            s = "+" + s.substring(2);
        }
        try {
            PhoneNumber n = UTIL.parse(s, defaultRegion);
            if (!UTIL.isPossibleNumber(n)) {
                return Optional.empty();
            }
            return Optional.of(UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }
}
