namespace ImageSearch.Embedding;

/// <summary>
/// Told which image <see cref="ImageEmbedder.EmbedFilesOneAtATimeAsync"/> has in hand (read, decode, preprocess), so that a
/// process killed by native code leaves behind which image killed it. Calls come one image at a time.
/// </summary>
public interface IPreparationTracker
{
    /// <param name="index">The image's position in the call's list.</param>
    void Preparing(int index);

    /// <summary>The image is done with, successfully or not.</summary>
    void Prepared(int index);
}
