package io.driftless.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.driftless.api.ApiCredentials;
import io.driftless.app.DriftlessService;
import io.driftless.testing.Browser;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;

/**
 * Issue 26, item 1, in Chromium: a page of another site (a small HTTP server on {@code localhost}, the service on
 * {@code 127.0.0.1}) submits forms and sends fetches to {@code POST .../suspend} while the browser holds the admin's
 * credentials, first as a user who opened an API URL and answered the browser's prompt leaves them (the credentials
 * in the URL stand for what they type), then sent by the browser with every request. No attempt suspends the target;
 * the same browser, from the service's own origin with the header the web UI sends, does.
 */
class CrossSiteRequestIT {

    static final String ADMIN = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret"
            .getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aPageOfAnotherSiteCannotSuspendATargetWithTheBrowsersCredentials() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:s3cret"), null)) {
                String api = "http://127.0.0.1:" + service.httpPort();
                String suspend = api + "/api/v1/targets/dev/prefect/suspend";
                HttpServer site = attackingSite(suspend);
                String attacker = "http://localhost:" + site.getAddress().getPort();
                WebDriver browser = Browser.chromium();
                Map<String, Boolean> suspendedBy = new LinkedHashMap<>();
                try {
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                    browser.get("http://admin:s3cret@127.0.0.1:" + service.httpPort() + "/api/v1/targets");
                    System.out.println("CrossSiteRequestIT: the API URL opened with credentials shows: "
                            + firstLine(browser.findElement(By.tagName("body")).getText()));
                    attempts(browser, wait, attacker, api, "cached credentials", suspendedBy);

                    ((ChromeDriver) browser).executeCdpCommand("Network.enable", Map.of());
                    ((ChromeDriver) browser).executeCdpCommand("Network.setExtraHTTPHeaders",
                            Map.of("headers", Map.of("Authorization", ADMIN)));
                    attempts(browser, wait, attacker, api, "credentials on every request", suspendedBy);
                    System.out.println("CrossSiteRequestIT: suspended by " + suspendedBy);
                    assertThat(suspendedBy).as("cross-site attempts that suspended the target")
                            .allSatisfy((attempt, suspended) -> assertThat(suspended).as(attempt).isFalse());

                    // the same browser, from the service's own origin, with what the web UI sends
                    browser.get(api + "/ui/");
                    Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                            const done = arguments[arguments.length - 1];
                            fetch('/api/v1/targets/dev/prefect/suspend', {method: 'POST', headers: {
                                'Authorization': arguments[0], 'Content-Type': 'application/json',
                                'X-Driftless-Request': '1'}}).then(r => done(r.status), e => done(String(e)));
                            """, ADMIN);
                    assertThat(status).isEqualTo(200L);
                    assertThat(suspended(api)).as("suspended from the service's own origin").isTrue();
                } finally {
                    browser.quit();
                    site.stop(0);
                }
            }
        }
    }

    /** Each page of the attacking site, once; whether each left the target suspended (then it is resumed). */
    private void attempts(WebDriver browser, WebDriverWait wait, String attacker, String api, String how,
                          Map<String, Boolean> suspendedBy) throws Exception {
        for (String page : new String[] {"form-urlencoded", "form-text", "form-multipart"}) {
            browser.get(attacker + "/" + page);
            wait.until(d -> d.getCurrentUrl().startsWith(api)); // the form was submitted: the browser shows the answer
            wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
            record(api, page + " (" + how + ")", suspendedBy);
        }
        browser.get(attacker + "/fetch");
        wait.until(d -> String.valueOf(d.getTitle()).startsWith("done"));
        System.out.println("CrossSiteRequestIT: fetches (" + how + "): " + browser.getTitle());
        record(api, "fetch (" + how + ")", suspendedBy);
    }

    private void record(String api, String attempt, Map<String, Boolean> suspendedBy) throws Exception {
        boolean suspended = suspended(api);
        suspendedBy.put(attempt, suspended);
        if (suspended) {
            HttpResponse<String> resumed = http.send(HttpRequest.newBuilder(URI.create(api
                    + "/api/v1/targets/dev/prefect/resume")).header("Authorization", ADMIN)
                    .header("Content-Type", "application/json").header("X-Driftless-Request", "1")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
        }
    }

    private boolean suspended(String api) throws Exception {
        HttpResponse<String> target = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/targets/dev/prefect"))
                .header("Authorization", ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(target.statusCode()).as(target.body()).isEqualTo(200);
        return new ObjectMapper().readTree(target.body()).path("suspended").asBoolean();
    }

    /** Pages that write to the service from another origin: three forms that submit themselves, and fetches. */
    private static HttpServer attackingSite(String target) throws Exception {
        Map<String, String> pages = new LinkedHashMap<>();
        pages.put("/form-urlencoded", "<form id=f method=post action='" + target + "'><input name=a value=b></form>"
                + "<script>document.getElementById('f').submit()</script>");
        pages.put("/form-text", "<form id=f method=post enctype=text/plain action='" + target + "'>"
                + "<input name='{\"a\": \"' value='\"}'></form><script>document.getElementById('f').submit()</script>");
        pages.put("/form-multipart", "<form id=f method=post enctype=multipart/form-data action='" + target + "'>"
                + "<input name=a value=b></form><script>document.getElementById('f').submit()</script>");
        pages.put("/fetch", """
                <title>sending</title><script>
                const target = '%s';
                const attempts = [
                  {method: 'POST', mode: 'no-cors', credentials: 'include', headers: {'Content-Type': 'text/plain'}, body: '{}'},
                  {method: 'POST', mode: 'no-cors', credentials: 'include',
                   headers: {'Content-Type': 'application/json', 'X-Driftless-Request': '1'}, body: '{}'},
                  {method: 'POST', mode: 'cors', credentials: 'include',
                   headers: {'Content-Type': 'application/json', 'X-Driftless-Request': '1'}, body: '{}'},
                ];
                Promise.allSettled(attempts.map(a => fetch(target, a))).then(results => {
                  document.title = 'done: ' + results.map(r => r.status === 'fulfilled'
                    ? r.value.type + ' ' + r.value.status : 'failed').join(', ');
                });
                </script>""".formatted(target));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String page = pages.get(exchange.getRequestURI().getPath());
            byte[] body = ("<!doctype html>" + (page == null ? "not here" : page)).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("content-type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(page == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 120 ? line.substring(0, 120) + "..." : line;
    }
}
