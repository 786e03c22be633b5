package io.driftless.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.driftless.app.DriftlessService;
import io.driftless.testing.Browser;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.TwoTeams;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * A full browser sign-in through a real OpenID Connect provider (mock-oauth2-server, in-process): the UI, which may
 * not read without credentials, offers single sign-on; the browser goes to the provider and back; the user's name
 * shows, the grid fills, team-a's operator syncs its own release and is refused team-b's, naming the tenant.
 */
class SingleSignOnUiIT {

    @TempDir
    Path tmp;

    @Test
    void aBrowserSignsInAndActsOnItsTeamsReleasesOnly() throws Exception {
        MockOAuth2Server provider = new MockOAuth2Server();
        provider.start();
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = TwoTeams.start(git, tmp, provider)) {
                String base = "http://127.0.0.1:" + service.httpPort();
                provider.enqueueCallback(TwoTeams.user("alice", "team-a"));
                WebDriver browser = Browser.chromium();
                try {
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                    wait.ignoring(StaleElementReferenceException.class);
                    browser.get(base + "/ui/#/targets/dev/a-app");
                    wait.until(d -> d.findElement(By.id("login")).isDisplayed()
                            && d.findElement(By.id("login-sso")).isDisplayed());
                    Browser.screenshot(browser, "sign-in");
                    Browser.accessible(browser, "sign-in");
                    browser.findElement(By.id("login-sso")).click();
                    wait.until(d -> d.getCurrentUrl().startsWith(base + "/ui/#/targets/dev/a-app")
                            && d.findElement(By.id("who")).getText().equals("alice"));
                    wait.until(d -> d.findElement(By.id("sync")).isDisplayed());
                    browser.findElement(By.id("sync")).click();
                    wait.until(d -> d.findElement(By.id("result")).getText().startsWith("Sync: Synced"));

                    browser.get(base + "/ui/#/targets/dev/b-app");
                    wait.until(d -> d.findElement(By.id("sync")).isDisplayed());
                    browser.findElement(By.id("sync")).click();
                    wait.until(d -> d.findElement(By.id("result")).getText().contains("refused"));
                    assertThat(browser.findElement(By.id("result")).getText())
                            .contains("alice (viewer; operator of team-a) may not do this", "of tenant team-b");
                    Browser.screenshot(browser, "sso-refused");
                } finally {
                    browser.quit();
                }
            }
        } finally {
            provider.shutdown();
        }
    }
}
