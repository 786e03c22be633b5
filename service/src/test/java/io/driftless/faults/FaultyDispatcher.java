package io.driftless.faults;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * A CRUD mock API server that misbehaves on cue: rules answer writes (POST, PUT, PATCH, DELETE) to one namespace
 * with an error status, or answer them late, while reads and watches (and Events, which Driftless records best
 * effort) always work. Every injected fault is counted, so a test can show that the fault really happened.
 * Runs on the mock server's event loop: nothing here blocks (a late answer is a delayed body, not a sleep).
 */
final class FaultyDispatcher extends KubernetesCrudDispatcher {

    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

    /**
     * One rule: of the matching writes, let {@code pass} through, then answer the next {@code times} (or all,
     * while {@code times} is negative) with {@code code}, or, when {@code delay} is set, process them and answer
     * late.
     */
    private static final class Rule {
        final String namespace;
        final int code;
        final Duration delay;
        final AtomicInteger pass;
        final AtomicInteger times;

        Rule(String namespace, int pass, int code, Duration delay, int times) {
            this.namespace = namespace;
            this.code = code;
            this.delay = delay;
            this.pass = new AtomicInteger(pass);
            this.times = new AtomicInteger(times);
        }

        /** Whether this write is one the rule takes (and counts it). */
        boolean takes(RecordedRequest request) {
            if (!WRITES.contains(request.getMethod()) || !request.getPath().contains("/namespaces/" + namespace + "/")
                    || request.getPath().contains("/events")) {
                return false;
            }
            if (pass.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                return false;
            }
            return times.getAndUpdate(n -> n > 0 ? n - 1 : n) != 0;
        }
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger injected = new AtomicInteger();

    /**
     * Of the writes to objects in the namespace, lets the first {@code pass} through, then answers the next
     * {@code times} with {@code code} (a Kubernetes Status body; 429 and 503 say {@code Retry-After: 1}).
     */
    FaultyDispatcher failWrites(String namespace, int pass, int code, int times) {
        rules.add(new Rule(namespace, pass, code, null, times));
        return this;
    }

    /** Answers every write to objects in the namespace with {@code code} until {@link #heal()}. */
    FaultyDispatcher failWritesUntilHealed(String namespace, int code) {
        rules.add(new Rule(namespace, 0, code, null, -1));
        return this;
    }

    /**
     * Processes the next {@code times} writes to objects in the namespace as usual but answers each only after
     * {@code delay}: the write happened, the client does not hear of it in time.
     */
    FaultyDispatcher delayWrites(String namespace, Duration delay, int times) {
        rules.add(new Rule(namespace, 0, 0, delay, times));
        return this;
    }

    /** Drops every rule: from now on the server behaves. */
    void heal() {
        rules.clear();
    }

    /** Faults injected so far (error answers and late answers). */
    int injected() {
        return injected.get();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        for (Rule rule : rules) {
            if (!rule.takes(request)) {
                continue;
            }
            injected.incrementAndGet();
            if (rule.delay != null) {
                return super.dispatch(request).setBodyDelay(rule.delay);
            }
            return status(rule.code, request);
        }
        return super.dispatch(request);
    }

    /** An error answer as the API server gives it: a Status object with the code's reason. */
    private static MockResponse status(int code, RecordedRequest request) {
        String reason = switch (code) {
            case 409 -> "Conflict";
            case 429 -> "TooManyRequests";
            case 503 -> "ServiceUnavailable";
            default -> "InternalError";
        };
        String message = switch (code) {
            case 409 -> "Operation cannot be fulfilled on " + request.getPath() + ": the object has been modified; "
                    + "please apply your changes to the latest version and try again";
            case 429 -> "the server has received too many requests and has asked us to try again later";
            case 503 -> "the server is currently unable to handle the request";
            default -> "Internal error occurred: injected fault";
        };
        MockResponse response = new MockResponse().setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"" + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
        if (code == 429 || code == 503) {
            response.setHeader("Retry-After", "1");
        }
        return response;
    }
}
