package io.driftless.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** The browser of the UI tests: Debian's Chromium, its screenshots, and axe-core's accessibility check. */
public final class Browser {

    /** Where the screenshots go. */
    static final Path SCREENSHOTS = Path.of("target/ui");

    private Browser() {
    }

    /** axe-core's checker, from its jar (Deque's build of the npm package). */
    private static final String AXE = axe();

    private static String axe() {
        try (var in = Browser.class.getResourceAsStream("/axe.min.js")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw new IllegalStateException("axe.min.js is missing from the test class path", e);
        }
    }

    /**
     * Runs axe-core in the page (WCAG 2.1 A and AA rules, colour contrast included) and fails on any serious or
     * critical violation, listing each with the elements it found.
     */
    @SuppressWarnings("unchecked")
    public static void accessible(WebDriver browser, String page) {
        var js = (org.openqa.selenium.JavascriptExecutor) browser;
        js.executeScript(AXE);
        String found = (String) js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
                + ".then(r => done(JSON.stringify(r.violations.filter(v => v.impact === 'serious'"
                + " || v.impact === 'critical').map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at '"
                + " + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')))))"
                + ".catch(e => done(JSON.stringify(['axe failed: ' + e])));");
        List<String> violations;
        try {
            violations = new com.fasterxml.jackson.databind.ObjectMapper().readValue(found, List.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(found, e);
        }
        System.out.printf("ui: accessibility of %s: %d serious or critical violation(s)%n", page, violations.size());
        assertThat(violations).as("axe-core on the " + page + " page").isEmpty();
    }

    public static void screenshot(WebDriver browser, String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Debian's Chromium, headless, through Debian's chromedriver (nothing downloaded). */
    public static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions().setBinary("/usr/bin/chromium").addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--window-size=1400,900");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(driver, options);
    }
}
