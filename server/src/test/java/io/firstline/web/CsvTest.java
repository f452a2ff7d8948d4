package io.firstline.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CSV exports: RFC 4180 quoting, and no formulas smuggled into a spreadsheet")
class CsvTest {

    @Test
    @DisplayName("quotes, commas and line breaks are quoted, quotes doubled, records end in CRLF, null is empty")
    void quoting() {
        String text = new Csv().row(List.of("name", "n")).row(Arrays.asList("Smith, \"Jo\"\nline 2", null))
                .row(List.of("plain", 12.5)).toString();
        assertThat(text).isEqualTo("name,n\r\n\"Smith, \"\"Jo\"\"\nline 2\",\r\nplain,12.5\r\n");
    }

    @Test
    @DisplayName("text starting with = + - @ or a tab is defused with an apostrophe; numbers are left alone")
    void formulas() {
        assertThat(Csv.field("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(Csv.field("+1 555")).isEqualTo("'+1 555");
        assertThat(Csv.field("-2")).isEqualTo("'-2");
        assertThat(Csv.field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(Csv.field("\tx")).isEqualTo("'\tx");
        assertThat(Csv.field(-2)).isEqualTo("-2");
        assertThat(Csv.field("a=b")).isEqualTo("a=b");
    }
}
