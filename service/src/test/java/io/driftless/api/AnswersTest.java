package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Answers made on a worker are the bytes the event loop wrote before. */
class AnswersTest {

    @Test
    void largeAnswersAreTheBytesOfTheShortAnswersPath() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ascii", "cluster/release");
        body.put("accents and emoji", "déjà vu \u00e9\u4e2d\ud83d\ude80");
        body.put("lone surrogates", "a\ud800b\udc00c\ud83d");
        body.put("control", "tab\tnewline\nquote\"backslash\\");
        body.put("at", Instant.parse("2026-01-02T03:04:05Z"));
        body.put("nothing", null);
        // long enough to cross the writers' buffers, with a surrogate pair at many offsets
        body.put("long", List.of("x".repeat(8191) + "\ud83d\ude80".repeat(5000), "y".repeat(100_000) + "\ud800"));
        byte[] before = Answers.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body)
                .getBytes(StandardCharsets.UTF_8);
        assertThat(Answers.bytes(body)).isEqualTo(before);
        assertThat(Answers.bytes(List.of())).isEqualTo("[ ]".getBytes(StandardCharsets.UTF_8));
    }
}
