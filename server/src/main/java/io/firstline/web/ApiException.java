package io.firstline.web;

/** An HTTP API error: its status and the {@code {"error","detail"}} body a client sees. */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String error;
    final String field;

    public ApiException(int status, String error, String detail, String field) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
        this.field = field;
    }

    public static ApiException badField(String field, String why) {
        return new ApiException(400, "bad-request", field + ": " + why, field);
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad-request", detail, null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "sign in first: POST /api/login, then send the token", null);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "forbidden", detail, null);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not-found", what, null);
    }

    public static ApiException conflict(String field, String detail) {
        return new ApiException(409, "conflict", detail, field);
    }
}
