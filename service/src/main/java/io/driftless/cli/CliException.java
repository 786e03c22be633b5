package io.driftless.cli;

/** A verb that cannot do its job: the message is printed, and the process exits with the code. */
public final class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
