package io.firstline.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("reading CSV as RFC 4180 writes it, and as Csv writes it")
class CsvParseTest {

    @Test
    @DisplayName("quoted commas, doubled quotes, line breaks in quotes, and CRLF, LF or CR line ends")
    void records() {
        assertThat(Csv.parse("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,x\ny\rz"))
                .containsExactly(List.of("a", "b, c", "say \"hi\""), List.of("two\nlines", "", "x"), List.of("y"), List.of("z"));
        assertThat(Csv.parse("a,b\r\n")).containsExactly(List.of("a", "b"));
        assertThat(Csv.parse("")).isEmpty();
        assertThat(Csv.parse("\"\"")).containsExactly(List.of(""));
    }

    @Test
    @DisplayName("what Csv wrote reads back as it was, the apostrophe against formulas taken off again")
    void roundTrip() {
        List<Object> cells = Arrays.asList("=SUM(A1)", "+15551234567", "-x", "@y", "it's", "'quoted'", "a \"b\", c\r\nd", null, 7);
        String written = new Csv().row(cells).toString();
        assertThat(written).startsWith("'=SUM(A1),'+15551234567,'-x,'@y,it's,'quoted',");
        assertThat(Csv.parse(written)).containsExactly(
                List.of("=SUM(A1)", "+15551234567", "-x", "@y", "it's", "'quoted'", "a \"b\", c\r\nd", "", "7"));
    }

    @Test
    @DisplayName("a quote left open names the record it began in")
    void openQuote() {
        assertThatThrownBy(() -> Csv.parse("name\nAnn\n\"Bob,\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("record 3 opens a quoted field that never closes");
    }
}
