namespace ImageSearch.ServiceDefaults;

/// <summary>Which MassTransit transport carries the pipeline's messages.</summary>
public enum BusTransport
{
    /// <summary>A RabbitMQ broker: durable queues shared by any number of processes.</summary>
    RabbitMq,

    /// <summary>In-process queues: only for the one-process standalone mode (nothing survives a restart).</summary>
    InMemory,
}
