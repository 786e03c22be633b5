package io.driftless.diff;

/** JSON pointer (RFC 6901) escaping. */
public final class Pointer {

    private Pointer() {
    }

    public static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    public static String unescape(String token) {
        return token.replace("~1", "/").replace("~0", "~");
    }
}
