package dev.mcugen.ir.onnx;

import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import dev.mcugen.ir.Text;
import dev.mcugen.ir.onnx.OnnxGraphConverter.Const;
import dev.mcugen.ir.onnx.OnnxGraphConverter.Val;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Evaluates nodes whose inputs are all constants at import: {@code Constant}, PyTorch's shape
 * arithmetic ({@code Shape}, {@code Gather}, {@code Unsqueeze}, {@code Concat}, {@code Slice},
 * {@code Cast}, {@code Reshape}, {@code Add}/{@code Sub}/{@code Mul}/{@code Div}) and the fills of zero
 * initial states ({@code ConstantOfShape}, {@code Expand}). Results never hold more elements than
 * the converter's budget allows, so a small file cannot make the importer allocate much.
 */
final class ConstantFolder {
    private static final long SYMBOLIC = OnnxGraphConverter.SYMBOLIC;
    private final OnnxGraphConverter cv;

    ConstantFolder(OnnxGraphConverter converter) {
        this.cv = converter;
    }

    /** The value of {@code op} on constant inputs, or null when the op is not one folded here. */
    Const fold(String op, List<Val> in) {
        List<Const> c = new ArrayList<>();
        for (Val v : in) {
            c.add((Const) v);
        }
        switch (op) {
            case "Constant": {
                OnnxProto.Attribute a = cv.current.attributes().isEmpty() ? null : cv.current.attributes().get(0);
                if (a == null) {
                    throw cv.bad("Constant without a value");
                }
                switch (a.name()) {
                    case "value": {
                        if (a.t() == null) {
                            throw cv.bad("Constant value is not a tensor");
                        }
                        OnnxTensors.Data d = OnnxTensors.decode(cv.file, cv.dir, a.t());
                        return new Const(d.dataType(), d.dims(), d.f(), d.i());
                    }
                    case "value_float":
                        return new Const(OnnxTensors.FLOAT, new long[0], new double[] {a.f()}, null);
                    case "value_floats":
                        return new Const(OnnxTensors.FLOAT, new long[] {a.floats().length},
                                toDoubles(a.floats()), null);
                    case "value_int":
                        return Const.ints(new long[0], new long[] {a.i()});
                    case "value_ints":
                        return Const.ints(new long[] {a.ints().length}, a.ints().clone());
                    default:
                        throw cv.unsupported("Constant " + Text.clip(a.name(), 30));
                }
            }
            case "Identity":
            case "Dropout":
                return c.get(0);
            case "Cast": {
                Const x = c.get(0);
                int to = (int) cv.attrI("to", 1);
                if (OnnxTensors.isFloatType(to)) {
                    double[] f = new double[x.count()];
                    for (int k = 0; k < f.length; k++) {
                        f[k] = to == OnnxTensors.FLOAT ? (float) x.get(k) : x.get(k);
                    }
                    return new Const(to, x.dims(), f, null);
                }
                long[] i = new long[x.count()];
                for (int k = 0; k < i.length; k++) {
                    i[k] = x.i() != null ? x.i()[k] : (long) x.f()[k];
                }
                return new Const(to, x.dims(), null, i);
            }
            case "Shape": {
                long[] d = c.get(0).dims();
                long start = cv.attrI("start", 0);
                long end = cv.attrI("end", d.length);
                int s0 = (int) Math.max(0, Math.min(d.length, start < 0 ? start + d.length : start));
                int e0 = (int) Math.max(s0, Math.min(d.length, end < 0 ? end + d.length : end));
                long[] out = Arrays.copyOfRange(d, s0, e0);
                return Const.ints(new long[] {out.length}, out);
            }
            case "Gather": {
                Const x = c.get(0);
                Const idx = c.get(1);
                int r = x.dims().length;
                int axis = OnnxGraphConverter.norm(cv.attrI("axis", 0), r, cv);
                if (r != 1 || idx.i() == null) {
                    return null;
                }
                long[] out = new long[idx.count()];
                double[] outF = new double[idx.count()];
                for (int k = 0; k < out.length; k++) {
                    long j = idx.i()[k] < 0 ? idx.i()[k] + x.dims()[axis] : idx.i()[k];
                    if (j < 0 || j >= x.count()) {
                        throw cv.bad("index " + idx.i()[k] + " out of range");
                    }
                    if (x.i() != null) {
                        out[k] = x.i()[(int) j];
                    } else {
                        outF[k] = x.f()[(int) j];
                    }
                }
                return new Const(x.type(), idx.dims(), x.i() != null ? null : outF, x.i() != null ? out : null);
            }
            case "Unsqueeze": {
                Const x = c.get(0);
                long[] axes = cv.axesOf(in, 1);
                if (axes == null) {
                    throw cv.bad("axes are missing");
                }
                int r = x.dims().length + axes.length;
                Set<Integer> add = new HashSet<>();
                for (long a : axes) {
                    add.add(OnnxGraphConverter.norm(a, r, cv));
                }
                long[] d = new long[r];
                int j = 0;
                for (int k = 0; k < r; k++) {
                    d[k] = add.contains(k) ? 1 : x.dims()[j++];
                }
                return new Const(x.type(), d, x.f(), x.i());
            }
            case "Squeeze": {
                Const x = c.get(0);
                long[] axes = cv.axesOf(in, 1);
                List<Long> d = new ArrayList<>();
                Set<Integer> drop = new HashSet<>();
                if (axes != null) {
                    for (long a : axes) {
                        drop.add(OnnxGraphConverter.norm(a, x.dims().length, cv));
                    }
                }
                for (int k = 0; k < x.dims().length; k++) {
                    if (!(drop.contains(k) || axes == null && x.dims()[k] == 1)) {
                        d.add(x.dims()[k]);
                    }
                }
                return new Const(x.type(), d.stream().mapToLong(Long::longValue).toArray(), x.f(), x.i());
            }
            case "Concat": {
                Const x = c.get(0);
                if (x.dims().length != 1) {
                    return null;
                }
                List<Long> iv = new ArrayList<>();
                List<Double> fv = new ArrayList<>();
                for (Const y : c) {
                    if (y.dims().length != 1 || (y.i() == null) != (x.i() == null)) {
                        return null;
                    }
                    for (int k = 0; k < y.count(); k++) {
                        if (x.i() != null) {
                            iv.add(y.i()[k]);
                        } else {
                            fv.add(y.f()[k]);
                        }
                    }
                }
                int n = x.i() != null ? iv.size() : fv.size();
                return new Const(x.type(), new long[] {n}, x.i() != null ? null : fv.stream().mapToDouble(Double::doubleValue).toArray(),
                        x.i() != null ? iv.stream().mapToLong(Long::longValue).toArray() : null);
            }
            case "ConstantOfShape": {
                long[] shape = c.get(0).i();
                long[] d = shape.clone();
                for (int k = 0; k < d.length; k++) {
                    // A batch-sized fill (PyTorch's zero initial state under an open batch axis): the value
                    // is the same everywhere, so one row broadcasts to any batch alike.
                    d[k] = d[k] == SYMBOLIC ? 1 : d[k];
                }
                int n = OnnxTensors.count(cv.file, cv.node() + " shape", d);
                if (n > cv.budget) {
                    throw new McugenException(Diag.MCG_IMPORT_CORRUPT, cv.file, cv.node() + ": fills " + n
                            + " elements, more than a model of this file's size uses");
                }
                OnnxProto.Attribute a = cv.attr("value");
                OnnxTensors.Data v = a == null || a.t() == null ? null : OnnxTensors.decode(cv.file, cv.dir, a.t());
                if (v == null || v.isFloat()) {
                    double[] f = new double[n];
                    Arrays.fill(f, v == null ? 0 : v.f()[0]);
                    return new Const(v == null ? OnnxTensors.FLOAT : v.dataType(), d, f, null);
                }
                long[] i = new long[n];
                Arrays.fill(i, v.i()[0]);
                return new Const(v.dataType(), d, null, i);
            }
            case "Slice": {
                Const x = c.get(0);
                if (x.dims().length != 1) {
                    return sliceNd(x, in);
                }
                long[] starts = cv.ints(in, 1, "starts");
                long[] ends = cv.ints(in, 2, "ends");
                long[] steps = in.size() > 4 && in.get(4) != null ? cv.ints(in, 4, "steps") : null;
                long n = x.count();
                long step = steps == null || steps.length == 0 ? 1 : steps[0];
                if (step != 1 || starts.length != 1 || ends.length != 1) {
                    return null;
                }
                long s = Math.max(0, Math.min(n, starts[0] < 0 ? starts[0] + n : starts[0]));
                long e = Math.max(s, Math.min(n, ends[0] < 0 ? ends[0] + n : ends[0]));
                int len = (int) (e - s);
                return new Const(x.type(), new long[] {len}, x.f() == null ? null : Arrays.copyOfRange(x.f(), (int) s, (int) e),
                        x.i() == null ? null : Arrays.copyOfRange(x.i(), (int) s, (int) e));
            }
            case "Transpose": {
                Const x = c.get(0);
                return transposeConst(x, cv.attrInts("perm"));
            }
            case "Reshape": {
                Const x = c.get(0);
                long[] t = cv.ints(in, 1, "shape").clone();
                int unknown = -1;
                long known = 1;
                for (int k = 0; k < t.length; k++) {
                    if (t[k] == 0 && k < x.dims().length) {
                        t[k] = x.dims()[k];
                    }
                    if (t[k] == -1 && unknown < 0) {
                        unknown = k;
                    } else if (t[k] < 0 || t[k] > Integer.MAX_VALUE) {
                        throw cv.bad("cannot reshape a constant of " + x.count() + " values to " + Arrays.toString(t));
                    } else {
                        known = Math.multiplyHigh(known, t[k]) != 0 ? Long.MAX_VALUE : known * t[k];
                    }
                }
                if (unknown >= 0 && known > 0) {
                    t[unknown] = x.count() / known;
                    known *= t[unknown];
                }
                if (known != x.count()) {
                    throw cv.bad("cannot reshape a constant of " + x.count() + " values to " + Arrays.toString(t));
                }
                return new Const(x.type(), t, x.f(), x.i());
            }
            case "Expand":
                return expand(c.get(0), cv.ints(in, 1, "shape"));
            case "Add":
            case "Sub":
            case "Mul":
            case "Div":
                return arith(op, c.get(0), c.get(1));
            default:
                return null;
        }
    }

