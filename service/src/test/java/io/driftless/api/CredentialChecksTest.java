package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.driftless.api.ApiCredentials.Role;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/** Key derivations run on workers, at most {@link CredentialChecks#ADMITTED} admitted; one per credential. */
class CredentialChecksTest {

    @Test
    void checksBeyondTheBoundAreRefusedAndOneCredentialIsDerivedOnce() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CredentialChecks checks = new CredentialChecks(vertx);
            ApiCredentials users = ApiCredentials.NONE.withUsers(List.of(
                    new ApiCredentials.User("otto", Role.operator, ApiCredentials.hash("o-token", 1000))));
            // The checks' threads are held busy until every check is asked, so no derivation can finish (and free
            // its place) before the last check is counted: the pool is shared by name.
            WorkerExecutor pool = vertx.createSharedWorkerExecutor("driftless-api-credentials",
                    CredentialChecks.CONCURRENT);
            CountDownLatch hold = new CountDownLatch(1);
            CountDownLatch held = new CountDownLatch(CredentialChecks.CONCURRENT);
            for (int i = 0; i < CredentialChecks.CONCURRENT; i++) {
                pool.executeBlocking(() -> {
                    held.countDown();
                    return hold.await(30, TimeUnit.SECONDS);
                }, false);
            }
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            Promise<List<Future<Optional<ApiCredentials.Refusal>>>> asked = Promise.promise();
            vertx.runOnContext(v -> {
                List<Future<Optional<ApiCredentials.Refusal>>> all = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    all.add(checks.check(users, "Bearer o-token", Role.operator));
                }
                for (int i = 0; i < CredentialChecks.ADMITTED + 5; i++) {
                    all.add(checks.check(users, "Bearer guess-" + i, Role.viewer));
                }
                asked.complete(all);
            });
            List<Future<Optional<ApiCredentials.Refusal>>> all = asked.future().await();
            hold.countDown();
            Future.join(new ArrayList<>(all)).otherwiseEmpty().await();
            assertThat(all.subList(0, 3)).as("one credential, one derivation shared by three requests")
                    .allMatch(f -> f.succeeded() && f.result().isEmpty());
            List<String> guesses = all.subList(3, all.size()).stream().map(f -> f.succeeded()
                    ? f.result().map(r -> r.status() + " " + r.message()).orElse("allowed")
                    : f.cause().getClass().getSimpleName()).toList();
            assertThat(guesses).filteredOn(g -> g.equals("401 wrong credentials"))
                    .hasSize(CredentialChecks.ADMITTED - 1);
            assertThat(guesses).filteredOn(g -> g.equals("Busy")).hasSize(6);
            assertThat(users.costly("Bearer guess-0", Role.viewer)).as("remembered as wrong").isFalse();
            assertThat(checks.check(users, "Bearer guess-0", Role.viewer).await()).isPresent();
        } finally {
            vertx.close().await();
        }
    }
}
