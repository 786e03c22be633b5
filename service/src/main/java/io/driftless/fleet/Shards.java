package io.driftless.fleet;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/** Which shard a target belongs to: a stable hash of its id, the same on every replica and every restart. */
public final class Shards {

    private Shards() {
    }

    public static int of(String targetId, int shards) {
        CRC32 crc = new CRC32();
        crc.update(targetId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }
}
