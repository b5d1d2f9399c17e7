package dev.mcugen.ir.fixed;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the caller's firmware stores a model input or output: a signed integer of {@code bits} bits
 * whose value {@code v} means the real number {@code v * num / den}. Spelled on the command line
 * ({@link #parse}) as
 * <ul>
 *   <li>{@code q7}, {@code q15}, {@code q31}: int8 / int16 / int32 with 7 / 15 / 31 fractional bits
 *       (real = v / 2^n, the usual Q formats of DSP libraries);</li>
 *   <li>{@code q<m>.<n>}: 1 + m + n bits (8, 16 or 32), n fractional bits, e.g. {@code q3.12};</li>
 *   <li>{@code int8|int16|int32:frac=<n>}: n fractional bits, -31 &lt;= n &lt;= 62 (a negative n: v
 *       counts steps of 2^-n);</li>
 *   <li>{@code int8|int16|int32:scale=<s>}: real = v * s, with s a positive decimal ({@code 0.001})
 *       or fraction ({@code 1/1000}), e.g. an accelerometer in milli-g: {@code int16:scale=1/1000}.</li>
 * </ul>
 *
 * @param bits     container width: 8, 16 or 32
 * @param num      the scale's numerator (positive)
 * @param den      the scale's denominator (positive)
 * @param spelling the option as typed, normalised, for comments
 */
public record IoFormat(int bits, BigInteger num, BigInteger den, String spelling) {
    private static final Pattern Q = Pattern.compile("q(\\d+)(?:\\.(\\d+))?");
    private static final Pattern INT = Pattern.compile("int(8|16|32):(frac|scale)=(.+)");
    private static final Pattern FRACTION = Pattern.compile("(\\d+)/(\\d+)");

    public IoFormat {
        if (bits != 8 && bits != 16 && bits != 32) {
            throw new IllegalArgumentException("bits " + bits);
        }
        if (num.signum() <= 0 || den.signum() <= 0) {
            throw new IllegalArgumentException("scale " + num + "/" + den);
        }
        BigInteger gcd = num.gcd(den);
        num = num.divide(gcd);
        den = den.divide(gcd);
    }

    /** The C type of the container. */
    public String ctype() {
        return "int" + bits + "_t";
    }

    /** The container's smallest value. */
    public long min() {
        return -(1L << (bits - 1));
    }

    /** The container's largest value. */
    public long max() {
        return (1L << (bits - 1)) - 1;
    }

    /** What a value means, for a comment: "real = v / 2^7", "real = v * 1/1000". */
    public String meaning() {
        if (num.equals(BigInteger.ONE) && den.bitCount() == 1) {
            return "real = v / 2^" + den.getLowestSetBit();
        }
        if (den.equals(BigInteger.ONE) && num.bitCount() == 1) {
            return "real = v * 2^" + num.getLowestSetBit();
        }
        return "real = v * " + num + (den.equals(BigInteger.ONE) ? "" : "/" + den);
    }

    /**
     * Parses a format as typed; throws {@link IllegalArgumentException} with a one-line reason
     * (the caller adds the option's name).
     */
    public static IoFormat parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        Matcher q = Q.matcher(s);
        if (q.matches()) {
            int m;
            int n;
            if (q.group(2) == null) {
                n = Integer.parseInt(q.group(1).length() > 3 ? "999" : q.group(1));
                m = 0;
            } else {
                m = Integer.parseInt(q.group(1).length() > 3 ? "999" : q.group(1));
                n = Integer.parseInt(q.group(2).length() > 3 ? "999" : q.group(2));
            }
            int bits = 1 + m + n;
            if (bits != 8 && bits != 16 && bits != 32) {
                throw new IllegalArgumentException("'" + text + "' has " + bits + " bits (sign + " + m + " integer + " + n
                        + " fractional); a container has 8, 16 or 32 (q7, q15, q31, q3.12, q0.15...)");
            }
            return new IoFormat(bits, BigInteger.ONE, BigInteger.TWO.pow(n), s);
        }
        Matcher i = INT.matcher(s);
        if (i.matches()) {
            int bits = Integer.parseInt(i.group(1));
            String v = i.group(3);
            if (i.group(2).equals("frac")) {
                int n;
                try {
                    n = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + text + "': frac= takes a whole number of fractional bits");
                }
                if (n < -31 || n > 62) {
                    throw new IllegalArgumentException("'" + text + "': frac= is between -31 and 62");
                }
                return n >= 0 ? new IoFormat(bits, BigInteger.ONE, BigInteger.TWO.pow(n), s)
                        : new IoFormat(bits, BigInteger.TWO.pow(-n), BigInteger.ONE, s);
            }
            Matcher f = FRACTION.matcher(v);
            BigInteger num;
            BigInteger den;
            if (f.matches() && f.group(1).length() <= 18 && f.group(2).length() <= 18) {
                num = new BigInteger(f.group(1));
                den = new BigInteger(f.group(2));
            } else {
                BigDecimal d;
                try {
                    d = v.length() <= 40 ? new BigDecimal(v) : null;
                } catch (NumberFormatException e) {
                    d = null;
                }
                if (d == null || d.scale() > 30 || d.precision() - d.scale() > 18) {
                    throw new IllegalArgumentException("'" + text + "': scale= takes a positive decimal (0.001) or fraction"
                            + " (1/1000)");
                }
                d = d.stripTrailingZeros();
                num = d.scale() > 0 ? d.unscaledValue() : d.toBigIntegerExact();
                den = d.scale() > 0 ? BigInteger.TEN.pow(d.scale()) : BigInteger.ONE;
            }
            if (num.signum() <= 0 || den.signum() <= 0) {
                throw new IllegalArgumentException("'" + text + "': the scale must be positive");
            }
            return new IoFormat(bits, num, den, s);
        }
        throw new IllegalArgumentException("'" + text + "' is not a format: q7, q15, q31, q<m>.<n> (e.g. q3.12),"
                + " int8|int16|int32:frac=<n> or int8|int16|int32:scale=<s> (e.g. int16:scale=1/1000)");
    }
}
