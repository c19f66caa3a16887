namespace ImageSearch.Embedding.Imaging.Jpeg;

/// <summary>A frame component: its id and sampling factors.</summary>
internal readonly record struct FrameComponent(byte Id, int H, int V);

/// <summary>What a SOFn segment says, and the block geometry that follows from it (JPEG standard A.2).</summary>
internal sealed record JpegFrame(byte Marker, int Width, int Height, FrameComponent[] Components)
{
    public int MaxH { get; } = Components.Max(c => c.H);
    public int MaxV { get; } = Components.Max(c => c.V);

    /// <summary>SOF0 and SOF1: sequential DCT with Huffman coding, whose every symbol the validator decodes.</summary>
    public bool IsSequentialHuffman => Marker is 0xC0 or 0xC1;

    /// <summary>DCT processes (not lossless), where an MCU is made of 8×8 blocks.</summary>
    public bool IsDct => Marker is not (0xC3 or 0xC7 or 0xCB or 0xCF);

    /// <summary>MCUs in a scan of <paramref name="scan"/>'s components, and blocks per MCU of each.</summary>
    public long McuCount(IReadOnlyList<int> scan) =>
        scan.Count == 1
            ? BlocksAcross(Components[scan[0]]) * BlocksDown(Components[scan[0]]) // non-interleaved: one block per MCU
            : (long)Ceiling(Width, 8 * MaxH) * Ceiling(Height, 8 * MaxV);

    /// <summary>Blocks one MCU holds of component <paramref name="index"/>: H×V when interleaved, 1 alone.</summary>
    public int BlocksPerMcu(int index, int componentsInScan) =>
        componentsInScan == 1 ? 1 : Components[index].H * Components[index].V;

    private long BlocksAcross(FrameComponent c) => Ceiling(Ceiling(Width * (long)c.H, MaxH), 8);

    private long BlocksDown(FrameComponent c) => Ceiling(Ceiling(Height * (long)c.V, MaxV), 8);

    private static long Ceiling(long value, long divisor) => (value + divisor - 1) / divisor;
}
