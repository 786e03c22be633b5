package io.driftless.status;

/**
 * Why a target's last sync did not succeed: the stage it stopped at, and the message people read (located:
 * file:line, object, source or cluster). Code decides on the stage, never on the text.
 */
public record Failure(Stage stage, String message) {

    /** A message never shows a known secret (a value opened from a SOPS file that a chart's error quotes). */
    public Failure {
        message = io.driftless.diff.Redaction.secretsRedacted(message);
    }

    public enum Stage {
        /** The source could not be fetched (or its commit is refused: verification, ref). */
        SOURCE,
        /** A values file is missing or invalid. */
        VALUES,
        /** The chart refused the values or could not be rendered. */
        RENDER,
        /** A safety rule refused the sync: the release's tenant, a takeover, an empty render, invalid objects. */
        POLICY,
        /** The cluster could not be read or written (unreachable, forbidden, refused). */
        CLUSTER,
        /** Objects failed to apply, or the apply was cut short by a shutdown. */
        APPLY,
        /** An error no stage expected (a bug); the service log has it under an error id. */
        UNEXPECTED
    }

    @Override
    public String toString() {
        return message;
    }
}
