package io.driftless.source;

import java.io.IOException;
import java.util.Optional;

import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

import io.driftless.config.SafeYaml;

/** The files of a source at one commit, read straight from the object database (no checkout). */
public final class Snapshot {

    private final String source;
    private final Repository repository;
    private final ObjectId commit;
    private final long sequence;
    private volatile ObjectId tree;

    Snapshot(String source, Repository repository, ObjectId commit, long sequence) {
        this.source = source;
        this.repository = repository;
        this.commit = commit;
        this.sequence = sequence;
    }

    /** The fetch of its source that made it: a later fetch has a higher number. */
    public long sequence() {
        return sequence;
    }

    /** The later of two snapshots of one source (by fetch, not by commit date). */
    public static Snapshot later(Snapshot a, Snapshot b) {
        if (a == null) {
            return b;
        }
        return b == null || a.sequence >= b.sequence ? a : b;
    }

    public String source() {
        return source;
    }

    public String commit() {
        return commit.name();
    }

    public String shortCommit() {
        return commit.name().substring(0, 12);
    }

    /** The commit's root tree, parsed at the first read: a target's reads (and every target's) share it. */
    private ObjectId tree() throws IOException {
        ObjectId root = tree;
        if (root == null) {
            try (RevWalk walk = new RevWalk(repository)) {
                root = walk.parseCommit(commit).getTree().copy();
            }
            tree = root;
        }
        return root;
    }

    /**
     * Who made the commit and why: its author's name and the first line of its message (at most 200 characters),
     * read at the first ask; empty strings when the commit cannot be read.
     */
    public record About(String author, String subject) {
    }

    private volatile About about;

    public About about() {
        About known = about;
        if (known == null) {
            try (RevWalk walk = new RevWalk(repository)) {
                var parsed = walk.parseCommit(commit);
                String subject = parsed.getShortMessage();
                known = new About(parsed.getAuthorIdent().getName(), subject.length() > 200
                        ? subject.substring(0, 199) + "…" : subject);
            } catch (IOException e) {
                known = new About("", "");
            }
            about = known;
        }
        return known;
    }

    /** At most this many files are read from one folder ({@link #files}), and this many bytes in all. */
    public static final int MAX_FOLDER_FILES = 2_000;
    public static final long MAX_FOLDER_BYTES = 32L * 1024 * 1024;

    /**
     * Every file under a folder at this commit, by its path inside the folder (sorted); empty when the folder
     * does not exist. A symlink (which could point out of the repository) or a submodule is refused, and so are
     * more than {@link #MAX_FOLDER_FILES} files, or more than {@link #MAX_FOLDER_BYTES} bytes.
     */
    public java.util.SortedMap<String, byte[]> files(String folder) {
        java.util.SortedMap<String, byte[]> out = new java.util.TreeMap<>();
        try (TreeWalk start = TreeWalk.forPath(repository, folder, tree())) {
            if (start == null || !start.isSubtree()) {
                return out;
            }
            try (TreeWalk tw = new TreeWalk(repository)) {
                tw.addTree(start.getObjectId(0));
                tw.setRecursive(true);
                long bytes = 0;
                while (tw.next()) {
                    FileMode mode = tw.getFileMode(0);
                    String path = tw.getPathString();
                    if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
                        throw new SourceException(source + ": " + folder + "/" + path + " at " + shortCommit()
                                + " is a symlink or a submodule; only regular files are read");
                    }
                    ObjectLoader loader = repository.open(tw.getObjectId(0));
                    bytes += loader.getSize();
                    if (out.size() >= MAX_FOLDER_FILES || bytes > MAX_FOLDER_BYTES) {
                        throw new SourceException(source + ": " + folder + " at " + shortCommit() + " holds more "
                                + "than " + MAX_FOLDER_FILES + " files or " + MAX_FOLDER_BYTES + " bytes");
                    }
                    out.put(path, loader.getBytes());
                }
            }
            return out;
        } catch (IOException e) {
            throw new SourceException(source + ": cannot read " + folder + " at " + shortCommit() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * What is at a path at this commit, as its Git mode and object id (a file's blob, a folder's tree), or
     * {@code "-"} when nothing is: equal answers at two commits mean equal content, without reading it.
     */
    public String objectId(String path) {
        try (TreeWalk tw = TreeWalk.forPath(repository, path, tree())) {
            return tw == null ? "-" : tw.getFileMode(0).getBits() + ":" + tw.getObjectId(0).name();
        } catch (IOException e) {
            throw new SourceException(source + ": cannot read " + path + " at " + shortCommit() + ": " + e.getMessage(), e);
        }
    }

    /** A path that is not found because a folder on its way is a symlink is said to be so, not missing. */
    private void refuseSymlinkedFolder(String path) throws IOException {
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String folder = path.substring(0, slash);
            try (TreeWalk tw = TreeWalk.forPath(repository, folder, tree())) {
                if (tw == null) {
                    return;
                }
                if (tw.getFileMode(0) == FileMode.SYMLINK) {
                    throw new SourceException(source + ": " + path + " at " + shortCommit() + " is under " + folder
                            + ", a symlink; symlinks are not followed");
                }
            }
        }
    }

    /** The file's bytes, or empty when the path does not exist at this commit. */
    public Optional<byte[]> read(String path) {
        try (TreeWalk tw = TreeWalk.forPath(repository, path, tree())) {
            if (tw == null) {
                refuseSymlinkedFolder(path);
                return Optional.empty();
            }
            FileMode mode = tw.getFileMode(0);
            if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
                throw new SourceException(source + ": " + path + " at " + shortCommit()
                        + " is not a regular file (symlinks and folders are not read)");
            }
            ObjectLoader loader = repository.open(tw.getObjectId(0));
            if (loader.getSize() > SafeYaml.MAX_BYTES) {
                throw new SourceException(source + ": " + path + " is " + loader.getSize()
                        + " bytes; the limit is " + SafeYaml.MAX_BYTES);
            }
            return Optional.of(loader.getBytes());
        } catch (IOException e) {
            throw new SourceException(source + ": cannot read " + path + " at " + shortCommit() + ": " + e.getMessage(), e);
        }
    }
}
