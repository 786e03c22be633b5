package io.driftless.source;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

import io.driftless.config.GitRefs;
import io.driftless.config.SourceSpec;

/**
 * One Git source: a bare clone in the cache folder, fetched on demand; resolves the configured
 * branch, tag or commit and hands out snapshots of that commit.
 */
public final class GitSource implements Closeable {

    private static final int TIMEOUT_SECONDS = 30;
    /** Where full refs fetched for a preview are kept. */
    private static final String PREVIEW_REFS = "refs/driftless/preview/";

    private final SourceSpec spec;
    private final Repository repository;
    private final Map<String, String> env;
    private final CommitVerifier verifier;
    /** For ssh:// sources: the key file and known_hosts of this source only, never the user's ~/.ssh. */
    private final SshdSessionFactory ssh;
    /** Fetches so far (guarded by this source's lock): numbers snapshots in fetch order. */
    private long fetches;

    public GitSource(SourceSpec spec, Path cacheRoot, Map<String, String> env) {
        this.spec = spec;
        this.env = env;
        this.verifier = spec.trustedKeys().isEmpty() ? null : CommitVerifier.load(spec.name(), spec.trustedKeys());
        this.ssh = SourceSpec.isSsh(spec.url()) ? sshSessions(cacheRoot.resolve(spec.name() + ".ssh").toFile()) : null;
        File dir = cacheRoot.resolve(spec.name() + ".git").toFile();
        try {
            this.repository = new FileRepositoryBuilder().setGitDir(dir).setBare().build();
            if (!repository.getObjectDatabase().exists()) {
                repository.create(true);
            }
        } catch (IOException e) {
            throw new SourceException("source " + spec.name() + ": cannot open cache " + dir + ": " + e.getMessage(), e);
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
        try (Git git = new Git(repository)) {
            var fetch = git.fetch()
                    .setRemote(new URIish(spec.url()).toString())
                    .setRefSpecs(specs)
                    .setCredentialsProvider(GitCredentials.provider(spec, env))
                    .setTransportConfigCallback(transport -> {
                        if (transport instanceof SshTransport sshTransport && ssh != null) {
                            sshTransport.setSshSessionFactory(ssh);
                        }
                    })
                    .setTimeout(TIMEOUT_SECONDS)
                    .setRemoveDeletedRefs(true);
            if (!commitId) {
                fetch.setDepth(1);
            } else if (!repository.getObjectDatabase().getShallowCommits().isEmpty()) {
                fetch.setUnshallow(true);
            }
            fetch.call();
        } catch (GitAPIException | java.net.URISyntaxException | org.eclipse.jgit.api.errors.JGitInternalException
                 | IOException e) {
            throw new SourceException("source " + spec.name() + ": fetch from " + redactedUrl() + " failed: "
                    + rootMessage(e), e);
        }
        ObjectId commit;
        try {
            commit = resolve(ref);
        } finally {
            if (fullRef) {
                forget(PREVIEW_REFS + ref.substring("refs/".length()));
            }
        }
        if (verifier != null) {
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
        return new Snapshot(spec.name(), repository, commit, ++fetches);
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

    /**
     * Public-key authentication with the source's key file; the server must present a host key listed in the
     * source's known_hosts file (an unknown or changed key fails the fetch, nothing is asked or added).
     */
    private SshdSessionFactory sshSessions(File sshDir) {
        Path key = Path.of(spec.auth().sshKeyFile());
        Path knownHosts = Path.of(spec.auth().knownHostsFile());
        return new SshdSessionFactoryBuilder().setHomeDirectory(sshDir).setSshDirectory(sshDir)
                .setConfigFile(dir -> new File(sshDir, "no-config"))
                .setDefaultIdentities(dir -> List.of(key)).setDefaultKnownHostsFiles(dir -> List.of(knownHosts))
                .setPreferredAuthentications("publickey").build(null);
    }

    /** The URL without any user-info part. */
    public String redactedUrl() {
        return spec.url().replaceAll("://[^/@]*@", "://");
    }

    /**
     * The deepest message of the cause chain that tells a user something: an I/O or transport message, not an
     * internal error (an index out of bounds) of a parser that met garbage, whose caller's message says more.
     */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !(t instanceof RuntimeException && !(t instanceof SourceException))) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** Closes the repository, after a fetch in progress ends (fetches hold the same lock). */
    @Override
    public synchronized void close() {
        if (ssh != null) {
            ssh.close();
        }
        repository.close();
    }
}
