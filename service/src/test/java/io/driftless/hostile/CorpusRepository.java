package io.driftless.hostile;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.util.FileUtils;

import io.driftless.testing.GitHttpServer;

/**
 * The values repository {@link HostileCorpusIT} commits its cases to, changed the ways a careless or hostile
 * commit can change it: any bytes at a values path, a symlink out of the repository instead of the file or its
 * folder, a folder instead of the file, or no file at all; and changed back. Symlinks only ever point into a
 * folder of the test's own ({@code outside}), never at the host's files, since {@link #restore} deletes what it
 * finds at a values path.
 */
final class CorpusRepository {

    /** What a symlink out of the repository leads to: a case's error must not quote it. */
    static final String OUTSIDE_MARKER = "OUTSIDE-THE-REPOSITORY";

    private final GitHttpServer server;
    private final Path outside;

    CorpusRepository(GitHttpServer server, Path outside) throws Exception {
        this.server = server;
        this.outside = Files.createDirectories(outside);
        Files.writeString(outside.resolve("values.yaml"), "# " + OUTSIDE_MARKER + "\nserver: {replicaCount: 9}\n");
    }

    /** Commits the bytes at the path; returns the commit id. */
    String commit(String file, byte[] content, String message) throws Exception {
        Files.write(root().resolve(file), content);
        return commitAll(message);
    }

    /** Commits the path in a shape a file should not have (see cases.yaml's values generators). */
    String commitShape(String generator, String file, String content, String message) throws Exception {
        Path path = root().resolve(file);
        try (Git repo = Git.wrap(server.repository())) {
            repo.rm().addFilepattern(file).call();
            switch (generator) {
                case "symlink-out-of-repository" -> {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, path.getParent().relativize(outside.resolve("values.yaml")));
                }
                case "symlinked-values-folder" -> {
                    FileUtils.delete(path.getParent().toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
                    Files.createSymbolicLink(path.getParent(), outside);
                }
                case "values-path-is-a-folder" -> {
                    Files.createDirectories(path);
                    Files.writeString(path.resolve("values.yaml"), content);
                }
                case "values-file-deleted" -> {
                    // removed from the index and the work tree above
                }
                default -> throw new IllegalArgumentException("not a shape of a values path: " + generator);
            }
        }
        return commitAll(message);
    }

    /** Commits a regular file back at the path, whatever a case left there (a symlink, a folder, nothing). */
    String restore(String file, String content) throws Exception {
        Path path = root().resolve(file);
        try (Git repo = Git.wrap(server.repository())) {
            if (Files.isSymbolicLink(path.getParent())) {
                repo.rm().addFilepattern(root().relativize(path.getParent()).toString()).call();
                Files.deleteIfExists(path.getParent()); // the link, not what it points to
            } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                repo.rm().addFilepattern(file).call();
                FileUtils.delete(path.toFile(), FileUtils.RECURSIVE | FileUtils.SKIP_MISSING);
            } else if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                repo.rm().addFilepattern(file).call();
                Files.deleteIfExists(path);
            }
        }
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
        return commitAll("restore " + file);
    }

    private Path root() {
        return server.repository().getWorkTree().toPath();
    }

    private String commitAll(String message) throws Exception {
        try (Git repo = Git.wrap(server.repository())) {
            repo.add().addFilepattern(".").call();
            repo.add().setUpdate(true).addFilepattern(".").call();
            return repo.commit().setMessage(message).setSign(false).setAuthor("Test", "test@driftless.invalid")
                    .setCommitter("Test", "test@driftless.invalid").call().getName();
        }
    }
}
