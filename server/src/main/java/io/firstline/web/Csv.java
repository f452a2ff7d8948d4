package io.firstline.web;

import java.util.List;

/**
 * CSV text as RFC 4180 writes it (CRLF line ends, fields with quotes, commas or line breaks quoted,
 * quotes doubled), made safe to open in a spreadsheet: a cell that would start a formula gets a
 * leading apostrophe. Pure; any thread.
 */
public final class Csv {

    private final StringBuilder out = new StringBuilder();

    /** Appends one record; a null cell is an empty field. */
    public Csv row(List<?> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(cells.get(i)));
        }
        out.append("\r\n");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    static String field(Object cell) {
        if (cell == null) {
            return "";
        }
        String s = cell.toString();
        // Numbers are written by us and are safe; text that starts like a formula (=, +, -, @, or a
        // tab or carriage return that some spreadsheets skip) would be run when the file is opened.
        if (!(cell instanceof Number) && !s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            s = "'" + s;
        }
        if (s.indexOf('"') >= 0 || s.indexOf(',') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
