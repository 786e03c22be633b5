package io.driftless.app;

/**
 * A picocli command found on the class path ({@code META-INF/services}) rather than named in {@link Main}: the demo,
 * which the full jar has and the server jar and the image leave out, with the in-memory API server it needs.
 */
public interface ExtraCommand {
}
