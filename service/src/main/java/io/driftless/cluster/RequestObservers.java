package io.driftless.cluster;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.client.http.HttpRequest;

/** Who sees each request to the API servers (the metrics; a benchmark's count), and what it asked. */
public final class RequestObservers {

    /** Sees each request to an API server: its cluster, lower-case HTTP verb and status (null: no answer). */
    @FunctionalInterface
    public interface Observer {
        void observed(String cluster, String verb, Integer code);

        /**
         * The same, with the resource the request was about ({@code configmaps}, {@code configmaps list}, {@code
         * configmaps watch}; {@code discovery} for the API server's own paths). Counting benchmarks use it.
         */
        default void observed(String cluster, String verb, String resource, Integer code) {
            observed(cluster, verb, code);
        }
    }

    private final List<Observer> observers = new CopyOnWriteArrayList<>();

    void add(Observer observer) {
        observers.add(observer);
    }

    /** @param code the answer's status, or null when nothing answered */
    void tell(String cluster, HttpRequest request, Integer code) {
        String verb = request.method().toLowerCase(Locale.ROOT);
        String resource = resource(request);
        observers.forEach(o -> o.observed(cluster, verb, resource, code));
    }

    /**
     * The resource of a request's path (after {@code /api/v1} or {@code /apis/GROUP/VERSION} and a namespace) with
     * what was asked of it when it was read: {@code configmaps} for a single object, {@code configmaps list} and
     * {@code configmaps watch} for the collection; {@code discovery} for the API server's own paths.
     */
    static String resource(HttpRequest request) {
        String[] parts = request.uri().getRawPath().replaceAll("^/+", "").split("/");
        int at = parts.length > 0 && parts[0].equals("api") ? 2 : parts.length > 0 && parts[0].equals("apis") ? 3 : -1;
        if (at < 0 || parts.length <= at) {
            return "discovery";
        }
        boolean namespaced = parts[at].equals("namespaces") && parts.length > at + 2;
        String resource = namespaced ? parts[at + 2] : parts[at];
        boolean collection = parts.length == (namespaced ? at + 3 : at + 1);
        if (!collection || !request.method().equals("GET")) {
            return resource;
        }
        String query = request.uri().getRawQuery();
        return resource + (query != null && query.contains("watch=true") ? " watch" : " list");
    }
}
