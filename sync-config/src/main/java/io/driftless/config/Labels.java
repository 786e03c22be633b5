package io.driftless.config;

/**
 * The API server's rules for label keys and values. A cluster's labels in the fleet end up in values paths
 * ({@code {labels.env}}) and in selectors, so they are held to the same rules as an object's labels.
 */
public final class Labels {

    /** What a key must be, in words. */
    public static final String KEY_RULE = "an optional DNS subdomain and '/', then at most 63 letters, digits, '-', "
            + "'_' or '.', starting and ending with a letter or digit";
    /** What a value must be, in words. */
    public static final String VALUE_RULE = "at most 63 letters, digits, '-', '_' or '.', starting and ending with a "
            + "letter or digit; or empty";

    private Labels() {
    }

    /** {@code [prefix/]name}: an optional DNS subdomain prefix (at most 253 characters) and a name of at most 63. */
    public static boolean isKey(String key) {
        int slash = key.indexOf('/');
        return (slash < 0 || slash <= 253 && isDnsSubdomain(key, 0, slash))
                && key.length() - slash - 1 <= 63 && isName(key, slash + 1, key.length());
    }

    /** Empty, or at most 63 characters of the name's alphabet, starting and ending alphanumeric. */
    public static boolean isValue(String value) {
        return value.isEmpty() || value.length() <= 63 && isName(value, 0, value.length());
    }

    /**
     * {@code [A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?} over {@code s[from, to)}, checked by hand: every rendered
     * object's labels are checked at every sync, and the regular expression backtracked and allocated.
     */
    private static boolean isName(String s, int from, int to) {
        if (from >= to || !alphanumeric(s.charAt(from)) || !alphanumeric(s.charAt(to - 1))) {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++) {
            char c = s.charAt(i);
            if (!alphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** Dot-separated labels of {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?} over {@code s[from, to)}. */
    private static boolean isDnsSubdomain(String s, int from, int to) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || s.charAt(i) == '.') {
                if (i == start || !lowerAlphanumeric(s.charAt(start)) || !lowerAlphanumeric(s.charAt(i - 1))) {
                    return false;
                }
                start = i + 1;
            } else if (!lowerAlphanumeric(s.charAt(i)) && s.charAt(i) != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean alphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static boolean lowerAlphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }
}
