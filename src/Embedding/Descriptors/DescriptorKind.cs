namespace ImageSearch.Embedding.Descriptors;

/// <summary>How the last convolutional block's feature map becomes one vector.</summary>
public enum DescriptorKind
{
    /// <summary>Global average pooling: the mean of each channel (what the shipped ResNet18 ends with).</summary>
    Gap,

    /// <summary>Generalised mean pooling, (mean of x^p)^(1/p) per channel: p = 1 is the average, large p tends to the maximum.</summary>
    Gem,

    /// <summary>Regional maximum activations of convolutions: max-pooled square regions at 3 scales, each normalised, summed.</summary>
    Rmac,
}
