package io.driftless.notify;

import io.driftless.status.Notice;
import io.driftless.config.NoticeType;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.driftless.config.NotifierSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

class PayloadsTest {

    private static final Instant AT = Instant.parse("2026-11-21T10:42:00Z");
    private static final Notice DRIFT = new Notice(NoticeType.DriftDetected, "prod", "prefect", "prefect",
            "1111111111111111111111111111111111111111", "1 object(s) differ from Git",
            List.of("Deployment/prefect/prefect-server spec.replicas: desired 1, live 3; last written by kubectl-edit"),
            AT);

    @Test
    void genericJsonCarriesTheTargetAndEveryDetail() {
        JsonObject body = new JsonObject(Payloads.body(NotifierSpec.Format.JSON, DRIFT));
        assertThat(body.getString("type")).isEqualTo("DriftDetected");
        assertThat(body.getString("severity")).isEqualTo("warning");
        assertThat(body.getString("target")).isEqualTo("prod/prefect");
        assertThat(body.getString("revision")).isEqualTo(DRIFT.revision());
        assertThat(body.getString("time")).isEqualTo("2026-11-21T10:42:00Z");
        assertThat(body.getJsonArray("details").getList()).containsExactlyElementsOf(DRIFT.details());
    }

    @Test
    void slackTextListsAtMostTwentyDetails() {
        Notice many = new Notice(NoticeType.PruneBlocked, "prod", "prefect", "prefect", null, "25 object(s) kept",
                IntStream.range(0, 25).mapToObj(i -> "ConfigMap/prefect/cm-" + i).toList(), AT);
        String text = new JsonObject(Payloads.body(NotifierSpec.Format.SLACK, many)).getString("text");
        assertThat(text).startsWith(":warning: *PruneBlocked* `prod/prefect`: 25 object(s) kept\n• ConfigMap/prefect/cm-0")
                .contains("cm-19").doesNotContain("cm-20").endsWith("… and 5 more");
    }

    /** Which twenty clusters a digest names does not depend on the order their syncs ended in. */
    @Test
    void aSlackDigestListsClustersByName() {
        List<Notice> arrived = IntStream.range(0, 25).map(i -> 24 - i).mapToObj(i -> new Notice(NoticeType.Synced,
                String.format("c%02d", i), "prefect", "prefect", DRIFT.revision(), "1 configured", List.of(), AT))
                .toList();
        String blocks = Payloads.slack(new Digest(NoticeType.Synced, "prefect", DRIFT.revision(), arrived, 25),
                new Payloads.Links(null)).getJsonArray("blocks").getJsonObject(1).getJsonObject("text")
                .getString("text");
        assertThat(blocks).startsWith("• *c00*: 1 configured\n• *c01*:").contains("• *c19*:")
                .doesNotContain("*c20*").endsWith("… and 5 more");
    }

    @Test
    void alertmanagerAlertsStartOnAProblemAndEndOnItsResolution() {
        JsonObject firing = new JsonArray(Payloads.body(NotifierSpec.Format.ALERTMANAGER, DRIFT)).getJsonObject(0);
        assertThat(firing.getJsonObject("labels").getMap()).containsEntry("alertname", "DriftlessDriftDetected")
                .containsEntry("cluster", "prod").containsEntry("release", "prefect").containsEntry("severity", "warning");
        assertThat(firing.getString("startsAt")).isEqualTo("2026-11-21T10:42:00Z");
        assertThat(firing.containsKey("endsAt")).isFalse();

        Notice resolved = new Notice(NoticeType.DriftResolved, "prod", "prefect", "prefect", DRIFT.revision(),
                "live state matches Git again", List.of(), AT.plusSeconds(60));
        JsonObject ended = new JsonArray(Payloads.body(NotifierSpec.Format.ALERTMANAGER, resolved)).getJsonObject(0);
        assertThat(ended.getJsonObject("labels")).as("the same alert, so Alertmanager resolves it")
                .isEqualTo(firing.getJsonObject("labels"));
        assertThat(ended.getString("endsAt")).isEqualTo("2026-11-21T10:43:00Z");
    }
}
