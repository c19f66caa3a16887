using Google.Protobuf;

namespace ImageSearch.Embedding.Onnx.Graph;

/// <summary>One operator of a graph. Attributes are kept as encoded AttributeProtos, with typed readers and factories.</summary>
public sealed class OnnxNode
{
    // Field numbers from onnx.proto (NodeProto).
    private const int Input = 1, Output = 2, Name = 3, OpType = 4, AttributeField = 5, Domain = 7;

    private List<RawField> _unknown = [];

    public OnnxNode(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, string name = "", params OnnxAttribute[] attributes)
    {
        (Op, Inputs, Outputs, NodeName, Attributes) = (opType, inputs.ToList(), outputs.ToList(), name, attributes.ToList());
    }

    public string Op { get; set; }
    public string NodeName { get; set; }
    public string OpDomain { get; set; } = "";
    /// <summary>Input names in order; an empty name is an omitted optional input.</summary>
    public List<string> Inputs { get; }
    public List<string> Outputs { get; }
    public List<OnnxAttribute> Attributes { get; }

    public OnnxAttribute? Attribute(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    internal static OnnxNode Parse(ByteString message)
    {
        var (inputs, outputs, attributes) = (new List<string>(), new List<string>(), new List<OnnxAttribute>());
        var (name, op, domain) = ("", "", "");
        var unknown = ProtoFields.Read(message, (tag, input) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case Input: inputs.Add(input.ReadString()); return true;
                case Output: outputs.Add(input.ReadString()); return true;
                case Name: name = input.ReadString(); return true;
                case OpType: op = input.ReadString(); return true;
                case Domain: domain = input.ReadString(); return true;
                case AttributeField: attributes.Add(OnnxAttribute.Parse(input.ReadBytes())); return true;
                default: return false;
            }
        });
        return new OnnxNode(op, inputs, outputs, name, [.. attributes]) { OpDomain = domain, _unknown = unknown };
    }

    internal ByteString Serialize() => ProtoFields.Write(output =>
    {
        foreach (var input in Inputs)
            ProtoFields.WriteString(output, Input, input);
        foreach (var result in Outputs)
            ProtoFields.WriteString(output, Output, result);
        if (NodeName.Length > 0)
            ProtoFields.WriteString(output, Name, NodeName);
        ProtoFields.WriteString(output, OpType, Op);
        foreach (var attribute in Attributes)
            ProtoFields.WriteMessage(output, AttributeField, attribute.Encoded);
        if (OpDomain.Length > 0)
            ProtoFields.WriteString(output, Domain, OpDomain);
        ProtoFields.WriteRaw(output, _unknown);
    });
}

/// <summary>A node attribute: its name plus the whole encoded AttributeProto, so kinds not modelled here round-trip.</summary>
public sealed class OnnxAttribute
{
    // Field numbers and AttributeType values from onnx.proto (AttributeProto).
    private const int NameField = 1, FloatField = 2, IntField = 3, StringField = 4, TensorField = 5, FloatsField = 7, IntsField = 8, TypeField = 20;
    private const int FloatType = 1, IntType = 2, StringType = 3, TensorType = 4, FloatsType = 6, IntsType = 7;

    private OnnxAttribute(string name, ByteString encoded) => (Name, Encoded) = (name, encoded);

    public string Name { get; }
    internal ByteString Encoded { get; }

    public static OnnxAttribute Int(string name, long value) => Make(name, IntType, o => ProtoFields.WriteInt64(o, IntField, value));

    public static OnnxAttribute Float(string name, float value) => Make(name, FloatType, o =>
    {
        o.WriteTag(FloatField, WireFormat.WireType.Fixed32);
        o.WriteFloat(value);
    });

    public static OnnxAttribute Ints(string name, params long[] values) =>
        Make(name, IntsType, o => Array.ForEach(values, v => ProtoFields.WriteInt64(o, IntsField, v)));

    public static OnnxAttribute Floats(string name, params float[] values) => Make(name, FloatsType, o => Array.ForEach(values, v =>
    {
        o.WriteTag(FloatsField, WireFormat.WireType.Fixed32);
        o.WriteFloat(v);
    }));

    public static OnnxAttribute String(string name, string value) => Make(name, StringType, o => ProtoFields.WriteString(o, StringField, value));

    public static OnnxAttribute Tensor(string name, OnnxTensor value) => Make(name, TensorType, o => ProtoFields.WriteMessage(o, TensorField, value.Serialize()));

    public long? AsInt() => Read(IntField, (_, s) => s.ReadInt64()).Cast<long?>().LastOrDefault();

    public float? AsFloat() => Read(FloatField, (_, s) => s.ReadFloat()).Cast<float?>().LastOrDefault();

    public string? AsString() => Read(StringField, (_, s) => s.ReadString()).LastOrDefault();

    public long[] AsInts() => Read(IntsField, (tag, s) =>
    {
        var values = new List<long>();
        ProtoFields.ReadRepeated(tag, s, i => i.ReadInt64(), values);
        return values;
    }).SelectMany(v => v).ToArray();

    public OnnxTensor? AsTensor() => Read(TensorField, (_, s) => OnnxTensor.Parse(s.ReadBytes())).LastOrDefault();

    internal static OnnxAttribute Parse(ByteString encoded)
    {
        var name = "";
        ProtoFields.Read(encoded, (tag, input) =>
        {
            if (WireFormat.GetTagFieldNumber(tag) != NameField)
                return false;
            name = input.ReadString();
            return true;
        });
        return new OnnxAttribute(name, encoded);
    }

    private static OnnxAttribute Make(string name, int type, Action<CodedOutputStream> value) => new(name, ProtoFields.Write(o =>
    {
        ProtoFields.WriteString(o, NameField, name);
        value(o);
        ProtoFields.WriteInt64(o, TypeField, type);
    }));

    private List<T> Read<T>(int field, Func<uint, CodedInputStream, T> read)
    {
        var found = new List<T>();
        ProtoFields.Read(Encoded, (tag, input) =>
        {
            if (WireFormat.GetTagFieldNumber(tag) != field)
                return false;
            found.Add(read(tag, input));
            return true;
        });
        return found;
    }
}
