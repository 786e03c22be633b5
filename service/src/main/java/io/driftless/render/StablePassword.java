package io.driftless.render;

import java.security.SecureRandom;
import java.util.List;

/**
 * A password a chart would generate at random (bitnami's secret helpers): the value from the values file
 * if set; otherwise the one already in the live Secret, so re-renders and restarts keep it; otherwise a
 * new random one, which the first sync stores.
 */
public final class StablePassword {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private StablePassword() {
    }

    public static String resolve(ValueReader v, String valuesKey, Chart.Lookup lookup, String namespace, String secret,
                                 String secretKey, int length, List<String> warnings) {
        if (v.has(valuesKey)) {
            return v.str(valuesKey);
        }
        return lookup.secretValue(namespace, secret, secretKey).orElseGet(() -> {
            warnings.add(valuesKey + " is not set: generated a random password; a sync stores it in Secret "
                    + secret + " (key " + secretKey + ") and keeps it from then on");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
            }
            return sb.toString();
        });
    }
}
