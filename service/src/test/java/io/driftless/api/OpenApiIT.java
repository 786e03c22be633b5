package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.app.DriftlessService;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;

/**
 * The OpenAPI document against the real answers: every GET it lists, and the writing calls that answer a target,
 * answer what its schema says: the required fields, the types, the enums, and no field it does not describe.
 */
class OpenApiIT {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void everyAnswerMatchesItsSchema() throws Exception {
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.of("admin:pw"), null)) {
                String base = "http://127.0.0.1:" + service.httpPort();
                service.clusters().client("dev").apps().deployments().inNamespace("prefect").withName("prefect-server")
                        .edit(d -> {
                            d.getSpec().setReplicas(3);
                            return d;
                        });
                await().atMost(Duration.ofSeconds(10)).until(() -> service.board().get("dev/prefect").outOfSync() > 0);

                JsonNode doc = JSON.readTree(call("GET", base + "/api/v1/openapi.json"));
                assertThat(doc.path("openapi").asText()).startsWith("3.0");
                List<String> checked = new ArrayList<>();
                List<String> violations = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("paths").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> path = it.next();
                    for (String method : List.of("get", "post")) {
                        JsonNode schema = path.getValue().path(method).path("responses").path("200").path("content")
                                .path("application/json").path("schema");
                        if (schema.isMissingNode() || path.getKey().endsWith("/preview")) {
                            continue;
                        }
                        String url = base + path.getKey().replace("{cluster}", "dev").replace("{release}", "prefect")
                                .replace("{group}", "apps").replace("{kind}", "Deployment")
                                .replace("{namespace}", "prefect").replace("{name}", "prefect-server");
                        // a rollback names a commit the target synced: the one it has (pinned where it is)
                        String body = path.getKey().endsWith("/rollback") ? "{\"revision\": \""
                                + service.board().get("dev/prefect").revision() + "\"}" : null;
                        JsonNode answer = JSON.readTree(call(method.toUpperCase(), url, body));
                        violations.addAll(violations(doc, schema, answer, method.toUpperCase() + " " + path.getKey()));
                        checked.add(method.toUpperCase() + " " + path.getKey());
                    }
                }
                assertThat(checked).contains("GET /api/v1/targets", "GET /api/v1/targets/{cluster}/{release}",
                        "GET /api/v1/targets/{cluster}/{release}/diff", "GET /api/v1/targets/{cluster}/{release}/objects",
                        "GET /api/v1/targets/{cluster}/{release}/objects/{group}/{kind}/{namespace}/{name}",
                        "GET /api/v1/clusters", "GET /api/v1/shards",
                        "GET /api/v1/sources", "GET /api/v1/fleet", "POST /api/v1/targets/{cluster}/{release}/sync",
                        "POST /api/v1/targets/{cluster}/{release}/suspend",
                        "POST /api/v1/targets/{cluster}/{release}/resume", "GET /api/v1/releases/{release}/rollout",
                        "POST /api/v1/releases/{release}/rollout/resume", "POST /api/v1/releases/{release}/rollout/abort",
                        "POST /api/v1/targets/{cluster}/{release}/rollback", "POST /api/v1/targets/{cluster}/{release}/unpin",
                        "POST /api/v1/releases/{release}/rollback", "POST /api/v1/releases/{release}/unpin");
                assertThat(violations).isEmpty();
                // and the check can fail: a wrong type, a missing required field, an undocumented field
                assertThat(violations(doc, doc.at("/components/schemas/Cluster"), JSON.readTree(
                        "{\"cluster\": 1, \"watching\": [], \"extra\": true}"), "x")).containsExactlyInAnyOrder(
                        "x.cluster: expected string, found 1", "x: the required field reachable is missing",
                        "x: the field extra is not in the document");
            }
        }
    }

    private static String call(String method, String url) throws Exception {
        return call(method, url, null);
    }

    private static String call(String method, String url, String body) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json").header("X-Driftless-Request", "1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(method + " " + url + ": " + answer.body()).isEqualTo(200);
        return answer.body();
    }

    /** What in {@code value} breaks {@code schema} (OpenAPI 3.0's subset: $ref, type, enum, required, properties, items). */
    static List<String> violations(JsonNode doc, JsonNode schema, JsonNode value, String at) {
        if (schema.has("$ref")) {
            return violations(doc, doc.at(schema.get("$ref").asText().substring(1)), value, at);
        }
        List<String> out = new ArrayList<>();
        String type = schema.path("type").asText("");
        boolean fits = switch (type) {
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            default -> true;
        };
        if (!fits) {
            out.add(at + ": expected " + type + ", found " + value);
            return out;
        }
        if (schema.has("enum")) {
            Set<String> allowed = new java.util.HashSet<>();
            schema.get("enum").forEach(e -> allowed.add(e.asText()));
            if (!allowed.contains(value.asText())) {
                out.add(at + ": " + value + " is not one of " + allowed);
            }
        }
        if (value.isObject()) {
            schema.path("required").forEach(r -> {
                if (!value.has(r.asText())) {
                    out.add(at + ": the required field " + r.asText() + " is missing");
                }
            });
            value.fieldNames().forEachRemaining(f -> {
                JsonNode property = schema.path("properties").path(f);
                if (property.isMissingNode() && schema.path("additionalProperties").asBoolean(false)) {
                    return; // a free-form object (a manifest)
                }
                if (property.isMissingNode()) {
                    out.add(at + ": the field " + f + " is not in the document");
                } else {
                    out.addAll(violations(doc, property, value.get(f), at + "." + f));
                }
            });
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                out.addAll(violations(doc, schema.get("items"), value.get(i), at + "[" + i + "]"));
            }
        }
        return out;
    }
}
