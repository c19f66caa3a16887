namespace ImageSearch.Embedding.Model;

/// <summary>Colour channel order of the model's input tensor.</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}
