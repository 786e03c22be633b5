package io.driftless.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * How the API answers: JSON (pretty-printed, nulls left out). A short answer is written at once; an answer that
 * may be large (targets, diffs, previews, metrics) is read, shaped and serialized on a worker of its own
 * ({@link #WORKERS} at once), then written from the event loop {@link #CHUNK} bytes at a time as the connection
 * takes them, so no answer holds the event loop for its whole body. Requests for the same read that come while
 * its answer waits for a worker share that answer ({@link #shared}): 40 clients asking for every target at once
 * cost one serialization, not 40.
 */
final class Answers {

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);
    static final Logger LOG = LoggerFactory.getLogger(HttpApiVerticle.class);
    /** Large answers made at once (half the processors, at most four); the others wait for a worker. */
    static final int WORKERS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    /** How much of a large answer is handed to the connection at a time... */
    static final int CHUNK = 64 * 1024;
    /** ...and at most in one turn of the event loop. */
    static final int TURN = 2 * CHUNK;

    /** An answer: its status and the object its JSON body is made of. */
    record Reply(int status, Object body) {
        /** A 302 to another address (a sign-in's way to and from the provider). */
        static Reply redirect(String location) {
            return new Reply(302, new Redirect(location));
        }
    }

    private record Redirect(String location) {
    }

    /** @param location where a redirect sends the client, or null */
    private record Made(int status, String contentType, byte[] body, String location) {
        Made(int status, String contentType, byte[] body) {
            this(status, contentType, body, null);
        }
    }

    private final WorkerExecutor workers;
    /** Reads whose answer waits for a worker, by what they read. */
    private final Map<String, Future<Made>> waiting = new ConcurrentHashMap<>();

    Answers(Vertx vertx) {
        this.workers = vertx.createSharedWorkerExecutor("driftless-api-answers", WORKERS);
    }

    /**
     * Makes the answer on a worker (whatever {@code reply} reads or does there, then the serialization) and writes
     * it; a failure answers 500 with an error id.
     */
    void later(RoutingContext ctx, Callable<Reply> reply) {
        made(ctx, () -> {
            Reply r = reply.call();
            return r.body() instanceof Redirect to ? new Made(302, "text/plain", new byte[0], to.location())
                    : new Made(r.status(), "application/json", bytes(r.body()));
        });
    }

    /**
     * Like {@link #later}, for a read without effects: a request for the same {@code key} that comes before the
     * worker starts on the answer gets the same answer (read after both came), and the same bytes are written to
     * both.
     */
    void shared(RoutingContext ctx, String key, Callable<Reply> reply) {
        Future<Made> answer = waiting.get(key);
        if (answer == null) {
            Promise<Made> promise = Promise.promise();
            waiting.put(key, promise.future());
            answer = workers.executeBlocking(() -> {
                waiting.remove(key, promise.future());
                Reply r = reply.call();
                return new Made(r.status(), "application/json", bytes(r.body()));
            }, false);
            answer.onComplete(promise);
            answer.onComplete(done -> waiting.remove(key, promise.future())); // also when it never ran
        }
        answer.onComplete(done -> write(ctx, done));
    }

    /** Makes a text answer (200) on a worker and writes it. */
    void laterText(RoutingContext ctx, String contentType, Callable<String> text) {
        made(ctx, () -> new Made(200, contentType, text.call().getBytes(StandardCharsets.UTF_8)));
    }

    private void made(RoutingContext ctx, Callable<Made> make) {
        workers.executeBlocking(make, false).onComplete(done -> write(ctx, done));
    }

    private static void write(RoutingContext ctx, AsyncResult<Made> done) {
        if (done.failed()) {
            internalError(ctx, done.cause());
        } else if (!ctx.response().ended() && !ctx.response().closed()) {
            Made m = done.result();
            ctx.response().setStatusCode(m.status()).putHeader("content-type", m.contentType());
            if (m.location() != null) {
                ctx.response().putHeader("location", m.location()).putHeader("cache-control", "no-store");
            }
            send(ctx, m.body());
        }
    }

    /**
     * Writes a body of known length: at once when short, else {@link #TURN} bytes at a time. The next part follows
     * when the connection has taken the last (its drain), or, when it takes everything at once, on a timer: Netty
     * processes tasks for up to a second before it looks at the network again, while due timers wait for that, so
     * the probes and other requests are read between two parts.
     */
    static void send(RoutingContext ctx, byte[] body) {
        HttpServerResponse response = ctx.response();
        if (body.length <= CHUNK) {
            response.end(Buffer.buffer(body));
            return;
        }
        String length = String.valueOf(body.length);
        response.putHeader("content-length", length);
        // the head as end() writes it: Content-Length after the Connection header Vert.x adds as it writes the head
        ctx.addHeadersEndHandler(v -> response.headers().set("content-length", length));
        sendFrom(ctx.vertx(), response, body, 0);
    }

    private static void sendFrom(Vertx vertx, HttpServerResponse response, byte[] body, int from) {
        for (int at = from; !response.closed(); ) {
            int n = Math.min(CHUNK, body.length - at);
            Buffer chunk = Buffer.buffer(n).appendBytes(body, at, n);
            at += n;
            if (at == body.length) {
                response.end(chunk);
                return;
            }
            response.write(chunk);
            int next = at;
            if (response.writeQueueFull()) {
                response.drainHandler(v -> {
                    response.drainHandler(null);
                    sendFrom(vertx, response, body, next);
                });
                return;
            }
            if (next - from >= TURN) {
                vertx.setTimer(1, id -> sendFrom(vertx, response, body, next));
                return;
            }
        }
    }

    /** A short JSON answer, written at once. */
    static void json(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    /**
     * The JSON of an answer, byte for byte what {@link #json} writes (the same characters, encoded to UTF-8 as a
     * String is, a lone surrogate as {@code ?}), without the whole text as a String on the way.
     */
    static byte[] bytes(Object body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(writer, body);
        }
        return out.toByteArray();
    }

    /**
     * An event-bus answer that failed: our own refusals (404, 409, 422) keep their message; anything else is an
     * internal error, logged once with an id the answer gives, its text never sent to the client.
     */
    static void failed(RoutingContext ctx, Throwable cause) {
        if (cause instanceof ReplyException e && e.failureCode() > 0 && e.failureCode() < 500) {
            json(ctx, e.failureCode(), Map.of("error", String.valueOf(e.getMessage())));
            return;
        }
        if (cause instanceof ReplyException e && e.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT) {
            json(ctx, 503, Map.of("error", "not done within " + Connections.answerWithin().toSeconds()
                    + " s; try again later"));
            return;
        }
        internalError(ctx, cause);
    }

    static void internalError(RoutingContext ctx, Throwable cause) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        LOG.error("api request={} {} failed (error id {}): {}", ctx.request().method(), ctx.request().path(), id,
                String.valueOf(cause), cause instanceof ReplyException ? null : cause);
        if (!ctx.response().ended() && !ctx.response().closed()) {
            json(ctx, 500, Map.of("error", "internal error " + id + "; the service log has the details"));
        }
    }

    Future<Void> close() {
        return workers.close();
    }
}
