using OpenCvSharp;

namespace ImageSearch.Evaluation.NearDuplicates;

/// <summary>
/// Writes edited copies of photos into a folder. Copy j carries edit j mod (number of edits), so every edit gets the same
/// share; each edit goes through its own seeded shuffle of the photos, so an edit reaches every photo once before any
/// twice, and different edits land on different photos. Copy j draws its parameters from its own generator seeded with
/// (seed, j): the bytes depend on the seed alone, not on the order in which copies are written.
/// </summary>
public static class NearDuplicateGenerator
{
    public static IReadOnlyList<NearDuplicateCopy> Generate(
        IReadOnlyList<string> photos, string folder, int copies, int seed, IReadOnlyList<ImageEdit>? edits = null, CancellationToken cancellationToken = default)
    {
        edits ??= Enum.GetValues<ImageEdit>();
        if (photos.Count == 0)
            throw new ArgumentException("no photos to copy", nameof(photos));
        if (edits.Count == 0)
            throw new ArgumentException("no edits", nameof(edits));
        ArgumentOutOfRangeException.ThrowIfNegative(copies);
        var shuffler = new Random(seed);
        var orders = edits.Select(_ => Shuffled(photos.Count, shuffler)).ToArray();
        var plan = Enumerable.Range(0, copies).Select(j =>
        {
            var (round, kind) = Math.DivRem(j, edits.Count);
            var original = photos[orders[kind][round % photos.Count]];
            var name = $"{j:D5}_{System.IO.Path.GetFileNameWithoutExtension(original)}.jpg";
            return new NearDuplicateCopy(System.IO.Path.Combine(folder, edits[kind].ToString(), name), original, edits[kind]);
        }).ToList();
        foreach (var edit in edits.Distinct())
            Directory.CreateDirectory(System.IO.Path.Combine(folder, edit.ToString()));
        Parallel.For(0, plan.Count, new ParallelOptions { CancellationToken = cancellationToken }, j =>
        {
            using var photo = Cv2.ImRead(plan[j].Original, ImreadModes.Color);
            if (photo.Empty())
                throw new InvalidDataException($"cannot decode {plan[j].Original}");
            File.WriteAllBytes(plan[j].Path, NearDuplicateEditor.Encode(photo, plan[j].Edit, new Random(CopySeed(seed, j))));
        });
        return plan;
    }

    private static int[] Shuffled(int count, Random random)
    {
        var order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        return order;
    }

    private static int CopySeed(int seed, int copy) => unchecked(seed * 1_000_003 + copy);
}
