namespace ImageSearch.ServiceDefaults.Monitoring;

/// <summary>Tags that decide which health checks an endpoint runs.</summary>
public static class HealthTags
{
    /// <summary>
    /// Checks that must pass before the process takes work (model loaded, bus connected). MassTransit tags its
    /// bus check with the same word, so <c>/health/ready</c> also waits for the broker connection.
    /// </summary>
    public const string Ready = "ready";
}
