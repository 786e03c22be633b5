package io.driftless.config;

import java.util.regex.Pattern;

/** What the fleet checks in the URLs it is given: whether they carry credentials, whether they stay on this machine. */
public final class Urls {

    private Urls() {
    }

    /**
     * Plain HTTP to this machine never leaves it. Decided on the host as written: {@code localhost} or an address
     * literal in 127.0.0.0/8 or ::1; a name such as {@code 127.example.com} is not loopback, whatever it resolves to.
     */
    public static boolean isLoopback(String url) {
        String host;
        try {
            host = java.net.URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!IPV4_LITERAL.matcher(literal).matches() && !(literal.contains(":") && literal.matches("[0-9a-fA-F:.]+"))) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(literal).isLoopbackAddress(); // a literal: no lookup is made
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static final Pattern IPV4_LITERAL = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    /** Whether a URL carries a user-info part ({@code https://user:secret@host/}). */
    public static boolean hasUserInfo(String url) {
        if (SourceSpec.isSsh(url)) {
            return url.matches("^ssh://[^/@]*:[^/@]*@.*"); // ssh://git@host is a user name, not a secret
        }
        return url.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*@.*");
    }
}
