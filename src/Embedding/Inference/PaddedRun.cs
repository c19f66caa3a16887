using System.Numerics;

namespace ImageSearch.Embedding.Inference;

/// <summary>
/// One model run on the CUDA provider, its batch padded to the next power of two (within the room the buffers have), and
/// where its vectors go. ONNX Runtime's CUDA convolutions choose their cuDNN algorithms again whenever a run's batch size
/// differs from the previous run's, not only for a size never seen: on the H200 a run of 256 images took 30 ms after
/// another of 256 and 120-300 ms after one of 244 (groups of 256 and 244 alternated), so the in-process CPU decode path
/// ran at a third of its speed. Padded, the full batches and those a few failed images shortened are one size.
/// </summary>
internal readonly struct PaddedRun
{
    private readonly float[] _output;
    private readonly int _start, _count, _featureLength;

    /// <param name="output">Receives the vectors of images [start, start + count), <paramref name="featureLength"/> floats each.</param>
    /// <param name="room">Images the input (and <paramref name="output"/>) have room for from <paramref name="start"/> on.</param>
    /// <param name="pad">False runs exactly <paramref name="count"/> images (the CPU provider: padding would only cost).</param>
    public PaddedRun(float[] output, int start, int count, int room, int featureLength, bool pad = true)
    {
        (_output, _start, _count, _featureLength) = (output, start, count, featureLength);
        Size = pad ? (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)count), (uint)Math.Max(count, room)) : count;
        Vectors = Size == count ? output.AsMemory(start * featureLength, count * featureLength) : new float[Size * featureLength];
    }

    /// <summary>Images the model runs on: the real ones, then whatever the input holds after them.</summary>
    public int Size { get; }

    /// <summary>A copy of <paramref name="shape"/> (batch first) with the batch set to <see cref="Size"/>.</summary>
    public long[] Shape(long[] shape) => [Size, .. shape.AsSpan(1)];

    /// <summary>Where the model writes the vectors of all <see cref="Size"/> images.</summary>
    public Memory<float> Vectors { get; }

    /// <summary>Copies the real images' vectors into the caller's output, when they were written elsewhere.</summary>
    public void Complete()
    {
        if (Size != _count)
            Vectors[..(_count * _featureLength)].CopyTo(_output.AsMemory(_start * _featureLength));
    }
}
