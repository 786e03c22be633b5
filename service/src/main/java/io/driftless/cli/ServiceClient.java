package io.driftless.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The HTTP API of a running Driftless, for the verbs that talk to one. Credentials are those of the service's
 * {@code DRIFTLESS_API_AUTH}: {@code user:password} (sent as HTTP basic) or a token (sent as a bearer).
 */
final class ServiceClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String server;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServiceClient(String server, String credentials) {
        this.server = server.replaceAll("/+$", "");
        this.authorization = credentials == null || credentials.isBlank() ? null : credentials.contains(":")
                ? "Basic " + Base64.getEncoder().encodeToString(credentials.strip().getBytes(StandardCharsets.UTF_8))
                : "Bearer " + credentials.strip();
    }

    /** From {@code --token-file}, else {@code $DRIFTLESS_TOKEN}; null when neither is given. */
    static String credentials(Path tokenFile) {
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliException("cannot read --token-file " + tokenFile + " (" + e.getClass().getSimpleName()
                        + ")", 2);
            }
        }
        return System.getenv("DRIFTLESS_TOKEN");
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    JsonNode post(String path) {
        return send(write(path).POST(HttpRequest.BodyPublishers.noBody()), path);
    }

    JsonNode post(String path, JsonNode body) {
        return send(write(path).POST(HttpRequest.BodyPublishers.ofString(body.toString())), path);
    }

    /** A write: the service takes one only with a JSON type and X-Driftless-Request, which no other site can send. */
    private HttpRequest.Builder write(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .header("X-Driftless-Request", "1");
    }

    private URI uri(String path) {
        return URI.create(server + path);
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> answer;
        try {
            answer = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("cannot reach Driftless at " + server + " (" + e.getClass().getSimpleName()
                    + "); is it running? set --server or $DRIFTLESS_SERVER", 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 2);
        }
        JsonNode body;
        try {
            body = answer.body().isBlank() ? JSON.nullNode() : JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new CliException(server + path + " answered HTTP " + answer.statusCode() + " with no JSON", 2);
        }
        if (answer.statusCode() >= 400) {
            String error = body.path("error").asText("HTTP " + answer.statusCode());
            throw new CliException(error + (answer.statusCode() == 401 ? " (give credentials with --token-file or "
                    + "$DRIFTLESS_TOKEN)" : ""), 2);
        }
        return body;
    }
}
