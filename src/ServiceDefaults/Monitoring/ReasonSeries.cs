using ImageSearch.Contracts;
using Prometheus;

namespace ImageSearch.ServiceDefaults.Monitoring;

/// <summary>Counters labelled by dead-letter reason.</summary>
public static class ReasonSeries
{
    /// <summary>
    /// Creates one series per <see cref="DeadLetterReason"/> at 0, so that /metrics lists them before the first failure
    /// and Prometheus's rate() sees the first increase instead of a series appearing out of nowhere.
    /// </summary>
    public static void StartAtZero(Counter counter)
    {
        foreach (var reason in Enum.GetValues<DeadLetterReason>())
            counter.WithLabels(reason.ToString());
    }
}
