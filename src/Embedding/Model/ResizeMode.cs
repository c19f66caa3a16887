namespace ImageSearch.Embedding.Model;

/// <summary>How an image is brought to the model's input size.</summary>
public enum ResizeMode
{
    /// <summary>Scale so the image covers the input, keeping its aspect ratio, then cut the centre out.</summary>
    ShorterSideCenterCrop,
    /// <summary>Scale each axis independently to the input size; nothing is cut, shapes are distorted.</summary>
    Stretch,
}
