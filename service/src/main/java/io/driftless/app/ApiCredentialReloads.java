package io.driftless.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.api.ApiCredentials;
import io.driftless.api.CredentialFiles;

/**
 * Keeps the API's credentials equal to their files ({@code --api-users}, {@code --api-auth-file}), as the fleet
 * is kept equal to its file: checked on an interval and when asked (SIGHUP). Changed files apply from the next
 * request on: a rotated password or token stops working, and credentials verified before are forgotten. A file
 * that cannot be read or has a bad line changes nothing: the credentials in use stay, and the problem is logged
 * with its file and line (once per broken content). {@code DRIFTLESS_API_AUTH} is read at start only.
 */
public final class ApiCredentialReloads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiCredentialReloads.class);

    private final CredentialFiles files;
    private final Consumer<ApiCredentials> use;
    private final ScheduledExecutorService checks = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "driftless-credentials-reload");
        t.setDaemon(true);
        return t;
    });
    private volatile String revision;
    private volatile String failedProblem;

    /**
     * @param revision the revision ({@link CredentialFiles.Read#revision()}) of the credentials in use
     * @param use      applies credentials read from changed files
     */
    public ApiCredentialReloads(CredentialFiles files, String revision, Consumer<ApiCredentials> use) {
        this.files = files;
        this.revision = revision;
        this.use = use;
    }

    /** Checks every {@code interval} from now on (nothing to check without a file). */
    public ApiCredentialReloads start(Duration interval) {
        if (files.reloadable()) {
            long every = Math.max(1, interval.toMillis());
            checks.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Checks now, in the background (SIGHUP). */
    public void checkSoon() {
        if (files.reloadable()) {
            checks.execute(this::check);
        }
    }

    /** Reads the files and applies what changed; never throws (a scheduled check must go on). */
    public synchronized void check() {
        CredentialFiles.Read read;
        try {
            read = files.read();
        } catch (RuntimeException e) { // a bad line (file:line), an unreadable or missing file
            String problem = e.getMessage();
            if (!problem.equals(failedProblem)) {
                failedProblem = problem;
                LOG.warn("API credentials reload from {} failed; the credentials in use stay:", files.describe());
                LOG.warn("  {}", problem);
            }
            return;
        }
        if (read.revision().equals(revision)) {
            if (failedProblem != null) {
                failedProblem = null;
                LOG.info("API credentials: the files are back to the credentials in use");
            }
            return;
        }
        use.accept(read.credentials());
        revision = read.revision();
        failedProblem = null;
        LOG.info("API credentials reloaded from {}: {}", files.describe(), read.credentials());
    }

    /** Why the files are not what is in use (a file:line, an unreadable file), or null when they are. */
    public String problem() {
        return failedProblem;
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
