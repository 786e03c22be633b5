package io.driftless.cluster;

import java.time.Instant;
import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.status.Notice;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Kubernetes Events in the release namespace for what a sync did ({@code kubectl get events} shows them),
 * attached to the target's inventory ConfigMap. Best effort: a refused Event never fails a sync.
 */
public final class SyncEvents {

    private static final Logger LOG = LoggerFactory.getLogger(SyncEvents.class);
    private static final int MAX_MESSAGE = 1024;

    private final KubernetesClient client;

    public SyncEvents(KubernetesClient client) {
        this.client = client;
    }

    /** The notice as an Event: its type is the reason, problems are Warnings. */
    public void record(Notice notice) {
        String message = notice.message();
        if (!notice.details().isEmpty()) {
            message += ": " + String.join("; ", notice.details());
        }
        record(notice.namespace(), notice.release(), notice.type().name(), message, notice.warning(), notice.at());
    }

    private void record(String namespace, String release, String reason, String message, boolean warning, Instant at) {
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
        String time = at.toString();
        Event event = new EventBuilder()
                .withNewMetadata().withNamespace(namespace)
                .withName(InventoryStore.name(release) + "." + Long.toHexString(at.toEpochMilli())
                        + reason.toLowerCase(Locale.ROOT).charAt(0) + Integer.toHexString(text.hashCode() & 0xffff))
                .endMetadata()
                .withNewInvolvedObject().withApiVersion("v1").withKind("ConfigMap").withNamespace(namespace)
                .withName(InventoryStore.name(release)).endInvolvedObject()
                .withReason(reason).withMessage(text).withType(warning ? "Warning" : "Normal")
                .withNewSource().withComponent("driftless").endSource()
                .withFirstTimestamp(time).withLastTimestamp(time).withCount(1)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.debug("namespace={} release={} event {} not recorded: HTTP {}", namespace, release, reason, e.getCode());
        }
    }
}
