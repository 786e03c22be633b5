package io.driftless.source;

/** A source could not be fetched or read; the message names the source and what to check. */
public class SourceException extends RuntimeException {
    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }

    public SourceException(String message) {
        super(message);
    }
}
