using System.ComponentModel.DataAnnotations;

namespace ImageSearch.ServiceDefaults;

/// <summary>Message bus settings, section <c>Bus</c> (environment: <c>Bus__Host</c>, ...).</summary>
public sealed class BusOptions
{
    public const string Section = "Bus";

    public BusTransport Transport { get; set; } = BusTransport.RabbitMq;

    [Required]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "guest";

    [Required]
    public string Password { get; set; } = "guest";

    /// <summary>
    /// Unacknowledged messages a consumer may hold. Bounded so that memory stays flat whatever the queue depth;
    /// batch consumers raise it to at least their batch size.
    /// </summary>
    [Range(1, 65535)]
    public int PrefetchCount { get; set; } = 32;

    /// <summary>
    /// How long stopping waits for batches in flight. A batch still retrying against an unavailable store is then abandoned
    /// unacknowledged: RabbitMQ hands its messages out again once this process's connection closes.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Declare quorum queues (replicated, for a RabbitMQ cluster) instead of classic durable queues.</summary>
    public bool QuorumQueues { get; set; }

    /// <summary>
    /// With <see cref="QuorumQueues"/>: deliveries of one <c>embed-image</c> message that may end without an acknowledgement
    /// (the embedder holding it died or disconnected) before the broker moves it to <c>embed-image_delivery-limit</c>, whose
    /// messages become dead letters. Every process must use the same value: it is part of the queue's declaration.
    /// </summary>
    [Range(1, 1000)]
    public int DeliveryLimit { get; set; } = 5;

    /// <summary>
    /// MassTransit's usage telemetry (a report sent to its vendor). Off unless turned on here; the environment variable
    /// <c>MASSTRANSIT_USAGE_TELEMETRY</c>, when set, overrides this either way.
    /// </summary>
    public bool UsageTelemetry { get; set; }
}
