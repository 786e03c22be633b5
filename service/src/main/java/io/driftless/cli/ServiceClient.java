package io.driftless.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.driftless.config.Urls;

/**
 * The HTTP API of a running Driftless, for the verbs that talk to one. Credentials are those of the service's
 * {@code DRIFTLESS_API_AUTH}: {@code user:password} (sent as HTTP basic) or a token (sent as a bearer).
 */
final class ServiceClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String server;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param insecureHttp whether credentials may go over plain http to a host other than this machine; without it
     *                     they are refused before anything is sent
     */
    ServiceClient(String server, String credentials, boolean insecureHttp) {
        this.server = server.replaceAll("/+$", "");
        this.authorization = credentials == null || credentials.isBlank() ? null : credentials.contains(":")
                ? "Basic " + Base64.getEncoder().encodeToString(credentials.strip().getBytes(StandardCharsets.UTF_8))
                : "Bearer " + credentials.strip();
        if (authorization != null && !insecureHttp && server.regionMatches(true, 0, "http://", 0, 7)
                && !Urls.isLoopback(server)) {
            throw new CliException("--server " + server.replaceFirst("//[^/@]*@", "//") + " is plain http to another "
                    + "machine: refusing to send the credentials where the network can read them; use https (or "
                    + "--insecure-http)", 2);
        }
    }

    /**
     * From {@code --token-file}, else {@code $DRIFTLESS_TOKEN}; null when neither is given. A token file that its
     * group or other users can read is used, with a warning on {@code err}.
     */
    static String credentials(Path tokenFile, PrintWriter err) {
        if (tokenFile == null) {
            return System.getenv("DRIFTLESS_TOKEN");
        }
        String credentials;
        try {
            credentials = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new CliException("cannot read --token-file " + tokenFile + " (" + e.getClass().getSimpleName()
                    + ")", 2);
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(tokenFile);
        } catch (IOException | UnsupportedOperationException e) { // no POSIX permissions to judge (Windows)
            return credentials;
        }
        boolean others = permissions.contains(PosixFilePermission.OTHERS_READ);
        if (others || permissions.contains(PosixFilePermission.GROUP_READ)) {
            String readers = others ? "every user" : "its group";
            err.println("warning: --token-file " + tokenFile + " can be read by " + readers + "; chmod 600 it");
            err.flush();
        }
        return credentials;
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
