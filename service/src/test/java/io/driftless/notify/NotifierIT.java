package io.driftless.notify;

import io.driftless.status.Notice;
import io.driftless.config.NoticeType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.driftless.config.NotifierSpec;
import io.driftless.config.Origin;
import io.driftless.telemetry.Metrics;
import io.vertx.core.json.JsonObject;

/** Notifications reach a real HTTP endpoint, are retried on 5xx and connection errors, and never on 4xx. */
class NotifierIT {

    private static final Notice DRIFT = new Notice(NoticeType.DriftDetected, "prod", "prefect", "prefect", "1234567890ab",
            "1 object(s) differ from Git", List.of("ConfigMap/prefect/x data.a: desired 1, live 2"), Instant.now());

    /** Answers each request with the next scripted status (200 once the script is used up). */
    private final Queue<Integer> script = new ConcurrentLinkedQueue<>();
    private final Queue<String> bodies = new ConcurrentLinkedQueue<>();
    private final Queue<String> authorizations = new ConcurrentLinkedQueue<>();
    private final Metrics metrics = new Metrics();
    private HttpServer receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Integer status = script.poll();
            exchange.sendResponseHeaders(status == null ? 200 : status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        metrics.close();
    }

    private String url() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    private static NotifierSpec spec(String name, String url, NotifierSpec.Format format, String tokenEnv) {
        return new NotifierSpec(name, url, null, format, NotifierSpec.DEFAULT_EVENTS, tokenEnv,
                new Origin("fleet.yaml", 12, "notifications[0]"));
    }

    private Notifier notifier(NotifierSpec spec) {
        return new Notifier(List.of(spec), Map.of("HOOK_TOKEN", "s3cret-token"), metrics, Duration.ofMillis(50), 4);
    }

    @Test
    void retriesUnavailableAnswersThenDeliversOnceWithTheToken() {
        script.addAll(List.of(503, 429));
        try (Notifier notifier = notifier(spec("ops", url(), NotifierSpec.Format.JSON, "HOOK_TOKEN"))) {
            notifier.send(DRIFT);
            await().atMost(Duration.ofSeconds(10)).until(() -> metrics.scrape()
                    .contains("driftless_notifications_total{notifier=\"ops\",result=\"delivered\"} 1.0"));
        }
        assertThat(bodies).hasSize(3);
        assertThat(new JsonObject(bodies.peek()).getString("type")).isEqualTo("DriftDetected");
        assertThat(authorizations).containsOnly("Bearer s3cret-token");
        assertThat(metrics.scrape()).doesNotContainPattern("driftless_notifications_total\\{[^}]*result=\"failed\"\\} [1-9]");
    }

    @Test
    void aRejectedNotificationIsNotRetried() {
        script.add(400);
        try (Notifier notifier = notifier(spec("ops", url(), NotifierSpec.Format.SLACK, null))) {
            notifier.send(DRIFT);
            await().atMost(Duration.ofSeconds(10)).until(() -> metrics.scrape()
                    .contains("driftless_notifications_total{notifier=\"ops\",result=\"failed\"} 1.0"));
        }
        assertThat(bodies).hasSize(1);
        assertThat(new JsonObject(bodies.peek()).getString("text")).contains("*DriftDetected* `prod/prefect`");
    }

    @Test
    void anUnreachableEndpointIsTriedAgainThenCountedAsFailed() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (Notifier notifier = notifier(spec("down", "http://127.0.0.1:" + closed + "/hook",
                NotifierSpec.Format.ALERTMANAGER, null))) {
            notifier.send(DRIFT);
            await().atMost(Duration.ofSeconds(10)).until(() -> metrics.scrape()
                    .contains("driftless_notifications_total{notifier=\"down\",result=\"failed\"} 1.0"));
        }
    }

    @Test
    void onlyTheEventsANotifierAsksForAreSent() {
        NotifierSpec onlyResolved = new NotifierSpec("ops", url(), null, NotifierSpec.Format.JSON,
                List.of(NoticeType.DriftResolved), null, new Origin("fleet.yaml", 3, "notifications[0]"));
        try (Notifier notifier = notifier(onlyResolved)) {
            notifier.send(DRIFT);
            notifier.send(new Notice(NoticeType.DriftResolved, "prod", "prefect", "prefect", null, "ok", List.of(),
                    Instant.now()));
            await().atMost(Duration.ofSeconds(10)).until(() -> metrics.scrape()
                    .contains("driftless_notifications_total{notifier=\"ops\",result=\"delivered\"} 1.0"));
        }
        assertThat(bodies).hasSize(1);
        assertThat(new JsonObject(bodies.peek()).getString("type")).isEqualTo("DriftResolved");
    }

    @Test
    void aMissingUrlVariableIsAStartupErrorNamingTheFileLineAndVariable() {
        NotifierSpec fromEnv = new NotifierSpec("ops", null, "SLACK_URL", NotifierSpec.Format.SLACK,
                NotifierSpec.DEFAULT_EVENTS, null, new Origin("fleet.yaml", 12, "notifications[0]"));
        assertThatThrownBy(() -> new Notifier(List.of(fromEnv), Map.of(), metrics))
                .hasMessage("fleet.yaml:12: notifications[0]: environment variable SLACK_URL is not set (notifier 'ops')");
    }

    @Test
    void aFiringAlertmanagerAlertIsPostedAgainUntilItsProblemResolves() {
        Notice failed = new Notice(NoticeType.SyncFailed, "prod", "prefect", "prefect", null, "values.yaml:3: bad", List.of(),
                Instant.now());
        try (Notifier notifier = new Notifier(List.of(spec("am", url(), NotifierSpec.Format.ALERTMANAGER, null)),
                Map.of(), metrics, Duration.ofMillis(50), 4, Duration.ofMillis(200))) {
            notifier.send(failed);
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() >= 3);
            assertThat(bodies).allSatisfy(b -> assertThat(new io.vertx.core.json.JsonArray(b).getJsonObject(0)
                    .getJsonObject("labels").getString("alertname")).isEqualTo("DriftlessSyncFailed"));
            notifier.send(new Notice(NoticeType.SyncRecovered, "prod", "prefect", "prefect", null, "ok", List.of(),
                    Instant.now()));
            await().atMost(Duration.ofSeconds(10)).until(() -> bodies.stream().anyMatch(b ->
                    new io.vertx.core.json.JsonArray(b).getJsonObject(0).containsKey("endsAt")));
            // a re-send already under way when the problem resolved may still land; after that, silence
            int[] seen = {-1};
            await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> {
                boolean quiet = bodies.size() == seen[0];
                seen[0] = bodies.size();
                return quiet;
            });
            assertThat(new io.vertx.core.json.JsonArray(List.copyOf(bodies).get(bodies.size() - 1)).getJsonObject(0)
                    .containsKey("endsAt")).as("the last post ends the alert").isTrue();
        }
    }
}
