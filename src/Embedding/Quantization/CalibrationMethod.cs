namespace ImageSearch.Embedding.Quantization;

/// <summary>How an activation's calibrated values become its int8 range.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen: nothing clips, but one outlier coarsens every step.</summary>
    MinMax,
    /// <summary>The 0.01 % tails are clipped (the 99.99th percentile of the values seen): finer steps for the bulk.</summary>
    Percentile,
}
