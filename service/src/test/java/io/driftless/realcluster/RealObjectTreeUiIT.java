package io.driftless.realcluster;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.driftless.app.DriftlessService;
import io.driftless.config.FleetLoader;
import io.driftless.testing.Browser;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.RealCluster;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The object tree in the browser, on the real control plane: the Deployment's ReplicaSet and Pod appear as the
 * controllers and kwok make them, the Pod Ready; kwok then fails the Pod, and the page shows it Failed (Degraded)
 * without a reload or a sync.
 */
@RealCluster
class RealObjectTreeUiIT {

    @TempDir
    Path tmp;

    @Test
    void aPodOfTheDeploymentAppearsAndItsFailureShows(RealCluster.ControlPlane plane) throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"));
             KubernetesClient admin = plane.admin()) {
            git.start(0);
            git.commit("values", Map.of("values.yaml", "postgresql: {enabled: false}\nexternalDatabase: "
                    + "{existingSecret: db, host: db.example.com, username: p, passwordSecretKey: pw, name: p}\n"));
            byte[] fleet = """
                    sources: [{name: values, url: %s, pollInterval: 1h, auth: {username: %s, passwordEnv: PW}}]
                    clusters: [{name: real, kubeconfig: %s}]
                    releases:
                      - {name: tree, namespace: tree-ui, chart: {name: prefect-server, version: 2026.8.18172642},
                         source: values, values: [values.yaml], syncPolicy: {createNamespace: true}}
                    """.formatted(git.url(), GitHttpServer.USER, plane.kubeconfig()).getBytes(StandardCharsets.UTF_8);
            try (DriftlessService service = DriftlessService.start(FleetLoader.parse("fleet.yaml", fleet, tmp),
                    new DriftlessService.Settings(tmp.resolve("state"), "127.0.0.1", 0, 2,
                            Map.of("PW", GitHttpServer.PASSWORD)))) {
                WebDriver browser = Browser.chromium();
                try {
                    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
                    wait.ignoring(StaleElementReferenceException.class);
                    browser.get("http://127.0.0.1:" + service.httpPort() + "/ui/#/targets/real/tree");
                    String pods = "tr.owned[data-owned^='Pod/prefect-server-']";
                    wait.until(d -> d.findElements(By.cssSelector(pods + " .health")).stream()
                            .anyMatch(e -> e.getText().equals("Healthy")));
                    String pod = browser.findElement(By.cssSelector(pods)).getAttribute("data-owned")
                            .substring("Pod/".length());
                    Browser.screenshot(browser, "real-tree");
                    admin.pods().inNamespace("tree-ui").withName(pod).edit(p -> {
                        p.getMetadata().getLabels().put("pod-container-running-failed.stage.kwok.x-k8s.io", "true");
                        return p;
                    });
                    String failed = "tr.owned[data-owned='Pod/" + pod + "'] ";
                    wait.until(d -> !d.findElements(By.cssSelector(failed)).isEmpty()
                            && d.findElement(By.cssSelector(failed + ".health")).getText().equals("Degraded")
                            && d.findElement(By.cssSelector(failed + ".summary")).getText().startsWith("Failed"));
                    Browser.screenshot(browser, "real-tree-failed");
                } finally {
                    browser.quit();
                }
            }
        }
    }
}
