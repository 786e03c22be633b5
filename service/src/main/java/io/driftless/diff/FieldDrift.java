package io.driftless.diff;

/**
 * One field of a live object that differs from its desired state.
 *
 * @param path        JSON pointer into the live object ({@code /spec/replicas})
 * @param desiredPath JSON pointer into the desired object (differs inside keyed lists)
 * @param desired     desired value as shown to users (Secret values redacted)
 * @param live        live value as shown to users (Secret values redacted)
 * @param lastWriter  who last wrote the live field, from its managedFields, or null when the live object
 *                    does not say
 */
public record FieldDrift(Kind kind, String path, String desiredPath, Object desired, Object live, Writer lastWriter) {

    /** A field manager's write: {@code kubectl-edit (Update) at 2026-11-21T10:42:00Z}; time may be null. */
    public record Writer(String manager, String operation, String time) {
        @Override
        public String toString() {
            return manager + (operation == null ? "" : " (" + operation + ")") + (time == null ? "" : " at " + time);
        }
    }

    public FieldDrift(Kind kind, String path, String desiredPath, Object desired, Object live) {
        this(kind, path, desiredPath, desired, live, null);
    }

    public enum Kind {
        /** Both sides have the field, with different values. */
        CHANGED,
        /** The desired field or list entry is absent from the live object. */
        MISSING,
        /** The live object has a list entry the desired state does not (e.g. an env var added by hand). */
        EXTRA
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case CHANGED -> path + ": live " + live + ", desired " + desired;
            case MISSING -> path + ": missing, desired " + desired;
            case EXTRA -> path + ": not desired, live " + live;
        };
        return lastWriter == null ? what : what + "; last written by " + lastWriter;
    }
}
