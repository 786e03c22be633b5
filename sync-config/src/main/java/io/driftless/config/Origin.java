package io.driftless.config;

/** Where a configuration element was declared, for error messages. */
public record Origin(String file, int line, String key) {

    public static final Origin NONE = new Origin("<none>", 0, "");

    public Problem problem(String message) {
        return new Problem(file, line, key, message);
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + (key.isEmpty() ? "" : " (" + key + ")");
    }
}
