namespace ImageSearch.ServiceDefaults.Monitoring;

/// <summary>The port of <see cref="MonitoringEndpoint"/>, as configured by the process that serves it.</summary>
internal sealed record MonitoringPort(int Value);
