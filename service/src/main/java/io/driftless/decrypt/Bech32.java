package io.driftless.decrypt;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Bech32 (BIP 173) as age writes its keys: {@code age1...} recipients and {@code AGE-SECRET-KEY-1...} identities,
 * without BIP 173's length limit (age's keys are longer than 90 characters in post-quantum forms).
 */
final class Bech32 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    private Bech32() {
    }

    /** The human-readable part (lower case) and the data bytes. */
    record Decoded(String hrp, byte[] data) {
    }

    /** @throws IllegalArgumentException when the text is not Bech32 (mixed case, bad character or checksum) */
    static Decoded decode(String text) {
        if (!text.equals(text.toLowerCase(Locale.ROOT)) && !text.equals(text.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("mixed case");
        }
        String s = text.toLowerCase(Locale.ROOT);
        int separator = s.lastIndexOf('1');
        if (separator < 1 || separator + 7 > s.length()) {
            throw new IllegalArgumentException("no separator or too short");
        }
        String hrp = s.substring(0, separator);
        int[] values = new int[s.length() - separator - 1];
        for (int i = 0; i < values.length; i++) {
            int v = CHARSET.indexOf(s.charAt(separator + 1 + i));
            if (v < 0) {
                throw new IllegalArgumentException("bad character");
            }
            values[i] = v;
        }
        if (polymod(hrp, values) != 1) {
            throw new IllegalArgumentException("bad checksum");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int acc = 0;
        int bits = 0;
        for (int i = 0; i < values.length - 6; i++) {
            acc = (acc << 5) | values[i];
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out.write((acc >> bits) & 0xff);
            }
        }
        if (bits >= 5 || (acc & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("bad padding");
        }
        return new Decoded(hrp, out.toByteArray());
    }

    /** Lower-case Bech32 of the bytes under the human-readable part. */
    static String encode(String hrp, byte[] data) {
        StringBuilder values = new StringBuilder();
        int acc = 0;
        int bits = 0;
        for (byte b : data) {
            acc = (acc << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                values.append((char) ((acc >> bits) & 31));
            }
        }
        if (bits > 0) {
            values.append((char) ((acc << (5 - bits)) & 31));
        }
        int[] v = new int[values.length() + 6];
        for (int i = 0; i < values.length(); i++) {
            v[i] = values.charAt(i);
        }
        int mod = polymod(hrp, v) ^ 1;
        for (int i = 0; i < 6; i++) {
            v[values.length() + i] = (mod >> (5 * (5 - i))) & 31;
        }
        StringBuilder out = new StringBuilder(hrp).append('1');
        for (int x : v) {
            out.append(CHARSET.charAt(x));
        }
        return out.toString();
    }

    private static int polymod(String hrp, int[] values) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) >> 5);
        }
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) & 31);
        }
        for (int v : values) {
            chk = step(chk, v);
        }
        return chk;
    }

    private static int step(int chk, int value) {
        int top = chk >>> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >> i) & 1) != 0) {
                chk ^= GENERATOR[i];
            }
        }
        return chk;
    }
}
