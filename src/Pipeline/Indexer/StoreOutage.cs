using ImageSearch.VectorStore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Indexer;

/// <summary>What an ongoing outage looks like: since when, how many failed store calls, the last error.</summary>
public sealed record OutageState(DateTimeOffset Since, long Retries, string LastError, TimeSpan Lasted, bool Alarm);

/// <summary>
/// The indexer's record of store outages, fed by every store call that fails with <see cref="StoreUnavailableException"/>
/// (a batch write or a probe) and every batch that succeeds. It keeps the log to a few lines per outage: a warning when it
/// starts, a summary at most every <see cref="IndexerOptions.OutageLogEvery"/>, an error once it lasts longer than
/// <see cref="IndexerOptions.OutageAlarmAfter"/>, and one line when a write succeeds again; never a stack trace per retry.
/// It also keeps the gauges and answers the readiness check and the backoff.
/// </summary>
public sealed class StoreOutage(IOptions<IndexerOptions> options, TimeProvider time, ILogger<StoreOutage> logger)
{
    private readonly IndexerOptions _options = options.Value;
    private readonly Lock _lock = new();
    private DateTimeOffset? _since;
    private DateTimeOffset _loggedAt;
    private long _retries;
    private string _lastError = "";
    private bool _alarmed;

    /// <summary>The ongoing outage, or null while the store takes writes.</summary>
    public OutageState? Current
    {
        get
        {
            lock (_lock)
            {
                if (_since is not { } since)
                    return null;
                var lasted = time.GetUtcNow() - since;
                return new OutageState(since, _retries, _lastError, lasted, lasted >= _options.OutageAlarmAfter);
            }
        }
    }

    /// <summary>How long to wait before the next try: <see cref="IndexerOptions.RetryMinInterval"/> doubled per failure so far, capped.</summary>
    public TimeSpan NextDelay
    {
        get
        {
            long retries;
            lock (_lock)
                retries = _retries;
            var doublings = (int)Math.Clamp(retries - 1, 0, 30);
            var delay = _options.RetryMinInterval * Math.Pow(2, doublings);
            return delay < _options.RetryMaxInterval ? delay : _options.RetryMaxInterval;
        }
    }

    /// <summary>Records a store call that failed because the store is unavailable.</summary>
    public void Failed(StoreUnavailableException error)
    {
        IndexerMetrics.OutageRetries.Inc();
        lock (_lock)
        {
            var now = time.GetUtcNow();
            _retries++;
            _lastError = error.Message;
            if (_since is not { } since)
            {
                (_since, _loggedAt) = (now, now);
                IndexerMetrics.StoreUp.Set(0);
                logger.LogWarning("Store unavailable: {Error}. Vectors wait in the queue until it answers again", error.Message);
                return;
            }
            var lasted = now - since;
            if (!_alarmed && lasted >= _options.OutageAlarmAfter)
            {
                (_alarmed, _loggedAt) = (true, now);
                IndexerMetrics.OutageAlarm.Set(1);
                logger.LogError("Store unavailable for {Lasted}, longer than Indexer:OutageAlarmAfter ({AlarmAfter}): {Retries} retries, last error: {Error}",
                    Describe(lasted), Describe(_options.OutageAlarmAfter), _retries, error.Message);
            }
            else if (now - _loggedAt >= _options.OutageLogEvery)
            {
                _loggedAt = now;
                logger.LogWarning("Store still unavailable for {Lasted}, {Retries} retries, last error: {Error}", Describe(lasted), _retries, error.Message);
            }
        }
    }

    /// <summary>Records a batch the store took: ends the outage, if there was one.</summary>
    public void Succeeded()
    {
        lock (_lock)
        {
            if (_since is not { } since)
                return;
            logger.LogInformation("Store available again after {Lasted} and {Retries} retries", Describe(time.GetUtcNow() - since), _retries);
            (_since, _retries, _lastError, _alarmed) = (null, 0, "", false);
            IndexerMetrics.StoreUp.Set(1);
            IndexerMetrics.OutageAlarm.Set(0);
        }
    }

    /// <summary>"3m12s", "1h05m", "850ms": short enough for a log line or a health description.</summary>
    public static string Describe(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => $"{duration.TotalMilliseconds:0}ms",
        { TotalMinutes: < 1 } => $"{duration.TotalSeconds:0.#}s",
        { TotalHours: < 1 } => $"{duration.Minutes}m{duration.Seconds:00}s",
        _ => $"{(int)duration.TotalHours}h{duration.Minutes:00}m",
    };
}
