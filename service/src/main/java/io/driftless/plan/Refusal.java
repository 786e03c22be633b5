package io.driftless.plan;

/** Why a plan refuses to sync at all (nothing is written), with the message for people. */
public record Refusal(Reason reason, String message) {

    public enum Reason {
        /** The release renders no objects and syncPolicy.allowEmpty is false. */
        EMPTY_RENDER,
        /** A rendered object breaks the API server's rules (names, labels, annotations). */
        INVALID_OBJECTS
    }

    @Override
    public String toString() {
        return message;
    }
}
