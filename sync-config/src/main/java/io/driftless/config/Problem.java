package io.driftless.config;

/**
 * One thing wrong with a configuration or values file, located by file, line and key so
 * that a user can go straight to it.
 *
 * @param file the file as the user knows it (a repository path or a local path)
 * @param line 1-based line, or 0 when unknown
 * @param key  dotted key path such as {@code releases[0].values[1]}, or empty for the whole file
 */
public record Problem(String file, int line, String key, String message) {

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (key != null && !key.isEmpty()) {
            sb.append(key).append(": ");
        }
        return sb.append(message).toString();
    }
}
