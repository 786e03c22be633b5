package io.driftless.config;

import java.util.regex.Pattern;

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

    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private Labels() {
    }

    /** {@code [prefix/]name}: an optional DNS subdomain prefix (at most 253 characters) and a name of at most 63. */
    public static boolean isKey(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        return (prefix == null || prefix.length() <= 253 && DNS_SUBDOMAIN.matcher(prefix).matches())
                && name.length() <= 63 && NAME.matcher(name).matches();
    }

    /** Empty, or at most 63 characters of the name's alphabet, starting and ending alphanumeric. */
    public static boolean isValue(String value) {
        return value.isEmpty() || value.length() <= 63 && NAME.matcher(value).matches();
    }
}
