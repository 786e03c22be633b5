package io.driftless.config;

/**
 * A fleet kept in Git (GitOps for Driftless itself): the source that holds it and the fleet file's path in it.
 * The local fleet file then holds only this pointer; the fleet is read at the source's newest commit and read
 * again whenever that commit changes.
 *
 * @param path the fleet file inside the repository, relative, with no {@code ..}
 */
public record FleetSource(SourceSpec source, String path) {
}
