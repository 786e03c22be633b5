package io.driftless.api;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * Credential checks that derive a key (PBKDF2 of a users-file credential, a fraction of a second of CPU each), off
 * the event loop: at most {@link #CONCURRENT} at once on threads of their own, and at most {@link #ADMITTED}
 * running or waiting. A check beyond that, or one that waited longer than {@link Connections#answerWithin()} for a
 * thread, is not made: the request is answered 503 (see {@link Busy}). Concurrent checks of the same credential
 * share one derivation. Checks that need no derivation are answered at once, on the caller's thread.
 */
final class CredentialChecks {

    /** Key derivations at once: half the processors (one on two), at most four; the rest stays for serving. */
    static final int CONCURRENT = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    /** Checks that may be running or waiting for a thread. */
    static final int ADMITTED = 64;

    /** A check that was not made: too many waiting, or waited too long. The request may be tried again later. */
    static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    private final WorkerExecutor workers;
    private final AtomicInteger admitted = new AtomicInteger();
    /** The derivation running or waiting for each credential (by digest). */
    private final Map<String, Future<Void>> running = new ConcurrentHashMap<>();

    CredentialChecks(Vertx vertx) {
        this.workers = vertx.createSharedWorkerExecutor("driftless-api-credentials", CONCURRENT);
    }

    /** @return what {@link ApiCredentials#check} answers, made on a worker when it derives a key */
    Future<Optional<ApiCredentials.Refusal>> check(ApiCredentials credentials, String authorization,
                                                   ApiCredentials.Role needed) {
        if (!credentials.costly(authorization, needed)) {
            return Future.succeededFuture(credentials.check(authorization, needed));
        }
        String key = ApiCredentials.digest(authorization);
        Future<Void> same = running.get(key);
        if (same != null) { // once it is done, the answer is remembered (verified or wrong): asking again is cheap
            return same.transform(done -> check(credentials, authorization, needed));
        }
        if (admitted.incrementAndGet() > ADMITTED) {
            admitted.decrementAndGet();
            return Future.failedFuture(new Busy("more than " + ADMITTED + " credentials waiting to be verified"));
        }
        Promise<Void> done = Promise.promise();
        running.put(key, done.future());
        long queued = System.nanoTime();
        return workers.<Optional<ApiCredentials.Refusal>>executeBlocking(() -> {
            if (System.nanoTime() - queued > Connections.answerWithin().toNanos()) {
                throw new Busy("not verified within " + Connections.answerWithin().toSeconds() + " s");
            }
            return credentials.check(authorization, needed);
        }, false).andThen(result -> {
            admitted.decrementAndGet();
            running.remove(key, done.future());
            done.complete();
        });
    }

    Future<Void> close() {
        return workers.close();
    }
}
