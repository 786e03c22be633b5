package io.driftless.config;

import java.util.regex.Pattern;

/**
 * What Driftless accepts as a Git ref, before any Git call sees it: a full commit id (40 or 64 hex digits), a
 * branch or tag name, or a full ref under {@code refs/}, each following Git's own ref-name rules
 * ({@code git check-ref-format}): no {@code ..}, no component starting with a dot or ending in {@code .lock}, no
 * control characters, spaces, {@code ~ ^ : ? * [ \}, no {@code @{}, no leading {@code -}, no empty component.
 */
public final class GitRefs {

    private static final Pattern COMMIT_ID = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    private static final Pattern FORBIDDEN = Pattern.compile("[\\x00-\\x20\\x7f~^:?*\\[\\\\]");
    /** Longer ref names than Git hosts accept are not refs. */
    public static final int MAX_LENGTH = 255;

    private GitRefs() {
    }

    /** Whether {@code ref} is a full commit id. */
    public static boolean isCommitId(String ref) {
        return ref != null && COMMIT_ID.matcher(ref).matches();
    }

    /** @return why {@code ref} is not an acceptable ref (without repeating it), or null when it is */
    public static String problem(String ref) {
        if (ref == null || ref.isEmpty()) {
            return "is empty";
        }
        if (ref.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        if (isCommitId(ref)) {
            return null;
        }
        if (ref.startsWith("-")) {
            return "starts with '-'";
        }
        if (FORBIDDEN.matcher(ref).find()) {
            return "contains a space, a control character or one of ~ ^ : ? * [ \\";
        }
        if (ref.contains("..") || ref.contains("@{") || ref.equals("@")) {
            return "contains '..' or '@{'";
        }
        if (ref.startsWith("/") || ref.endsWith("/") || ref.contains("//") || ref.endsWith(".")) {
            return "has an empty component or ends with '.'";
        }
        for (String part : ref.split("/")) {
            if (part.startsWith(".") || part.endsWith(".lock")) {
                return "has a component starting with '.' or ending in '.lock'";
            }
        }
        if (ref.startsWith("refs/") && ref.indexOf('/', "refs/".length()) < 0) {
            return "names no ref under refs/ (e.g. refs/pull/12/head)";
        }
        return null;
    }

    /** A message for a refused ref: the ref is shown only when it is short and printable. */
    public static String describe(String ref, String problem) {
        boolean printable = ref != null && ref.length() <= 80 && !FORBIDDEN.matcher(ref.replace(" ", "")).find();
        return "ref " + (printable ? "'" + ref + "' " : "") + problem
                + "; expected a branch, a tag, a full commit id or a refs/... name";
    }
}
