package dev.mcugen.ir.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import dev.mcugen.ir.Diag;
import dev.mcugen.ir.McugenException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The subset of ONNX's protobuf messages the importer reads, decoded straight from the wire format
 * with protobuf-java's {@link CodedInputStream} (field numbers from {@code onnx.proto}; no generated
 * code, no copy of the schema). Unknown fields are skipped as protobuf does; a known field with the
 * wrong wire type, a length past the end of its message, or nesting deeper than {@link #MAX_DEPTH}
 * is {@link Diag#MCG_IMPORT_CORRUPT} naming the file and the field path, e.g.
 * {@code ModelProto.graph.node[3].attribute[1].t.dims}.
 *
 * <p>Memory stays bounded by the file: every length is checked against the bytes left in its
 * enclosing message before anything is allocated from it. Sub-graphs of attributes (If, Loop) are
 * skipped unread, so the reader nests at most six messages deep whatever the file holds.
 */
final class OnnxProto {
    /** Deeper than any valid model the importer reads (model, graph, node, attribute, tensor, entry). */
    static final int MAX_DEPTH = 16;

    record Model(long irVersion, List<OpsetId> opsets, Graph graph) {
    }

    record OpsetId(String domain, long version) {
    }

    record Graph(String name, List<Node> nodes, List<Tensor> initializers, List<ValueInfo> inputs,
                 List<ValueInfo> outputs) {
    }

    record Node(List<String> inputs, List<String> outputs, String name, String opType, String domain,
                List<Attribute> attributes) {
    }

    /** type: AttributeProto.AttributeType (1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, 8 STRINGS, ...). */
    record Attribute(String name, int type, float f, long i, ByteString s, Tensor t, float[] floats, long[] ints,
                     List<ByteString> strings, boolean hasGraph) {
    }

    /**
     * A TensorProto as stored: exactly one of the data sources is normally set. {@code path} is the
     * field path for messages.
     */
    record Tensor(String path, String name, int dataType, long[] dims, ByteString raw, float[] floatData,
                  long[] int32Data, long[] int64Data, double[] doubleData, long[] uint64Data,
                  int stringCount, List<Entry> externalData, int dataLocation) {
    }

    record Entry(String key, String value) {
    }

    /** elemType 0 when the type is not a tensor; dims {@code null} when the shape is absent; -1 = unknown. */
    record ValueInfo(String name, int elemType, long[] dims) {
    }

    private final String file;
    private final CodedInputStream in;
    private final int size;

    private OnnxProto(String file, byte[] bytes) {
        this.file = file;
        this.size = bytes.length;
        this.in = CodedInputStream.newInstance(bytes);
    }

    static Model parseModel(String file, byte[] bytes) {
        return new OnnxProto(file, bytes).model();
    }

    /** A lone TensorProto (the conformance tests' {@code input_0.pb}). */
    static Tensor parseTensor(String file, byte[] bytes) {
        OnnxProto p = new OnnxProto(file, bytes);
        try {
            return p.tensor("TensorProto", 0);
        } catch (IOException e) {
            throw p.corrupt("TensorProto", e);
        }
    }

    private Model model() {
        String path = "ModelProto";
        long irVersion = 0;
        List<OpsetId> opsets = new ArrayList<>();
        Graph graph = null;
        try {
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> irVersion = varint(tag, path + ".ir_version");
                    case 7 -> {
                        int limit = enter(tag, path + ".graph", 1);
                        graph = graph(path + ".graph", 1);
                        in.popLimit(limit);
                    }
                    case 8 -> {
                        String p = path + ".opset_import[" + opsets.size() + "]";
                        int limit = enter(tag, p, 1);
                        opsets.add(opset(p));
                        in.popLimit(limit);
                    }
                    default -> skip(tag, path);
                }
            }
        } catch (IOException e) {
            throw corrupt(path, e);
        }
        if (graph == null) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, "ModelProto has no graph (field 7)");
        }
        return new Model(irVersion, opsets, graph);
    }

    private OpsetId opset(String path) throws IOException {
        String domain = "";
        long version = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> domain = string(tag, path + ".domain");
                case 2 -> version = varint(tag, path + ".version");
                default -> skip(tag, path);
            }
        }
        return new OpsetId(domain, version);
    }

    private Graph graph(String path, int depth) throws IOException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<Tensor> inits = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case 1 -> {
                    String p = path + ".node[" + nodes.size() + "]";
                    int limit = enter(tag, p, depth + 1);
                    nodes.add(node(p, depth + 1));
                    in.popLimit(limit);
                }
                case 2 -> name = string(tag, path + ".name");
                case 5 -> {
                    String p = path + ".initializer[" + inits.size() + "]";
                    int limit = enter(tag, p, depth + 1);
                    inits.add(tensor(p, depth + 1));
                    in.popLimit(limit);
                }
                case 11, 12 -> {
                    List<ValueInfo> list = field == 11 ? inputs : outputs;
                    String p = path + (field == 11 ? ".input[" : ".output[") + list.size() + "]";
                    int limit = enter(tag, p, depth + 1);
                    list.add(valueInfo(p, depth + 1));
                    in.popLimit(limit);
                }
                default -> skip(tag, path);
            }
        }
        return new Graph(name, nodes, inits, inputs, outputs);
    }

    private Node node(String path, int depth) throws IOException {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        String name = "";
        String opType = "";
        String domain = "";
        List<Attribute> attrs = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> inputs.add(string(tag, path + ".input"));
                case 2 -> outputs.add(string(tag, path + ".output"));
                case 3 -> name = string(tag, path + ".name");
                case 4 -> opType = string(tag, path + ".op_type");
                case 7 -> domain = string(tag, path + ".domain");
                case 5 -> {
                    String p = path + ".attribute[" + attrs.size() + "]";
                    int limit = enter(tag, p, depth + 1);
                    attrs.add(attribute(p, depth + 1));
                    in.popLimit(limit);
                }
                default -> skip(tag, path);
            }
        }
        return new Node(inputs, outputs, name, opType, domain, attrs);
    }

    private Attribute attribute(String path, int depth) throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        ByteString s = ByteString.EMPTY;
        Tensor t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<ByteString> strings = new ArrayList<>();
        boolean hasGraph = false;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = string(tag, path + ".name");
                case 20 -> type = (int) varint(tag, path + ".type");
                case 2 -> f = fixed32(tag, path + ".f");
                case 3 -> i = varint(tag, path + ".i");
                case 4 -> s = bytes(tag, path + ".s");
                case 5 -> {
                    int limit = enter(tag, path + ".t", depth + 1);
                    t = tensor(path + ".t", depth + 1);
                    in.popLimit(limit);
                }
                case 6, 11 -> {
                    // Sub-graphs (If, Loop, Scan) are never imported: their nodes are refused by op type.
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, path + ".g");
                    hasGraph = true;
                    in.skipField(tag);
                }
                case 7 -> packedFloats(tag, path + ".floats", floats);
                case 8 -> packedVarints(tag, path + ".ints", ints);
                case 9 -> strings.add(bytes(tag, path + ".strings"));
                default -> skip(tag, path);
            }
        }
        return new Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray(), strings, hasGraph);
    }

    private Tensor tensor(String path, int depth) throws IOException {
        LongList dims = new LongList();
        int dataType = 0;
        String name = "";
        ByteString raw = null;
        FloatList floats = null;
        LongList int32 = null;
        LongList int64 = null;
        DoubleList doubles = null;
        LongList uint64 = null;
        int strings = 0;
        List<Entry> external = new ArrayList<>();
        int location = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> packedVarints(tag, path + ".dims", dims);
                case 2 -> dataType = (int) varint(tag, path + ".data_type");
                case 4 -> packedFloats(tag, path + ".float_data", floats = floats == null ? new FloatList() : floats);
                case 5 -> packedVarints(tag, path + ".int32_data", int32 = int32 == null ? new LongList() : int32);
                case 6 -> {
                    bytes(tag, path + ".string_data");
                    strings++;
                }
                case 7 -> packedVarints(tag, path + ".int64_data", int64 = int64 == null ? new LongList() : int64);
                case 8 -> name = string(tag, path + ".name");
                case 9 -> raw = bytes(tag, path + ".raw_data");
                case 10 -> packedDoubles(tag, path + ".double_data", doubles = doubles == null ? new DoubleList() : doubles);
                case 11 -> packedVarints(tag, path + ".uint64_data", uint64 = uint64 == null ? new LongList() : uint64);
                case 13 -> {
                    String p = path + ".external_data[" + external.size() + "]";
                    int limit = enter(tag, p, depth + 1);
                    external.add(entry(p));
                    in.popLimit(limit);
                }
                case 14 -> location = (int) varint(tag, path + ".data_location");
                default -> skip(tag, path);
            }
        }
        return new Tensor(path, name, dataType, dims.toArray(), raw, floats == null ? null : floats.toArray(),
                int32 == null ? null : int32.toArray(), int64 == null ? null : int64.toArray(),
                doubles == null ? null : doubles.toArray(), uint64 == null ? null : uint64.toArray(), strings,
                external, location);
    }

    private Entry entry(String path) throws IOException {
        String key = "";
        String value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> key = string(tag, path + ".key");
                case 2 -> value = string(tag, path + ".value");
                default -> skip(tag, path);
            }
        }
        return new Entry(key, value);
    }

    private ValueInfo valueInfo(String path, int depth) throws IOException {
        String name = "";
        int elemType = 0;
        long[] dims = null;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = string(tag, path + ".name");
                case 2 -> {
                    // TypeProto: only tensor_type (1) is read; sequences, maps... leave elemType 0.
                    int limit = enter(tag, path + ".type", depth + 1);
                    for (int t = in.readTag(); t != 0; t = in.readTag()) {
                        if (WireFormat.getTagFieldNumber(t) == 1) {
                            String p = path + ".type.tensor_type";
                            int lim2 = enter(t, p, depth + 2);
                            for (int u = in.readTag(); u != 0; u = in.readTag()) {
                                int fu = WireFormat.getTagFieldNumber(u);
                                if (fu == 1) {
                                    elemType = (int) varint(u, p + ".elem_type");
                                } else if (fu == 2) {
                                    int lim3 = enter(u, p + ".shape", depth + 3);
                                    dims = shape(p + ".shape", depth + 3);
                                    in.popLimit(lim3);
                                } else {
                                    skip(u, p);
                                }
                            }
                            in.popLimit(lim2);
                        } else {
                            skip(t, path + ".type");
                        }
                    }
                    in.popLimit(limit);
                }
                default -> skip(tag, path);
            }
        }
        return new ValueInfo(name, elemType, dims);
    }

    private long[] shape(String path, int depth) throws IOException {
        LongList dims = new LongList();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) != 1) {
                skip(tag, path);
                continue;
            }
            String p = path + ".dim[" + dims.size() + "]";
            int limit = enter(tag, p, depth + 1);
            long value = -1;
            for (int t = in.readTag(); t != 0; t = in.readTag()) {
                if (WireFormat.getTagFieldNumber(t) == 1) {
                    value = varint(t, p + ".dim_value");
                } else {
                    skip(t, p);
                }
            }
            in.popLimit(limit);
            dims.add(value < 0 ? -1 : value);
        }
        return dims.toArray();
    }

    // --- wire-level helpers -----------------------------------------------------------------

    /** Reads a length-delimited sub-message header and limits the stream to it. */
    private int enter(int tag, String path, int depth) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, path);
        if (depth > MAX_DEPTH) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file,
                    path + " is nested deeper than " + MAX_DEPTH + " messages");
        }
        int len = length(path);
        return in.pushLimit(len);
    }

    /** A length prefix, checked against the bytes left in the enclosing message. */
    private int length(String path) throws IOException {
        long len = in.readRawVarint64();
        int left = in.getBytesUntilLimit();
        if (left < 0) {
            left = size - in.getTotalBytesRead();
        }
        if (len < 0 || len > left) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, path + " claims " + Long.toUnsignedString(len)
                    + " bytes but only " + left + " are left");
        }
        return (int) len;
    }

    private void expect(int tag, int wireType, String path) {
        if (WireFormat.getTagWireType(tag) != wireType) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, path + " has wire type "
                    + WireFormat.getTagWireType(tag) + " where onnx.proto needs " + wireType);
        }
    }

    private long varint(int tag, String path) throws IOException {
        expect(tag, WireFormat.WIRETYPE_VARINT, path);
        return in.readRawVarint64();
    }

    private float fixed32(int tag, String path) throws IOException {
        expect(tag, WireFormat.WIRETYPE_FIXED32, path);
        return in.readFloat();
    }

    private ByteString bytes(int tag, String path) throws IOException {
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, path);
        int len = length(path);
        // The length was checked against the bytes left, so this copies at most the file's size once.
        return UnsafeByteOperations.unsafeWrap(in.readRawBytes(len));
    }

    private String string(int tag, String path) throws IOException {
        return bytes(tag, path).toStringUtf8();
    }

    private void packedVarints(int tag, String path, LongList out) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
            out.add(in.readRawVarint64());
            return;
        }
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, path);
        int limit = in.pushLimit(length(path));
        while (in.getBytesUntilLimit() > 0) {
            out.add(in.readRawVarint64());
        }
        in.popLimit(limit);
    }

    private void packedFloats(int tag, String path, FloatList out) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED32) {
            out.add(in.readFloat());
            return;
        }
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, path);
        int len = length(path);
        if (len % 4 != 0) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, path + " holds " + len + " bytes, not a multiple of 4");
        }
        int limit = in.pushLimit(len);
        out.reserve(len / 4);
        while (in.getBytesUntilLimit() > 0) {
            out.add(in.readFloat());
        }
        in.popLimit(limit);
    }

    private void packedDoubles(int tag, String path, DoubleList out) throws IOException {
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_FIXED64) {
            out.add(in.readDouble());
            return;
        }
        expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, path);
        int len = length(path);
        if (len % 8 != 0) {
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, path + " holds " + len + " bytes, not a multiple of 8");
        }
        int limit = in.pushLimit(len);
        while (in.getBytesUntilLimit() > 0) {
            out.add(in.readDouble());
        }
        in.popLimit(limit);
    }

    private void skip(int tag, String path) throws IOException {
        int wt = WireFormat.getTagWireType(tag);
        if (wt == WireFormat.WIRETYPE_START_GROUP || wt == WireFormat.WIRETYPE_END_GROUP || wt > 5) {
            // onnx.proto has no groups: a group or wire type 6/7 is a broken file, not an old feature.
            throw new McugenException(Diag.MCG_IMPORT_CORRUPT, file, path + " field "
                    + WireFormat.getTagFieldNumber(tag) + " has wire type " + wt + ", which onnx.proto never uses");
        }
        if (wt == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
            in.skipRawBytes(length(path + " field " + WireFormat.getTagFieldNumber(tag)));
            return;
        }
        in.skipField(tag);
    }

    private McugenException corrupt(String path, IOException e) {
        String why = e instanceof InvalidProtocolBufferException ? e.getMessage() : e.toString();
        return new McugenException(Diag.MCG_IMPORT_CORRUPT, file, "not a valid " + path + " at byte "
                + in.getTotalBytesRead() + ": " + firstLine(why));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // --- growable primitive lists: sized by what the file holds, never by a declared count -------

    static final class LongList {
        private long[] a = new long[8];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    static final class FloatList {
        private float[] a = new float[8];
        private int n;

        /** Room for {@code more} values whose bytes the enclosing limit already holds. */
        void reserve(int more) {
            if (n + more > a.length) {
                a = Arrays.copyOf(a, n + more);
            }
        }

        void add(float v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    static final class DoubleList {
        private double[] a = new double[8];
        private int n;

        void add(double v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
