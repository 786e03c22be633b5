package io.driftless.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand, for what {@link java.net.http.HttpClient} will not do: a request from a chosen loopback address
 * (each address is a client of its own for the service's per-client limits), any {@code Host} header, and a stream
 * held open ({@link #open}).
 */
public final class RawHttp {

    /** An answer: its status, its headers (lower-case names), and its body as text. */
    public record Answer(int status, Map<String, List<String>> headers, String body) {

        /** The first value of a header, or null. */
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** Every value of a header (none: empty). */
        public List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    private RawHttp() {
    }

    /**
     * One request on its own connection ({@code Connection: close}) from {@code from}, read to its end.
     *
     * @param headers sent as given; a {@code Host} of {@code 127.0.0.1:port} unless they name one
     * @param body    null for none
     */
    public static Answer send(String from, int port, String method, String path, Map<String, String> headers,
                              byte[] body) throws IOException {
        try (Socket socket = connect(from, port)) {
            socket.setSoTimeout(60_000);
            write(socket, port, method, path, headers, body, true);
            return read(socket.getInputStream());
        }
    }

    /** A GET without a body. */
    public static Answer get(String from, int port, String path, Map<String, String> headers) throws IOException {
        return send(from, port, "GET", path, headers, null);
    }

    /**
     * Sends a request and reads its status line and headers only, leaving the connection open (a Server-Sent Events
     * stream); the caller closes the socket.
     */
    public static Socket open(String from, int port, String path, Map<String, String> headers, int[] status)
            throws IOException {
        Socket socket = connect(from, port);
        socket.setSoTimeout(30_000);
        write(socket, port, "GET", path, headers, null, false);
        status[0] = Integer.parseInt(head(socket.getInputStream()).substring(9, 12));
        return socket;
    }

    private static Socket connect(String from, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return socket;
    }

    private static void write(Socket socket, int port, String method, String path, Map<String, String> headers,
                              byte[] body, boolean close) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        boolean host = headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("host"));
        if (!host) {
            head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        }
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (close) {
            head.append("Connection: close\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            out.write(body);
        }
        out.flush();
    }

    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("the connection closed within the head: " + head);
            }
            head.append((char) c);
        }
        return head.toString();
    }

    private static Answer read(InputStream in) throws IOException {
        String head = head(in);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(lines[i].substring(colon + 1).strip());
            }
        }
        byte[] raw = in.readAllBytes();
        List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
        byte[] body = encoding.stream().anyMatch(e -> e.equalsIgnoreCase("chunked")) ? unchunk(raw) : raw;
        return new Answer(Integer.parseInt(lines[0].substring(9, 12)), headers,
                new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < raw.length) {
            int end = at;
            while (end + 1 < raw.length && !(raw[end] == '\r' && raw[end + 1] == '\n')) {
                end++;
            }
            String size = new String(raw, at, end - at, StandardCharsets.ISO_8859_1).split(";")[0].strip();
            int n = size.isEmpty() ? 0 : Integer.parseInt(size, 16);
            if (n == 0) {
                break;
            }
            at = end + 2;
            out.write(raw, at, Math.min(n, raw.length - at));
            at += n + 2;
        }
        return out.toByteArray();
    }
}
