using Google.Protobuf;

namespace ImageSearch.Embedding.Onnx.Graph;

/// <summary>
/// An ONNX model opened for editing without onnx.proto's generated classes: the main graph's nodes, initializers, inputs,
/// outputs and value_info are objects; every other field (of the model and of each part) is kept and written back as it
/// came. Used to rewrite models at load time (outputs added, precision changed) and by tests that build tiny graphs.
/// </summary>
public sealed class OnnxModel
{
    // Field numbers from onnx.proto (ModelProto, OperatorSetIdProto, GraphProto).
    private const int IrVersion = 1, Graph = 7, OpsetImport = 8, OpsetDomain = 1, OpsetVersion = 2;
    private const int GraphNode = 1, GraphNameField = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;

    private List<RawField> _unknown = [];
    private List<RawField> _unknownInGraph = [];

    public long IrVersionNumber { get; set; } = 8;
    public string GraphName { get; set; } = "graph";
    /// <summary>Operator set version per domain ("" is the default ONNX domain).</summary>
    public Dictionary<string, long> Opsets { get; } = new() { [""] = 13 };
    public List<OnnxNode> Nodes { get; } = [];
    public List<OnnxTensor> Initializers { get; } = [];
    public List<OnnxValueInfo> Inputs { get; } = [];
    public List<OnnxValueInfo> Outputs { get; } = [];
    public List<OnnxValueInfo> ValueInfo { get; } = [];

    public static OnnxModel Load(string path) => Parse(File.ReadAllBytes(path));

    public static OnnxModel Parse(byte[] bytes)
    {
        var model = new OnnxModel();
        model.Opsets.Clear();
        model._unknown = ProtoFields.Read(ByteString.CopyFrom(bytes), (tag, input) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case IrVersion: model.IrVersionNumber = input.ReadInt64(); return true;
                case Graph: model.ReadGraph(input.ReadBytes()); return true;
                case OpsetImport: model.ReadOpset(input.ReadBytes()); return true;
                default: return false;
            }
        });
        return model;
    }

    public byte[] ToBytes() => ProtoFields.Write(o =>
    {
        ProtoFields.WriteInt64(o, IrVersion, IrVersionNumber);
        ProtoFields.WriteMessage(o, Graph, GraphBytes());
        foreach (var (domain, version) in Opsets)
            ProtoFields.WriteMessage(o, OpsetImport, ProtoFields.Write(s =>
            {
                if (domain.Length > 0)
                    ProtoFields.WriteString(s, OpsetDomain, domain);
                ProtoFields.WriteInt64(s, OpsetVersion, version);
            }));
        ProtoFields.WriteRaw(o, _unknown);
    }).ToByteArray();

    public OnnxTensor? Initializer(string name) => Initializers.FirstOrDefault(t => t.TensorName == name);

    /// <summary>The node that produces <paramref name="tensor"/>, if a node does.</summary>
    public OnnxNode? Producer(string tensor) => Nodes.FirstOrDefault(n => n.Outputs.Contains(tensor));

    /// <summary>Every node that reads <paramref name="tensor"/>.</summary>
    public IEnumerable<OnnxNode> Consumers(string tensor) => Nodes.Where(n => n.Inputs.Contains(tensor));

    private void ReadGraph(ByteString graph) => _unknownInGraph = ProtoFields.Read(graph, (tag, input) =>
    {
        switch (WireFormat.GetTagFieldNumber(tag))
        {
            case GraphNode: Nodes.Add(OnnxNode.Parse(input.ReadBytes())); return true;
            case GraphNameField: GraphName = input.ReadString(); return true;
            case GraphInitializer: Initializers.Add(OnnxTensor.Parse(input.ReadBytes())); return true;
            case GraphInput: Inputs.Add(OnnxValueInfo.Parse(input.ReadBytes())); return true;
            case GraphOutput: Outputs.Add(OnnxValueInfo.Parse(input.ReadBytes())); return true;
            case GraphValueInfo: ValueInfo.Add(OnnxValueInfo.Parse(input.ReadBytes())); return true;
            default: return false;
        }
    });

    private void ReadOpset(ByteString opset)
    {
        var (domain, version) = ("", 0L);
        ProtoFields.Read(opset, (tag, input) =>
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case OpsetDomain: domain = input.ReadString(); return true;
                case OpsetVersion: version = input.ReadInt64(); return true;
                default: return false;
            }
        });
        Opsets[domain] = version;
    }

    private ByteString GraphBytes() => ProtoFields.Write(o =>
    {
        foreach (var node in Nodes)
            ProtoFields.WriteMessage(o, GraphNode, node.Serialize());
        ProtoFields.WriteString(o, GraphNameField, GraphName);
        foreach (var tensor in Initializers)
            ProtoFields.WriteMessage(o, GraphInitializer, tensor.Serialize());
        foreach (var (field, values) in new[] { (GraphInput, Inputs), (GraphOutput, Outputs), (GraphValueInfo, ValueInfo) })
            foreach (var value in values)
                ProtoFields.WriteMessage(o, field, value.Serialize());
        ProtoFields.WriteRaw(o, _unknownInGraph);
    });
}
