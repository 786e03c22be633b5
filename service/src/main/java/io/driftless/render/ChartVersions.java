package io.driftless.render;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Chart versions in order (numeric parts as numbers: {@code 2026.8.7211611} before {@code 2026.8.18172642}). */
public final class ChartVersions {

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private ChartVersions() {
    }

    /** A key that sorts as the version does: each run of digits zero-padded, the rest as it is. */
    public static String key(String version) {
        Matcher m = NUMBER.matcher(version);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String digits = m.group().replaceFirst("^0+(?=\\d)", "");
            m.appendReplacement(out, "0".repeat(Math.max(0, 20 - digits.length())) + digits);
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Up to {@code count} of {@code known} nearest to {@code wanted} in version order, in that order. */
    public static List<String> nearest(String wanted, Collection<String> known, int count) {
        List<String> sorted = new ArrayList<>(known.stream().distinct().sorted(Comparator.comparing(
                ChartVersions::key)).toList());
        int at = 0;
        while (at < sorted.size() && key(sorted.get(at)).compareTo(key(wanted)) < 0) {
            at++;
        }
        int from = Math.max(0, Math.min(at - count / 2, sorted.size() - count));
        return sorted.subList(from, Math.min(sorted.size(), from + count));
    }
}