    /** numpy broadcasting of a constant to {@code shape} (an open dimension counts as 1). */
    private Const expand(Const x, long[] shape) {
        long[] xd = x.dims();
        int r = Math.max(xd.length, shape.length);
        long[] out = new long[r];
        for (int k = 0; k < r; k++) {
            long a = k - (r - xd.length) >= 0 ? xd[k - (r - xd.length)] : 1;
            long b = k - (r - shape.length) >= 0 ? shape[k - (r - shape.length)] : 1;
            b = b == SYMBOLIC ? 1 : b;
            if (a != b && a != 1 && b != 1) {
                throw cv.bad("cannot expand " + Arrays.toString(xd) + " to " + Arrays.toString(shape));
            }
            out[k] = a == 1 ? b : a;
        }
        int n = OnnxTensors.count(cv.file, cv.node() + " shape", out);
        if (n > cv.budget) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, cv.file, cv.node() + ": expands to " + n
                    + " elements, more than a model of this file's size uses");
        }
        double[] f = x.f() == null ? null : new double[n];
        long[] i = x.i() == null ? null : new long[n];
        int[] idx = new int[r];
        for (int o = 0; o < n; o++) {
            int rem = o;
            for (int k = r - 1; k >= 0; k--) {
                idx[k] = (int) (rem % out[k]);
                rem /= (int) out[k];
            }
            int src = 0;
            for (int k = 0; k < xd.length; k++) {
                int ok = k + r - xd.length;
                src = (int) (src * xd[k] + (xd[k] == 1 ? 0 : idx[ok]));
            }
            if (f != null) {
                f[o] = x.f()[src];
            } else {
                i[o] = x.i()[src];
            }
        }
        return new Const(x.type(), out, f, i);
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int k = 0; k < f.length; k++) {
            d[k] = f[k];
        }
        return d;
    }

    /** Element-wise arithmetic on scalars and same-shape constants (shape arithmetic). */
    private Const arith(String op, Const a, Const b) {
        if (a.count() != b.count() && a.count() != 1 && b.count() != 1) {
            return null;
        }
        Const big = a.count() >= b.count() ? a : b;
        int n = big.count();
        boolean ints = a.i() != null && b.i() != null;
        long[] i = ints ? new long[n] : null;
        double[] f = ints ? null : new double[n];
        for (int k = 0; k < n; k++) {
            double x = a.get(a.count() == 1 ? 0 : k);
            double y = b.get(b.count() == 1 ? 0 : k);
            if (ints) {
                long p = a.i()[a.count() == 1 ? 0 : k];
                long q = b.i()[b.count() == 1 ? 0 : k];
                if (p == SYMBOLIC || q == SYMBOLIC) {
                    throw cv.unsupported(op + " on a dimension the model leaves open");
                }
                i[k] = switch (op) {
                    case "Add" -> p + q;
                    case "Sub" -> p - q;
                    case "Mul" -> p * q;
                    default -> {
                        if (q == 0) {
                            throw cv.bad("divides by zero");
                        }
                        yield Math.floorDiv(p, q);
                    }
                };
            } else {
                double v = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    default -> x / y;
                };
                f[k] = big.type() == OnnxTensors.FLOAT ? (float) v : v;
            }
        }
        return new Const(big.type(), big.dims(), f, i);
    }

    /**
     * ONNX Slice of a constant of any rank, any steps (PyTorch's F.pad reverses its pads with a step
     * of -1 on a [k, 2] constant): per sliced axis the start is clamped to [0, n] ([0, n - 1] for a
     * negative step) and the end to [0, n] ([-1, n - 1]).
     */
    private Const sliceNd(Const x, List<Val> in) {
        long[] starts = cv.ints(in, 1, "starts");
        long[] ends = cv.ints(in, 2, "ends");
        long[] axes = in.size() > 3 && in.get(3) != null ? cv.ints(in, 3, "axes") : null;
        long[] steps = in.size() > 4 && in.get(4) != null ? cv.ints(in, 4, "steps") : null;
        int rank = x.dims().length;
        List<List<Integer>> pick = new ArrayList<>();
        for (int a = 0; a < rank; a++) {
            List<Integer> all = new ArrayList<>();
            for (int k = 0; k < x.dims()[a]; k++) {
                all.add(k);
            }
            pick.add(all);
        }
        for (int k = 0; k < starts.length; k++) {
            int axis = OnnxGraphConverter.norm(axes == null ? k : axes[k], rank, cv);
            long n = x.dims()[axis];
            long step = steps == null ? 1 : steps[k];
            if (step == 0) {
                throw cv.bad("Slice with step 0");
            }
            long st = starts[k] < 0 ? starts[k] + n : starts[k];
            long en = ends[k] < 0 ? ends[k] + n : ends[k];
            List<Integer> idx = new ArrayList<>();
            if (step > 0) {
                st = Math.max(0, Math.min(n, st));
                en = Math.max(0, Math.min(n, en));
                for (long i = st; i < en; i += step) {
                    idx.add((int) i);
                }
            } else {
                st = Math.max(0, Math.min(n - 1, st));
                en = Math.max(-1, Math.min(n - 1, en));
                for (long i = st; i > en; i += step) {
                    idx.add((int) i);
                }
            }
            pick.set(axis, idx);
        }
        return gather(x, pick, null);
    }

    /** Transpose of a constant ({@code perm} null: reversed axes). */
    private Const transposeConst(Const x, long[] perm) {
        int rank = x.dims().length;
        int[] p = new int[rank];
        for (int a = 0; a < rank; a++) {
            p[a] = perm == null ? rank - 1 - a : OnnxGraphConverter.norm(perm[a], rank, cv);
        }
        List<List<Integer>> pick = new ArrayList<>();
        for (int a = 0; a < rank; a++) {
            List<Integer> all = new ArrayList<>();
            for (int k = 0; k < x.dims()[p[a]]; k++) {
                all.add(k);
            }
            pick.add(all);
        }
        return gather(x, pick, p);
    }

    /** The elements of {@code x} at the chosen indices per output axis; output axis a reads input axis perm[a]. */
    private Const gather(Const x, List<List<Integer>> pick, int[] perm) {
        int rank = x.dims().length;
        long[] inStride = new long[rank];
        long size = 1;
        for (int a = rank - 1; a >= 0; a--) {
            inStride[a] = size;
            size *= x.dims()[a];
        }
        long[] outDims = new long[rank];
        long count = 1;
        for (int a = 0; a < rank; a++) {
            outDims[a] = pick.get(a).size();
            count *= outDims[a];
        }
        double[] f = x.f() == null ? null : new double[(int) count];
        long[] iv = x.i() == null ? null : new long[(int) count];
        int[] pos = new int[rank];
        for (int o = 0; o < count; o++) {
            long src = 0;
            for (int a = 0; a < rank; a++) {
                src += pick.get(a).get(pos[a]) * inStride[perm == null ? a : perm[a]];
            }
            if (f != null) {
                f[o] = x.f()[(int) src];
            } else {
                iv[o] = x.i()[(int) src];
            }
            for (int a = rank - 1; a >= 0; a--) {
                if (++pos[a] < outDims[a]) {
                    break;
                }
                pos[a] = 0;
            }
        }
        return new Const(x.type(), outDims, f, iv);
    }
}
