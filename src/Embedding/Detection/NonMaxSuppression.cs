namespace ImageSearch.Embedding.Detection;

/// <summary>
/// Greedy non-maximum suppression across all classes: the best-scored box stays, every box overlapping a kept one by more
/// than the threshold goes. Class-agnostic on purpose: the crop wants the largest object, whatever it is, and two
/// classes guessed for one object (a dog and a cat on the same spot) must not count as two objects.
/// </summary>
public static class NonMaxSuppression
{
    /// <summary>Only this many of the best-scored boxes are compared (each against every kept one), whatever a model emits.</summary>
    public const int MaxCandidates = 3000;

    /// <summary>The boxes kept, best score first.</summary>
    public static List<DetectedBox> Apply(IEnumerable<DetectedBox> boxes, double iouThreshold)
    {
        var kept = new List<DetectedBox>();
        foreach (var box in boxes.OrderByDescending(b => b.Score).Take(MaxCandidates))
            if (kept.TrueForAll(k => k.Iou(box) <= iouThreshold))
                kept.Add(box);
        return kept;
    }
}
