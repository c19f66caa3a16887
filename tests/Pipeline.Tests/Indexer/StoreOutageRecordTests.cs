using ImageSearch.Pipeline.Indexer;
using ImageSearch.VectorStore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Tests.Indexer;

/// <summary>
/// <see cref="StoreOutage"/> on a clock the test moves: a few log lines per outage however many retries, the alarm past
/// the threshold (log, readiness Unhealthy), the backoff, and the recovery.
/// </summary>
public sealed class StoreOutageRecordTests
{
    private static readonly IndexerOptions Options = new()
    {
        RetryMinInterval = TimeSpan.FromSeconds(1),
        RetryMaxInterval = TimeSpan.FromSeconds(30),
        OutageLogEvery = TimeSpan.FromMinutes(1),
        OutageAlarmAfter = TimeSpan.FromMinutes(5),
    };

    private readonly ManualClock _clock = new();
    private readonly LogLines _log = new();
    private readonly StoreOutage _outage;

    public StoreOutageRecordTests() => _outage = new StoreOutage(Microsoft.Extensions.Options.Options.Create(Options), _clock, _log);

    [Fact]
    public async Task AnOutageLogsWhenItStartsEveryMinuteWhileItLastsWhenItAlarmsAndWhenItEnds()
    {
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);

        // 400 retries over 6m40s, one a second.
        for (var i = 0; i < 400; i++)
        {
            _outage.Failed(new StoreUnavailableException($"database is locked ({i})"));
            if (i == 190)
            {
                var degraded = await CheckAsync();
                Assert.Equal(HealthStatus.Degraded, degraded.Status);
                Assert.Contains("unavailable for 3m10s (191 retries", degraded.Description);
                Assert.Contains("database is locked (190)", degraded.Description);
            }
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        var alarmed = await CheckAsync();
        _outage.Succeeded();

        Assert.Equal(HealthStatus.Unhealthy, alarmed.Status);
        Assert.Contains("longer than Indexer:OutageAlarmAfter (5m00s)", alarmed.Description);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
        Assert.Null(_outage.Current);
        // A start, summaries at 1, 2, 3 and 4 minutes, the alarm at 5, a summary at 6, the end: never a line per retry.
        Assert.Equal(
            [LogLevel.Warning, LogLevel.Warning, LogLevel.Warning, LogLevel.Warning, LogLevel.Warning, LogLevel.Error, LogLevel.Warning, LogLevel.Information],
            _log.Lines.Select(l => l.Level));
        Assert.Contains("Store still unavailable for 3m00s, 181 retries, last error: database is locked (180)", _log.Lines[3].Message);
        Assert.Contains("Store available again after 6m40s and 400 retries", _log.Lines[^1].Message);
        Assert.All(_log.Lines, l => Assert.Null(l.Exception));
    }

    [Fact]
    public void TheWaitDoublesFromTheMinimumUpToTheMaximumAndStartsOverAfterAnOutage()
    {
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            _outage.Failed(new StoreUnavailableException("down"));
            waits.Add(_outage.NextDelay);
        }
        _outage.Succeeded();
        _outage.Failed(new StoreUnavailableException("down again"));

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], waits.Select(w => w.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(1), _outage.NextDelay);
    }

    private Task<HealthCheckResult> CheckAsync() =>
        new StoreOutageHealthCheck(_outage, Microsoft.Extensions.Options.Options.Create(Options)).CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private sealed class LogLines : ILogger<StoreOutage>
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception), exception));
    }
}
