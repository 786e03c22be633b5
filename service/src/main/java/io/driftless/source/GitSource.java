package io.driftless.source;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.driftless.config.GitRefs;
import io.driftless.config.SourceSpec;

/**
 * One Git source: a bare clone in the cache folder, fetched on demand; resolves the configured
 * branch, tag or commit and hands out snapshots of that commit.
 *
 * <p>Branch and tag tips are fetched one commit deep from remote sources; a local source ({@code file://} or a path)
 * is fetched whole, since JGit's in-process transport cannot negotiate a shallow fetch once the cache holds more than
 * 64 commits to offer (150 branches, say: "Expected ACK/NAK, got: shallow ..."), and its objects are on this machine
 * anyway. One fetch takes at most {@link #FETCH_DEADLINE}, all its requests together. A cache that fetches keep
 * failing into is recreated from the remote (at the 1st, 2nd, 4th, 8th, ... failure in a row, never after a
 * deadline), so a cache that no fetch can recover from does not stay broken until someone wipes it.
 */
public final class GitSource implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(GitSource.class);
    /**
     * How long one fetch may take, every request of it together: a server that answers each request just within
     * {@link GitRemote#TIMEOUT_SECONDS} cannot hold a fetch (and every sync waiting for it) for minutes. A transfer still
     * running then goes on in the background (a large first clone completes), and the next fetch waits for it.
     */
    public static final Duration FETCH_DEADLINE = Duration.ofSeconds(60);
    /** Where full refs fetched for a preview are kept. */
    private static final String PREVIEW_REFS = "refs/driftless/preview/";
    /** The threads transfers run on, so that a fetch can stop waiting for one at its deadline. */
    private static final ExecutorService TRANSFERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "driftless-git-transfer");
        t.setDaemon(true);
        return t;
    });

    private final SourceSpec spec;
    private final File dir;
    /** The cache; replaced when it is recreated (guarded by this source's lock). */
    private volatile Repository repository;
    private final GitRemote remote;
    private final Duration deadline;
    /** A transfer that outlived its fetch's deadline and goes on; the next fetch waits for it (this source's lock). */
    private Future<?> abandoned;
    /** Fetches in a row whose transfer failed (this source's lock). */
    private int failures;
    private final CommitVerifier verifier;
    /** Fetches so far (guarded by this source's lock): numbers snapshots in fetch order. */
    private long fetches;

    public GitSource(SourceSpec spec, Path cacheRoot, Map<String, String> env) {
        this(spec, cacheRoot, env, FETCH_DEADLINE);
    }

    /** @param deadline how long one fetch may take ({@link #FETCH_DEADLINE}; tests shorten it) */
    public GitSource(SourceSpec spec, Path cacheRoot, Map<String, String> env, Duration deadline) {
        this.spec = spec;
        this.deadline = deadline;
        this.verifier = spec.trustedKeys().isEmpty() ? null : CommitVerifier.load(spec.name(), spec.trustedKeys());
        this.remote = new GitRemote(spec, env, cacheRoot.resolve(spec.name() + ".ssh").toFile());
        this.dir = cacheRoot.resolve(spec.name() + ".git").toFile();
        this.repository = open(dir);
    }

    private Repository open(File gitDir) {
        try {
            Repository r = new FileRepositoryBuilder().setGitDir(gitDir).setBare().build();
            if (!r.getObjectDatabase().exists()) {
                r.create(true);
            }
            return r;
        } catch (IOException e) {
            throw new SourceException("source " + spec.name() + ": cannot open cache " + gitDir + ": " + e.getMessage(),
                    e);
        }
    }

    public SourceSpec spec() {
        return spec;
    }

    /** Fetches from the remote and returns the snapshot of the configured ref. */
    public Snapshot fetch() {
        return fetch(spec.ref());
    }

    /**
     * Fetches from the remote and returns the snapshot of another ref: a branch, a tag, a commit id, or a full
     * ref name the host keeps outside branches (such as {@code refs/pull/12/head}). One fetch at a time.
     */
    public synchronized Snapshot fetch(String ref) {
        String refused = GitRefs.problem(ref);
        if (refused == null && !GitRefs.isCommitId(ref) && !Repository.isValidRefName(
                ref.startsWith("refs/") ? ref : Constants.R_HEADS + ref)) {
            refused = "is not a valid Git ref name";
        }
        if (refused != null) {
            throw new SourceException("source " + spec.name() + ": " + GitRefs.describe(ref, refused));
        }
        List<RefSpec> specs = new ArrayList<>(List.of(new RefSpec("+refs/heads/*:refs/remotes/origin/*"),
                new RefSpec("+refs/tags/*:refs/tags/*")));
        boolean fullRef = ref.startsWith("refs/");
        if (fullRef) {
            specs.add(new RefSpec("+" + ref + ":" + PREVIEW_REFS + ref.substring("refs/".length())));
        }
        // branch and tag tips are all a sync reads: fetch them shallow; a commit id may be older, so fetch history
        boolean commitId = GitRefs.isCommitId(ref);
        long until = System.nanoTime() + deadline.toNanos();
        if (remote.local() && shallow(repository)) {
            // left shallow by an earlier version: a local cache is fetched whole, which a shallow one cannot be
            LOG.info("source={} the cache is shallow; recreating it whole (a local source is never fetched shallow)",
                    spec.name());
            recreate(specs, commitId, until);
        } else {
            try {
                // a branch or tag whose tip the cache has already: nothing to transfer (a quiet poll costs one
                // ref advertisement)
                transfer(repository, specs, commitId, until, !commitId && !fullRef ? ref : null);
                failures = 0;
            } catch (SourceException e) {
                failures++;
                if (e instanceof Deadline || Integer.bitCount(failures) != 1) {
                    throw e;
                }
                // the 1st, 2nd, 4th, ... failure in a row: maybe it is the cache that no fetch can get past
                try {
                    recreate(specs, commitId, until);
                } catch (SourceException again) {
                    e.addSuppressed(again);
                    throw e; // the remote fails a fresh clone too: its error is the one to tell
                }
                LOG.warn("source={} fetch into the cache failed ({}); the cache was recreated from the remote",
                        spec.name(), e.getMessage());
            }
        }
        ObjectId commit;
        try {
            commit = resolve(ref);
        } finally {
            if (fullRef) {
                forget(PREVIEW_REFS + ref.substring("refs/".length()));
            }
        }
        verify(ref, commit);
        return new Snapshot(spec.name(), repository, commit, ++fetches);
    }

    /**
     * The snapshot of a commit this cache holds (one a target synced before), fetched only when the cache lacks it;
     * checked as a fetched one is. Not newer than the last fetch.
     */
    public synchronized Snapshot at(String commitId) {
        if (!GitRefs.isCommitId(commitId)) {
            throw new SourceException("source " + spec.name() + ": '" + commitId + "' is not a commit id");
        }
        ObjectId commit = ObjectId.fromString(commitId);
        try {
            if (!repository.getObjectDatabase().has(commit)) {
                return fetch(commitId);
            }
        } catch (IOException e) {
            throw new SourceException("source " + spec.name() + ": cannot read its cache: " + e.getMessage(), e);
        }
        verify(commitId, commit);
        return new Snapshot(spec.name(), repository, commit, fetches);
    }

    private void verify(String ref, ObjectId commit) {
        if (verifier == null) {
            return;
        }
        try (RevWalk walk = new RevWalk(repository)) {
            String untrusted = verifier.untrusted(walk.parseCommit(commit));
            if (untrusted != null) {
                throw new SourceException("source " + spec.name() + ": refusing to sync " + ref + ": " + untrusted
                        + " (verifyCommits is on)");
            }
        } catch (IOException e) {
            throw new SourceException("source " + spec.name() + ": cannot read commit " + commit.getName() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A fetch that did not finish within its deadline. */
    private static final class Deadline extends SourceException {
        Deadline(String message) {
            super(message);
        }
    }

    static boolean shallow(Repository repository) {
        try {
            return !repository.getObjectDatabase().getShallowCommits().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs one JGit fetch into the repository on a transfer thread and waits for it until the deadline (first for a
     * transfer an earlier fetch abandoned, which must end before another writes the same cache).
     */
    private void transfer(Repository into, List<RefSpec> specs, boolean commitId, long until, String unlessAt) {
        if (abandoned != null) {
            try {
                abandoned.get(remaining(until), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new Deadline("source " + spec.name() + ": fetch from " + redactedUrl() + " did not finish within "
                        + deadline.toSeconds() + " s: an earlier fetch that ran out of time is still transferring");
            } catch (ExecutionException e) {
                // its failure was its own; this fetch starts afresh
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SourceException("source " + spec.name() + ": interrupted while waiting for a fetch", e);
            }
            abandoned = null;
        }
        Future<?> running = TRANSFERS.submit(() -> {
            remote.fetch(into, specs, commitId, unlessAt);
            return null;
        });
        try {
            running.get(remaining(until), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abandoned = running;
            throw new Deadline("source " + spec.name() + ": fetch from " + redactedUrl() + " did not finish within "
                    + deadline.toSeconds() + " s (the server is too slow); it goes on in the background and the next "
                    + "fetch waits for it");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SourceException failed) {
                throw failed;
            }
            throw new SourceException("source " + spec.name() + ": fetch from " + redactedUrl() + " failed: "
                    + GitRemote.rootMessage(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            abandoned = running;
            Thread.currentThread().interrupt();
            throw new SourceException("source " + spec.name() + ": interrupted while fetching", e);
        }
    }

    private static long remaining(long until) {
        return Math.max(0, until - System.nanoTime());
    }

    /**
     * Replaces the cache with a fresh clone: fetched into a new folder first, which takes the cache's place only once
     * that fetch succeeded (so a remote that fails leaves the cache as it was). Snapshots of the old cache that are
     * still being read may fail to read once it is gone; the next fetch's snapshot reads the new one.
     */
    private void recreate(List<RefSpec> specs, boolean commitId, long until) {
        File fresh = new File(dir.getPath() + ".new");
        File old = new File(dir.getPath() + ".old");
        deleteQuietly(fresh);
        Repository next = open(fresh);
        try {
            transfer(next, specs, commitId, until, null);
        } catch (SourceException e) {
            if (!(e instanceof Deadline)) { // else a transfer still writes there; the next recreate clears it
                next.close();
                deleteQuietly(fresh);
            }
            throw e;
        }
        next.close();
        Repository was = repository;
        try {
            deleteQuietly(old);
            Files.move(dir.toPath(), old.toPath());
            Files.move(fresh.toPath(), dir.toPath());
        } catch (IOException e) {
            throw new SourceException("source " + spec.name() + ": cannot replace the cache " + dir + ": "
                    + e.getMessage(), e);
        }
        repository = open(dir);
        was.close();
        deleteQuietly(old);
        failures = 0;
    }

    private static void deleteQuietly(File folder) {
        if (!folder.exists()) {
            return;
        }
        try (var files = Files.walk(folder.toPath())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", folder, e.getMessage());
        }
    }

    private ObjectId resolve(String ref) {
        try {
            if (GitRefs.isCommitId(ref)) {
                if (ref.length() != Constants.OBJECT_ID_STRING_LENGTH) {
                    throw new SourceException("source " + spec.name() + ": commit " + ref + " is a SHA-256 id; this "
                            + "repository uses SHA-1");
                }
                ObjectId id = ObjectId.fromString(ref.toLowerCase(java.util.Locale.ROOT));
                if (!repository.getObjectDatabase().has(id)) {
                    throw new SourceException("source " + spec.name() + ": commit " + ref
                            + " is not reachable from any branch or tag of " + redactedUrl());
                }
                return id;
            }
            for (String candidate : List.of("refs/remotes/origin/" + ref, Constants.R_TAGS + ref,
                    PREVIEW_REFS + ref.replaceFirst("^refs/", ""))) {
                Ref r = repository.exactRef(candidate);
                if (r != null) {
                    try (RevWalk walk = new RevWalk(repository)) {
                        return walk.parseCommit(r.getObjectId()).getId(); // peels annotated tags
                    }
                }
            }
        } catch (IOException e) {
            // the library's message may quote what it read; it stays in the log's cause, not in the answer
            throw new SourceException("source " + spec.name() + ": cannot resolve ref '" + ref + "' in the local cache",
                    e);
        }
        throw new SourceException("source " + spec.name() + ": ref '" + ref + "' is neither a branch nor a tag of "
                + redactedUrl());
    }

    /** Deletes a ref fetched only to resolve one preview, so such refs do not pile up in the cache. */
    private void forget(String name) {
        try {
            var update = repository.updateRef(name);
            update.setForceUpdate(true);
            update.delete();
        } catch (IOException e) {
            throw new SourceException("source " + spec.name() + ": cannot clean up the preview ref", e);
        }
    }

    /** The URL without any user-info part. */
    public String redactedUrl() {
        return remote.redactedUrl();
    }

    /**
     * Closes the repository, after a fetch in progress ends (fetches hold the same lock), and after a transfer a fetch
     * left running at its deadline (waited for at most {@link #FETCH_DEADLINE} more).
     */
    @Override
    public synchronized void close() {
        if (abandoned != null) {
            try {
                abandoned.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // closed anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        remote.close();
        repository.close();
    }
}
