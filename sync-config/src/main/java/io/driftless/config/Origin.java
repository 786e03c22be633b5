package io.driftless.config;

/**
 * Where a configuration element was declared, for error messages. Not part of what the element is: any two
 * origins are equal, so a spec moved to another line (or file) of a reloaded fleet is the same spec.
 */
public record Origin(String file, int line, String key) {

    public static final Origin NONE = new Origin("<none>", 0, "");

    public Problem problem(String message) {
        return new Problem(file, line, key, message);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Origin;
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + (key.isEmpty() ? "" : " (" + key + ")");
    }
}
