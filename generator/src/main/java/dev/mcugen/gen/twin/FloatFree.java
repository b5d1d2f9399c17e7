package dev.mcugen.gen.twin;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import com.github.javaparser.ast.type.PrimitiveType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Java twin's float-free check, the counterpart of the C's: the code (comments aside) names no
 * {@code float} or {@code double} type, no floating-point literal, no {@code Float}/{@code Double}
 * class or floating functional interface, and calls none of {@code Math}'s floating-point functions.
 */
public final class FloatFree {
    private static final Set<String> FLOAT_CLASSES = Set.of("Float", "Double", "DoubleUnaryOperator", "DoubleBinaryOperator",
            "DoubleStream", "DoubleSupplier", "DoubleFunction", "ToDoubleFunction", "BigDecimal", "StrictMath");
    private static final Set<String> FLOAT_MATH = Set.of("sqrt", "cbrt", "pow", "exp", "expm1", "log", "log10", "log1p",
            "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "hypot", "floor", "ceil", "rint",
            "round", "signum", "scalb", "getExponent", "ulp", "nextUp", "nextDown", "nextAfter", "copySign", "IEEEremainder",
            "toRadians", "toDegrees", "random", "fma");

    private FloatFree() {
    }

    /** {@link #violations(Node)} of a Java source text (line numbers are the text's). */
    public static List<String> violations(String source) {
        com.github.javaparser.ParseResult<com.github.javaparser.ast.CompilationUnit> r = KernelSources.parser().parse(source);
        if (r.getResult().isEmpty()) {
            return List.of("does not parse: " + r.getProblems());
        }
        return violations(r.getResult().get());
    }

    /** Where {@code code} uses floating point, as short descriptions with line numbers; at most 10. */
    public static List<String> violations(Node code) {
        List<String> hits = new ArrayList<>();
        for (PrimitiveType p : code.findAll(PrimitiveType.class)) {
            if (p.getType() == PrimitiveType.Primitive.FLOAT || p.getType() == PrimitiveType.Primitive.DOUBLE) {
                hits.add(at(p, p.asString()));
            }
        }
        for (DoubleLiteralExpr d : code.findAll(DoubleLiteralExpr.class)) {
            hits.add(at(d, "literal " + d.getValue()));
        }
        for (ClassOrInterfaceType t : code.findAll(ClassOrInterfaceType.class)) {
            if (FLOAT_CLASSES.contains(t.getNameAsString())) {
                hits.add(at(t, t.getNameAsString()));
            }
        }
        for (NameExpr n : code.findAll(NameExpr.class)) {
            if (FLOAT_CLASSES.contains(n.getNameAsString())) {
                hits.add(at(n, n.getNameAsString()));
            }
        }
        for (MethodCallExpr c : code.findAll(MethodCallExpr.class)) {
            boolean math = c.getScope().map(s -> s.toString().equals("Math")).orElse(false);
            if (math && FLOAT_MATH.contains(c.getNameAsString())) {
                hits.add(at(c, "Math." + c.getNameAsString()));
            }
            if (c.getNameAsString().equals("doubleValue") || c.getNameAsString().equals("floatValue")
                    || c.getNameAsString().equals("parseDouble") || c.getNameAsString().equals("parseFloat")) {
                hits.add(at(c, c.getNameAsString()));
            }
        }
        return hits.size() > 10 ? List.copyOf(hits.subList(0, 10)) : List.copyOf(hits);
    }

    private static String at(Node n, String what) {
        return what + n.getRange().map(r -> " (line " + r.begin.line + ")").orElse("");
    }
}
