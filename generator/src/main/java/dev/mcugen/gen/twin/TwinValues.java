package dev.mcugen.gen.twin;

import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.expr.BooleanLiteralExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.LongLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.NullLiteralExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.utils.StringEscapeUtils;
import dev.mcugen.ir.Shape;
import dev.mcugen.ir.quant.IntTensor;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Java expressions that rebuild the simulator's record values (a quantized node with its weights,
 * rescales and types) in the twin: {@code new QFullyConnected("dense", ..., IntTensor.of(Shape.of(16, 4), 8,
 * i8("...")), ...)}. Record components of type float or double are left out (the twin's records
 * have none, see {@link KernelSources}). Integer arrays longer than {@link #INLINE} travel as Base64
 * strings of their little-endian bytes in the narrowest width that holds them, cut into string
 * constants of at most {@link #CHUNK} characters, decoded once when the class is loaded: the class
 * file limits a method to 64 KiB of code and a string constant to 65535 bytes, and an array
 * initializer costs several bytes of code per element.
 */
final class TwinValues {
    /** Arrays up to this length are written out as literals. */
    static final int INLINE = 32;
    /** Characters per string constant (a multiple of 4: every chunk decodes alone). */
    static final int CHUNK = 60000;

    private TwinValues() {
    }

    /** The expression for {@code value}. */
    static Expression of(Object value) {
        if (value == null) {
            return new NullLiteralExpr();
        }
        if (value instanceof String s) {
            return new StringLiteralExpr(StringEscapeUtils.escapeJava(s));
        }
        if (value instanceof Integer i) {
            return intLit(i);
        }
        if (value instanceof Long l) {
            return new LongLiteralExpr(l + "L");
        }
        if (value instanceof Boolean b) {
            return new BooleanLiteralExpr(b);
        }
        if (value instanceof Enum<?> e) {
            return new FieldAccessExpr(typeExpr(e.getDeclaringClass()), e.name());
        }
        if (value instanceof Shape s) {
            return call("Shape", "of", ints(s.toArray()));
        }
        if (value instanceof IntTensor t) {
            NodeList<Expression> args = new NodeList<>(of(t.shape()), intLit(t.bits()));
            if (t.bits() == 64) {
                args.add(longs(t.toArray()));
            } else {
                args.add(intArray(t.toIntArray(), t.bits()));
            }
            return new MethodCallExpr(new NameExpr("IntTensor"), "of", args);
        }
        if (value instanceof int[] a) {
            return intArray(a, widthOf(a));
        }
        if (value instanceof long[] a) {
            return longs(a);
        }
        if (value instanceof List<?> l) {
            NodeList<Expression> items = new NodeList<>();
            l.forEach(x -> items.add(of(x)));
            return new MethodCallExpr(new NameExpr("List"), "of", items);
        }
        if (value instanceof Optional<?> o) {
            return o.isPresent() ? new MethodCallExpr(new NameExpr("Optional"), "of", new NodeList<>(of(o.get())))
                    : new MethodCallExpr(new NameExpr("Optional"), "empty");
        }
        Class<?> c = value.getClass();
        if (c.isRecord()) {
            NodeList<Expression> args = new NodeList<>();
            for (RecordComponent rc : c.getRecordComponents()) {
                Class<?> t = rc.getType();
                if (t == double.class || t == float.class || t == Double.class || t == Float.class) {
                    continue;
                }
                try {
                    rc.getAccessor().setAccessible(true);
                    args.add(of(rc.getAccessor().invoke(value)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + c.getSimpleName() + "." + rc.getName(), e);
                }
            }
            return new ObjectCreationExpr(null, (ClassOrInterfaceType) typeOf(c), args);
        }
        // A singleton (e.g. an activation implementation's INSTANCE): named by its constant.
        for (Field f : c.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) && Modifier.isFinal(m) && Modifier.isPublic(m) && f.getType().isAssignableFrom(c)) {
                try {
                    if (f.get(null) == value) {
                        return new FieldAccessExpr(typeExpr(c), f.getName());
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalArgumentException("the Java twin cannot write a " + c.getName());
    }

    private static Expression intLit(int v) {
        return new IntegerLiteralExpr(Integer.toString(v));
    }

    private static MethodCallExpr call(String type, String method, NodeList<Expression> args) {
        return new MethodCallExpr(new NameExpr(type), method, args);
    }

    private static NodeList<Expression> ints(int[] a) {
        NodeList<Expression> l = new NodeList<>();
        for (int v : a) {
            l.add(intLit(v));
        }
        return l;
    }

    /** The narrowest of 8, 16 and 32 bits holding every value. */
    private static int widthOf(int[] a) {
        int w = 8;
        for (int v : a) {
            if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
                return 32;
            }
            if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
                w = 16;
            }
        }
        return w;
    }

    private static Expression intArray(int[] a, int bits) {
        if (a.length <= INLINE) {
            return new com.github.javaparser.ast.expr.ArrayCreationExpr(com.github.javaparser.ast.type.PrimitiveType.intType(),
                    new NodeList<>(new com.github.javaparser.ast.ArrayCreationLevel()),
                    new com.github.javaparser.ast.expr.ArrayInitializerExpr(ints(a)));
        }
        byte[] b = new byte[a.length * (bits / 8)];
        int at = 0;
        for (int v : a) {
            for (int k = 0; k < bits / 8; k++) {
                b[at++] = (byte) (v >> (8 * k));
            }
        }
        return new MethodCallExpr(null, "i" + bits, chunks(b));
    }

    private static Expression longs(long[] a) {
        byte[] b = new byte[a.length * 8];
        int at = 0;
        for (long v : a) {
            for (int k = 0; k < 8; k++) {
                b[at++] = (byte) (v >> (8 * k));
            }
        }
        return new MethodCallExpr(null, "i64", chunks(b));
    }

    private static NodeList<Expression> chunks(byte[] b) {
        String s = Base64.getEncoder().encodeToString(b);
        NodeList<Expression> parts = new NodeList<>();
        for (int i = 0; i < s.length(); i += CHUNK) {
            parts.add(new StringLiteralExpr(s.substring(i, Math.min(s.length(), i + CHUNK))));
        }
        if (parts.isEmpty()) {
            parts.add(new StringLiteralExpr(""));
        }
        return parts;
    }

    /** The twin's name of a (possibly nested) simulator type: {@code QActivation.Impl}. */
    static String simpleChain(Class<?> c) {
        List<String> names = new ArrayList<>();
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            names.add(0, k.getSimpleName());
        }
        return String.join(".", names);
    }

    private static Expression typeExpr(Class<?> c) {
        Expression e = null;
        for (String part : simpleChain(c).split("\\.")) {
            e = e == null ? new NameExpr(part) : new FieldAccessExpr(e, part);
        }
        return e;
    }

    static com.github.javaparser.ast.type.Type typeOf(Class<?> c) {
        ClassOrInterfaceType t = null;
        for (String part : simpleChain(c).split("\\.")) {
            t = new ClassOrInterfaceType(t, part);
        }
        return t;
    }
}
