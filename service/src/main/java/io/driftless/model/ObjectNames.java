package io.driftless.model;

import java.util.regex.Pattern;

/** The API server's rules for object names, checked before a name is put into a request path. */
public final class ObjectNames {

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private ObjectNames() {
    }

    /** Lower-case letters, digits, '-' and '.', at most 253 characters: what most kinds' names must be. */
    public static boolean isDnsSubdomain(String name) {
        return name != null && name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches();
    }
}
