package io.driftless.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.driftless.api.ApiCredentials;
import io.driftless.app.DriftlessService;
import io.driftless.testing.Browser;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.driftless.testing.OwnedObjects;

/**
 * The web UI in Debian's Chromium (headless, through chromedriver): the grid shows the target, a drift made in
 * the cluster appears without a reload, a wrong password is refused, the sync button heals the drift, and no
 * console error is logged; a screenshot of each page is written to target/ui/.
 */
class WebUiIT {

    @TempDir
    Path tmp;

    @Test
    void theGridFollowsDriftAndTheSyncButtonHealsItWithCredentials() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:s3cret")
                    .withAnonymousRead(true), null)) {
                String base = "http://127.0.0.1:" + service.httpPort();
                WebDriver browser = Browser.chromium();
                try {
                    // the pages re-render on every status event: an element read or clicked may be replaced meanwhile
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                    wait.ignoring(StaleElementReferenceException.class);
                    long started = System.nanoTime();
                    browser.get(base + "/ui/");
                    wait.until(d -> text(d, "tr[data-target='dev/prefect'] .sync").equals("Synced"));
                    System.out.printf("ui: grid painted %.0f ms after navigation (1 target)%n",
                            (System.nanoTime() - started) / 1e6);
                    Browser.screenshot(browser, "grid");
                    Browser.accessible(browser, "grid");

                    service.clusters().client("dev").apps().deployments().inNamespace("prefect")
                            .withName("prefect-server").edit(d -> {
                                d.getSpec().setReplicas(3);
                                return d;
                            });
                    wait.until(d -> text(d, "tr[data-target='dev/prefect'] .drift").equals("1")
                            && text(d, "tr[data-target='dev/prefect'] .sync").equals("OutOfSync"));

                    // the controllers' objects (made by hand on the in-memory cluster): the Deployment's tree
                    var rs = OwnedObjects.replicaSetAndPod(service.clusters().client("dev"), "prefect",
                            "prefect-server", true);
                    click(wait, By.linkText("dev"));
                    wait.until(d -> d.findElement(By.id("drift")).getText().contains("/spec/replicas"));
                    String pod = "tr.owned[data-owned='Pod/" + OwnedObjects.POD + "'] ";
                    wait.until(d -> text(d, pod + ".health").equals("Healthy")
                            && text(d, "tr[data-object='Deployment/prefect/prefect-server'] .state").equals("OutOfSync"));
                    assertThat(text(browser, pod + ".summary")).isEqualTo("Running · ready 1/1 · restarts 2");
                    Browser.screenshot(browser, "target");
                    Browser.accessible(browser, "target");
                    OwnedObjects.ready(service.clusters().client("dev"), rs, false);
                    wait.until(d -> text(d, pod + ".health").equals("Progressing")
                            && text(d, pod + ".summary").startsWith("Running, not ready"));
                    // folded with the keyboard: its tree hidden, focus kept on the button
                    browser.findElement(By.cssSelector("button.fold")).sendKeys(org.openqa.selenium.Keys.ENTER);
                    wait.until(d -> d.findElements(By.cssSelector(pod)).isEmpty());
                    assertThat(browser.switchTo().activeElement().getAttribute("aria-expanded")).isEqualTo("false");

                    click(wait, By.linkText("Deployment/prefect/prefect-server"));
                    wait.until(d -> text(d, "#object-drift").contains("/spec/replicas")
                            && !d.findElements(By.cssSelector(".panes .changed")).isEmpty());
                    assertThat(text(browser, ".panes pre[aria-label='live'] .changed")).isEqualTo("replicas: 3");
                    assertThat(text(browser, ".panes pre[aria-label='desired'] .changed")).isEqualTo("replicas: 1");
                    Browser.screenshot(browser, "object");
                    Browser.accessible(browser, "object");
                    browser.navigate().back();

                    click(wait, By.id("sync"));
                    signIn(browser, wait, "admin", "guess");
                    wait.until(d -> text(d, "#result").contains("refused")
                            && text(d, "#result").contains("wrong credentials"));

                    click(wait, By.id("sync"));
                    signIn(browser, wait, "admin", "s3cret");
                    wait.until(d -> text(d, "#result").startsWith("Sync: Synced"));
                    browser.navigate().refresh();
                    wait.until(d -> text(d, "#history").contains("values · Test")
                            && text(d, "#history").contains("change(s)"));
                    click(wait, By.cssSelector("#history button.diff-at"));
                    wait.until(d -> text(d, "#history-diff").startsWith("What syncing")
                            && text(d, "#history-diff").contains("Synced"));
                    browser.get(base + "/ui/#/");
                    wait.until(d -> text(d, "tr[data-target='dev/prefect'] .drift").equals("0"));

                    for (String page : List.of("clusters", "sources")) {
                        browser.get(base + "/ui/#/" + page);
                        wait.until(d -> d.findElements(By.cssSelector("main table")).size() > 0);
                        Browser.screenshot(browser, page);
                        Browser.accessible(browser, page);
                    }
                    git.commitOnBranch("three-replicas", "three", Map.of("values.yaml",
                            OneRelease.EXTERNAL_DATABASE + "server: {replicaCount: 3}\n"));
                    browser.get(base + "/ui/#/preview");
                    wait.until(d -> d.findElement(By.id("ref")).isDisplayed());
                    browser.findElement(By.id("ref")).sendKeys("three-replicas");
                    browser.findElement(By.id("run-preview")).click();
                    wait.until(d -> text(d, "#preview-result").contains("OutOfSync")
                            && text(d, "#preview-result").contains("dev/prefect"));
                    Browser.screenshot(browser, "preview");
                    Browser.accessible(browser, "preview");

                    // the release's page: its waves as columns of targets, and the operator's Resume and Abort
                    browser.get(base + "/ui/#/");
                    click(wait, By.linkText("prefect"));
                    wait.until(d -> text(d, "section[data-wave='all'] .card[data-target='dev/prefect']")
                            .contains("Synced"));
                    String state = text(browser, "#rollout-state");
                    assertThat(state).isIn("Progressing", "Complete");
                    click(wait, By.id("abort"));
                    wait.until(d -> List.of("Aborted", "Complete").contains(text(d, "#rollout-state")));
                    assertThat(text(browser, "#result")).as("no refusal").isEmpty();
                    Browser.screenshot(browser, "release");
                    Browser.accessible(browser, "release");
                    browser.get(base + "/ui/#/matrix");
                    wait.until(d -> text(d, "#matrix td[data-target='dev/prefect']").startsWith("✓"));
                    assertThat(browser.findElement(By.cssSelector("#matrix td[data-target='dev/prefect'] a"))
                            .getAttribute("title")).startsWith("dev/prefect: Synced, ").contains(", at "
                                    + service.board().get("dev/prefect").revision());
                    Browser.screenshot(browser, "matrix");
                    Browser.accessible(browser, "matrix");
                    // a phone's width, and the system's dark mode: still no serious violation (contrast included)
                    browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
                    browser.get(base + "/ui/#/targets/dev/prefect");
                    wait.until(d -> !d.findElements(By.id("objects-table")).isEmpty());
                    Browser.screenshot(browser, "target-phone");
                    Browser.accessible(browser, "target at 390 px");
                    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 720));
                    ((ChromeDriver) browser).executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                            List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
                    browser.get(base + "/ui/#/");
                    wait.until(d -> text(d, "tr[data-target='dev/prefect'] .sync").equals("Synced"));
                    Browser.screenshot(browser, "grid-dark");
                    Browser.accessible(browser, "grid, dark");
                    List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                            .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                            .map(LogEntry::getMessage)
                            .filter(m -> !m.contains("status of 401")) // the refused sign-in, asked for above
                            .toList();
                    assertThat(errors).as("console errors").isEmpty();
                } finally {
                    browser.quit();
                }
            }
        }
    }

    /**
     * Issue 26, item 2: without anonymous reads, the UI used to retry {@code /api/v1/events} every 2 s without
     * credentials while its sign-in dialog was open, each refusal a failed sign-in, so after 25 s the right password
     * was answered 429. Now it does not follow events before it may read, and a request without credentials is no
     * failed sign-in: after 25 s on the dialog the right password opens the grid, which then follows changes.
     */
    @Test
    void waitingOnTheSignInDialogLocksNoOneOut() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:s3cret"), null)) {
                String base = "http://127.0.0.1:" + service.httpPort();
                WebDriver browser = Browser.chromium();
                try {
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                    wait.ignoring(StaleElementReferenceException.class);
                    browser.get(base + "/ui/");
                    wait.until(d -> d.findElement(By.id("login")).isDisplayed());
                    Thread.sleep(25_000);
                    Object polls = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                            "return performance.getEntriesByType('resource')"
                                    + ".filter(e => e.name.includes('/api/v1/events')).length;");
                    System.out.println("ui: requests for /api/v1/events in 25 s on the sign-in dialog: " + polls);
                    signIn(browser, wait, "admin", "s3cret");
                    wait.until(d -> text(d, "tr[data-target='dev/prefect'] .sync").equals("Synced"));
                    assertThat(((Number) polls).intValue()).as("event requests without credentials").isLessThanOrEqualTo(1);

                    service.clusters().client("dev").apps().deployments().inNamespace("prefect")
                            .withName("prefect-server").edit(d -> {
                                d.getSpec().setReplicas(3);
                                return d;
                            });
                    wait.until(d -> text(d, "tr[data-target='dev/prefect'] .drift").equals("1"));
                    List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                            .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                            .map(LogEntry::getMessage)
                            .filter(m -> !m.contains("status of 401")) // the first read, before signing in
                            .toList();
                    assertThat(errors).as("console errors").isEmpty();
                } finally {
                    browser.quit();
                }
            }
        }
    }

    /**
     * Measures (prints, asserts nothing about time) how long the grid takes with 2,000 targets: the UI's own files
     * served as the service serves them, and one list answer of 2,000 synthetic targets.
     */
    @Test
    void theGridShowsTwoThousandTargetsFromOneCall() throws Exception {
        StringBuilder targets = new StringBuilder("[");
        for (int i = 0; i < 2000; i++) {
            targets.append(i == 0 ? "" : ",").append(String.format("{\"cluster\":\"c%02d\",\"release\":\"r%03d\","
                    + "\"namespace\":\"n\",\"source\":\"values\",\"syncState\":\"%s\",\"revision\":\"%040d\","
                    + "\"lastSync\":\"2026-11-30T18:00:00Z\",\"outOfSync\":%d,\"health\":\"Healthy\",\"warnings\":[],"
                    + "\"changes\":[],\"drift\":[],\"healthDetails\":[],\"history\":[],\"suspended\":false}",
                    i / 50, i % 50, i % 7 == 0 ? "OutOfSync" : "Synced", i, i % 7 == 0 ? 1 : 0));
        }
        byte[] list = targets.append("]").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder clusterList = new StringBuilder("[");
        for (int c = 0; c < 40; c++) {
            clusterList.append(c == 0 ? "" : ",").append(String.format("{\"cluster\":\"c%02d\",\"labels\":{\"env\":"
                    + "\"%s\"},\"reachable\":true,\"watching\":[]}", c, c % 2 == 0 ? "prod" : "dev"));
        }
        byte[] clusters = clusterList.append("]").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.concurrent.atomic.AtomicInteger listCalls = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type;
            if (path.equals("/api/v1/targets")) {
                listCalls.incrementAndGet();
                body = list;
                type = "application/json";
            } else if (path.equals("/api/v1/sources")) {
                body = String.format("[{\"name\":\"values\",\"revision\":\"%040d\"}]", 1999)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                type = "application/json";
            } else if (path.equals("/api/v1/clusters")) {
                body = clusters;
                type = "application/json";
            } else if (path.equals("/api/v1/events")) {
                exchange.getResponseHeaders().add("content-type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write(": connected\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                return; // held open, as the service does
            } else {
                String resource = path.equals("/ui/") ? "/ui/index.html" : path;
                try (var in = WebUiIT.class.getResourceAsStream(resource)) {
                    if (in == null) {
                        exchange.sendResponseHeaders(404, -1);
                        exchange.close();
                        return;
                    }
                    body = in.readAllBytes();
                }
                type = resource.endsWith(".js") ? "text/javascript" : resource.endsWith(".css") ? "text/css"
                        : "text/html";
            }
            exchange.getResponseHeaders().add("content-type", type);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        WebDriver browser = Browser.chromium();
        try {
            long started = System.nanoTime();
            browser.get("http://127.0.0.1:" + server.getAddress().getPort() + "/ui/");
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> d.findElements(
                    By.cssSelector("#grid-body tr")).size() == 2000);
            double shown = (System.nanoTime() - started) / 1e6;
            Object paint = ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? p.startTime : -1;");
            System.out.printf("ui: 2,000 targets in the grid %.0f ms after navigation (first contentful paint %s ms, "
                    + "%d list call(s), %.0f KB list)%n", shown, paint, listCalls.get(), list.length / 1024.0);
            assertThat(listCalls.get()).as("one call for the whole grid").isEqualTo(1);
            Browser.screenshot(browser, "grid-2000");

            // the matrix: 50 releases by 40 clusters, then the prod clusters only
            long matrixStarted = System.nanoTime();
            browser.get("http://127.0.0.1:" + server.getAddress().getPort() + "/ui/#/matrix");
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> d.findElements(
                    By.cssSelector("#matrix td.cell")).size() == 2000);
            System.out.printf("ui: 2,000 targets in the matrix (50 releases x 40 clusters) %.0f ms after navigation%n",
                    (System.nanoTime() - matrixStarted) / 1e6);
            Browser.screenshot(browser, "matrix-2000");
            long filterStarted = System.nanoTime();
            browser.findElement(By.id("matrix-clusters")).sendKeys("env=prod");
            new WebDriverWait(browser, Duration.ofSeconds(60)).until(d -> d.findElements(
                    By.cssSelector("#matrix td.cell")).size() == 1000);
            System.out.printf("ui: matrix filtered to the 20 env=prod clusters %.0f ms after typing%n",
                    (System.nanoTime() - filterStarted) / 1e6);
            assertThat(text(browser, "#matrix-count")).isEqualTo("50 releases × 20 clusters, 1000 targets");
            assertThat(browser.findElements(By.cssSelector("#matrix td.cell:not(.behind)"))).as("at the newest commit")
                    .hasSize(0);
            Browser.accessible(browser, "matrix of 2,000");
        } finally {
            browser.quit();
            server.stop(0);
        }
    }

    private static void signIn(WebDriver browser, WebDriverWait wait, String user, String password) {
        wait.until(d -> d.findElement(By.id("login")).isDisplayed());
        browser.findElement(By.id("login-user")).clear();
        browser.findElement(By.id("login-user")).sendKeys(user);
        browser.findElement(By.id("login-password")).clear();
        browser.findElement(By.id("login-password")).sendKeys(password);
        browser.findElement(By.id("login-ok")).click();
    }

    /** The text of the first element the selector finds, or "" (none, or it was re-rendered while read). */
    private static String text(WebDriver browser, String css) {
        try {
            var found = browser.findElements(By.cssSelector(css));
            return found.isEmpty() ? "" : found.get(0).getText().strip();
        } catch (StaleElementReferenceException e) {
            return "";
        }
    }

    /** Clicks the element, finding it again if a re-render replaced it between the find and the click. */
    private static void click(WebDriverWait wait, By by) {
        wait.until(d -> {
            d.findElement(by).click();
            return true;
        });
    }
}
