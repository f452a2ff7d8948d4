package io.firstline.web;

import java.util.List;

/**
 * CSV text as RFC 4180 writes it (CRLF line ends, fields with quotes, commas or line breaks quoted,
 * quotes doubled), made safe to open in a spreadsheet: a cell that would start a formula gets a
 * leading apostrophe. Pure; any thread.
 */
public final class Csv {

    /** The largest CSV file an import takes (other requests' bodies are much smaller). */
    public static final int MAX_FILE_BYTES = 2 * 1024 * 1024;
    /** The addresses that take a CSV file as their body: {@code POST /api/callers/import}, {@code /api/kb/import/preview}... */
    static final String IMPORTS = "/api/[a-z]+/import(/preview)?";

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

    /**
     * The records of RFC 4180 text (CRLF, LF or CR line ends; quoted fields may hold commas, quotes
     * and line breaks). A cell this class wrote with a leading apostrophe against formulas gets it
     * back off, so that an export reads in as it was. A quote left open names the record it began in.
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> records = new java.util.ArrayList<>();
        List<String> record = new java.util.ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                record.add(unescape(cell.toString()));
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(unescape(cell.toString()));
                records.add(record);
                record = new java.util.ArrayList<>();
                cell.setLength(0);
                wasQuoted = false;
            } else {
                cell.append(c);
            }
            i++;
        }
        if (quoted) {
            throw new IllegalArgumentException("record " + (records.size() + 1) + " opens a quoted field that never closes");
        }
        if (!cell.isEmpty() || wasQuoted || !record.isEmpty()) {
            record.add(unescape(cell.toString()));
            records.add(record);
        }
        return records;
    }

    /** A file's text: UTF-8 only (a byte-order mark is dropped), else a 400 naming {@code file}. */
    public static String text(byte[] bytes) {
        try {
            String s = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiException.badField("file", "the file is not UTF-8 text: save it as \"CSV UTF-8\" and try again");
        }
    }

    private static String unescape(String cell) {
        return cell.length() > 1 && cell.charAt(0) == '\'' && "=+-@\t\r".indexOf(cell.charAt(1)) >= 0 ? cell.substring(1) : cell;
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
