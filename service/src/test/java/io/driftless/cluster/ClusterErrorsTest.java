package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The line a target shows for a cluster's error: the API server's answer when there was one, never "no answer". */
class ClusterErrorsTest {

    @Test
    void anAnswerIsShownAsTheServerGaveItAndOnlyASilentServerIsNoAnswer() {
        KubernetesClientException forbidden = new KubernetesClientException(new StatusBuilder().withCode(403)
                .withMessage("deployments.apps \"web\" is forbidden: User \"driftless\" cannot patch resource "
                        + "\"deployments\"\nmore").build());
        assertThat(ClusterErrors.describe("dev", forbidden)).hasValue("cluster dev: HTTP 403: deployments.apps \"web\" "
                + "is forbidden: User \"driftless\" cannot patch resource \"deployments\"");
        KubernetesClientException unknownKind = new KubernetesClientException(new StatusBuilder().withCode(404)
                .withMessage("the server could not find the requested resource").build());
        assertThat(ClusterErrors.describe("dev", unknownKind))
                .hasValue("cluster dev: HTTP 404: the server could not find the requested resource");
        KubernetesClientException notMade = new KubernetesClientException("No resource type found for: example.com/v1"
                + "#Widget");
        assertThat(ClusterErrors.describe("dev", notMade))
                .hasValue("cluster dev: the request was not made: No resource type found for: example.com/v1#Widget");
        KubernetesClientException silent = new KubernetesClientException("Operation: [get] failed",
                new ConnectException("Connection refused"));
        assertThat(ClusterErrors.describe("dev", silent))
                .hasValue("cluster dev: no answer from the API server (ConnectException: Connection refused)");
    }
}
