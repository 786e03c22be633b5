package io.driftless.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** Label keys and values as the API server's rules (its regular expressions) have them. */
class LabelsTest {

    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private static boolean keyByRule(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        return (prefix == null || prefix.length() <= 253 && DNS_SUBDOMAIN.matcher(prefix).matches())
                && name.length() <= 63 && NAME.matcher(name).matches();
    }

    private static boolean valueByRule(String value) {
        return value.isEmpty() || value.length() <= 63 && NAME.matcher(value).matches();
    }

    @Test
    void examples() {
        assertThat(Labels.isKey("app.kubernetes.io/name")).isTrue();
        assertThat(Labels.isKey("a")).isTrue();
        assertThat(Labels.isKey("Env_1.x")).isTrue();
        assertThat(Labels.isKey("/name")).isFalse();
        assertThat(Labels.isKey("Example.com/name")).as("upper case prefix").isFalse();
        assertThat(Labels.isKey("example..com/name")).isFalse();
        assertThat(Labels.isKey("example.com/")).isFalse();
        assertThat(Labels.isKey("a/b/c")).isFalse();
        assertThat(Labels.isKey("-name")).isFalse();
        assertThat(Labels.isKey("x".repeat(63))).isTrue();
        assertThat(Labels.isKey("x".repeat(64))).isFalse();
        assertThat(Labels.isValue("")).isTrue();
        assertThat(Labels.isValue("v1.2_3-b")).isTrue();
        assertThat(Labels.isValue("v1.")).isFalse();
        assertThat(Labels.isValue("a b")).isFalse();
    }

    @Test
    void agreesWithTheApiServersExpressionsOnRandomStrings() {
        Random random = new Random(7);
        String alphabet = "aZ09-_./ Ä";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(i % 100 == 0 ? 300 : 12);
            for (int c = 0; c < length; c++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String candidate = s.toString();
            assertThat(Labels.isKey(candidate)).as("key %s", candidate).isEqualTo(keyByRule(candidate));
            assertThat(Labels.isValue(candidate)).as("value %s", candidate).isEqualTo(valueByRule(candidate));
        }
    }
}
