package io.firstline.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The browser pages: plain HTML, CSS and JavaScript modules from {@code webroot/} on the class path,
 * and browser libraries from their WebJars. Each page signs itself in through the API.
 */
final class Pages {

    /** The address of each page and the file behind it. */
    private static final String[][] PAGES = {
        {"/", "/index.html"}, {"/desk", "/desk.html"}, {"/board", "/board.html"}, {"/reports", "/reports.html"},
        {"/admin", "/admin.html"}, {"/admin/kb", "/admin-kb.html"}, {"/admin/callers", "/admin-callers.html"},
        {"/admin/settings", "/admin-settings.html"}, {"/account", "/account.html"},
    };

    private Pages() {
    }

    static void mount(Router router) {
        for (String[] page : PAGES) {
            router.get(page[0]).handler(ctx -> ctx.reroute(page[1]));
        }
        router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setCachingEnabled(false)
                .setDirectoryListing(false).setIncludeHidden(false));
        StaticHandler files = StaticHandler.create("webroot").setCachingEnabled(false).setDirectoryListing(false)
                .setIncludeHidden(false).setIndexPage("index.html");
        router.get("/*").handler(ctx -> {
            if (ctx.request().path().startsWith("/api/")) {
                ctx.next();
            } else {
                files.handle(ctx);
            }
        });
    }
}
