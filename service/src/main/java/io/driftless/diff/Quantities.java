package io.driftless.diff;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Canonical comparison of Kubernetes resource quantities: {@code 0.5 = 500m}, {@code 1Gi = 1024Mi}. */
public final class Quantities {

    private static final Pattern QUANTITY = Pattern.compile("([+-]?[0-9.]+)([eE][+-]?\\d+|[a-zA-Z]*)");
    private static final Map<String, BigDecimal> SUFFIX = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    private Quantities() {
    }

    /** The quantity's value, or null when the text is not a quantity. */
    public static BigDecimal parse(Object value) {
        if (value instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        if (!(value instanceof String s)) {
            return null;
        }
        Matcher m = QUANTITY.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            BigDecimal number = new BigDecimal(m.group(1));
            String suffix = m.group(2);
            if (suffix.startsWith("e") || suffix.startsWith("E")) {
                return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
            }
            BigDecimal factor = SUFFIX.get(suffix);
            return factor == null ? null : number.multiply(factor);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static boolean equal(Object a, Object b) {
        BigDecimal x = parse(a);
        BigDecimal y = parse(b);
        return x != null && y != null && x.compareTo(y) == 0;
    }
}
