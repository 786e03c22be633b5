package io.driftless.render.helm;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One {@code helm template} a renderer process runs, as the service sends it down the process's standard input,
 * and the answer the process sends back up its standard output. Everything a render may see travels here: the
 * chart's files, the merged values, the release's name and namespace and the target's Kubernetes version; the
 * process has nothing else (no credentials, no cluster, no file of the service).
 *
 * @param files     the chart's files by their path inside the chart
 * @param maxOutput the largest answer the service accepts, in bytes; a larger render is refused in the process
 */
record RenderRequest(String release, String namespace, String kubeVersion, byte[] values,
                     SortedMap<String, byte[]> files, int maxOutput) {

    /** What the process answers. */
    sealed interface Answer permits Rendered, Refused, TooLarge {
    }

    /** Helm's output: the objects as multi-document YAML. */
    record Rendered(String output) implements Answer {
    }

    /** Helm's error (a template error, a schema violation, a missing required value). */
    record Refused(String message) implements Answer {
    }

    /** The output was larger than the request allowed; only its size crosses. */
    record TooLarge(long bytes) implements Answer {
    }

    private static final int MAGIC = 0x44524831; // "DRH1"
    private static final int MAX_FILES = 10_000;

    void write(DataOutputStream out) throws IOException {
        out.writeInt(MAGIC);
        text(out, release);
        text(out, namespace);
        text(out, kubeVersion == null ? "" : kubeVersion);
        bytes(out, values);
        out.writeInt(files.size());
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            text(out, f.getKey());
            bytes(out, f.getValue());
        }
        out.writeInt(maxOutput);
        out.flush();
    }

    /**
     * @param limit the most bytes one request may carry (a chart folder, values), so a corrupt stream cannot make
     *              the reader allocate without bound
     */
    static RenderRequest read(DataInputStream in, int limit) throws IOException {
        if (in.readInt() != MAGIC) {
            throw new IOException("not a render request");
        }
        String release = text(in, limit);
        String namespace = text(in, limit);
        String kubeVersion = text(in, limit);
        byte[] values = bytes(in, limit);
        int count = in.readInt();
        if (count < 0 || count > MAX_FILES) {
            throw new IOException("a request of " + count + " files");
        }
        SortedMap<String, byte[]> files = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            files.put(text(in, limit), bytes(in, limit));
        }
        return new RenderRequest(release, namespace, kubeVersion.isEmpty() ? null : kubeVersion, values, files,
                in.readInt());
    }

    static void write(DataOutputStream out, Answer answer) throws IOException {
        if (answer instanceof Rendered r) {
            out.writeByte(0);
            bytes(out, r.output().getBytes(StandardCharsets.UTF_8));
        } else if (answer instanceof Refused r) {
            out.writeByte(1);
            bytes(out, r.message().getBytes(StandardCharsets.UTF_8));
        } else {
            out.writeByte(2);
            out.writeLong(((TooLarge) answer).bytes());
        }
        out.flush();
    }

    /** @param limit the largest output accepted; a longer one is a broken process, not a render */
    static Answer readAnswer(DataInputStream in, int limit) throws IOException {
        int kind = in.readByte();
        return switch (kind) {
            case 0 -> new Rendered(new String(bytes(in, limit), StandardCharsets.UTF_8));
            case 1 -> new Refused(new String(bytes(in, limit), StandardCharsets.UTF_8));
            case 2 -> new TooLarge(in.readLong());
            default -> throw new IOException("an answer of unknown kind " + kind);
        };
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(DataInputStream in, int limit) throws IOException {
        return new String(bytes(in, limit), StandardCharsets.UTF_8);
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] bytes(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IOException("a field of " + n + " bytes (the limit is " + limit + ")");
        }
        return in.readNBytes(n);
    }
}
