using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ImageSearch.VectorStore.Milvus;

/// <summary>
/// POSTs JSON to Milvus's REST API v2 and reads the answer with <see cref="MilvusResponseReader"/>. Transient
/// failures (and connection errors, and attempts that time out) are retried with backoff up to
/// <see cref="MilvusStoreOptions.Retries"/> times; then the caller gets <see cref="StoreUnavailableException"/>,
/// logged as an error with how long Milvus has been failing, and waits (the indexer never dead-letters for it).
/// One exception: when every attempt got a 5xx while the server still answers a cheap request, it is this request
/// that fails, not the server, and retrying it for ever would stall the caller: that is a <see cref="MilvusException"/>.
/// </summary>
public sealed class MilvusRestClient
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // model ids like "resnet18+rp128" stay readable in descriptions
        Converters = { new FlexibleInt64Converter(), new JsonStringEnumConverter() },
    };

    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly MilvusStoreOptions _options;
    private long _failingSinceTicks; // UTC ticks of the first failure since Milvus last answered; 0 while it answers

    public MilvusRestClient(HttpClient http, MilvusStoreOptions options, ILogger<MilvusRestClient> logger)
    {
        _http = http;
        _logger = logger;
        _options = options;
        _http.BaseAddress ??= options.Uri;
        _http.Timeout = Timeout.InfiniteTimeSpan; // the pipeline times each attempt
        var headers = _http.DefaultRequestHeaders;
        if (!string.IsNullOrEmpty(options.Token))
            headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        headers.Add("Accept-Type-Allow-Int64", "true");
        headers.Add("Request-Timeout", ((int)Math.Ceiling(options.RequestTimeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture));
        var builder = new ResiliencePipelineBuilder();
        if (options.Retries > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                OnRetry = args =>
                {
                    MarkFailing();
                    _logger.LogWarning("Milvus request failed ({Error}); retry {Attempt} in {DelayMs} ms",
                        args.Outcome.Exception?.Message, args.AttemptNumber + 1, (long)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        _pipeline = builder.AddTimeout(options.RequestTimeout).Build();
    }

    /// <summary>Posts <paramref name="body"/> to <c>/v2/vectordb/{endpoint}</c> and returns <c>data</c> as <typeparamref name="T"/>.</summary>
    public async Task<T> PostAsync<T>(string endpoint, object body, CancellationToken cancellationToken) =>
        (await PostAsync(endpoint, body, cancellationToken)).Deserialize<T>(Json) ?? throw new MilvusException(endpoint, -1, "response has no data");

    public async Task<JsonElement> PostAsync(string endpoint, object body, CancellationToken cancellationToken) =>
        MilvusResponseReader.Data(await SendAsync(endpoint, body, cancellationToken));

    /// <summary>The whole envelope as <typeparamref name="T"/>, for answers with fields beside <c>data</c> (search's <c>topks</c>).</summary>
    internal async Task<T> PostForEnvelopeAsync<T>(string endpoint, object body, CancellationToken cancellationToken) =>
        (await SendAsync(endpoint, body, cancellationToken)).Deserialize<T>(Json) ?? throw new MilvusException(endpoint, -1, "empty response");

    private async Task<JsonElement> SendAsync(string endpoint, object body, CancellationToken cancellationToken)
    {
        try
        {
            var envelope = await _pipeline.ExecuteAsync(async ct => await SendOnceAsync(endpoint, body, ct), cancellationToken);
            MarkAnswering();
            return envelope;
        }
        catch (Exception e) when (e is MilvusException or CollectionNotFoundException)
        {
            MarkAnswering(); // a refusal is an answer
            throw;
        }
        catch (Exception e) when (IsTransient(e))
        {
            if (e is MilvusTransientException { ServerErrorStatus: > 0 } serverError && await ServerAnswersAsync(cancellationToken))
            {
                MarkAnswering();
                throw new MilvusException(endpoint, serverError.ServerErrorStatus,
                    $"HTTP {serverError.ServerErrorStatus} on all {_options.Retries + 1} attempts while the server answers other requests: " +
                    $"this request fails every time, so it is not retried further. Last answer: {e.Message}");
            }
            throw Unavailable(endpoint, e);
        }
    }

    private async Task<JsonElement> SendOnceAsync(string endpoint, object body, CancellationToken cancellationToken)
    {
        using var content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await _http.PostAsync($"v2/vectordb/{endpoint}", content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return MilvusResponseReader.Read(endpoint, response.StatusCode, text);
    }

    /// <summary>One attempt at a cheap request: does the server answer at all (a refusal counts)?</summary>
    private async Task<bool> ServerAnswersAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            await SendOnceAsync("collections/list", new DatabaseRequest(_options.Database), timeout.Token);
            return true;
        }
        catch (Exception e) when (e is MilvusException or CollectionNotFoundException)
        {
            return true;
        }
        catch (Exception e) when (IsTransient(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private StoreUnavailableException Unavailable(string endpoint, Exception last)
    {
        MarkFailing();
        var since = new DateTimeOffset(Interlocked.Read(ref _failingSinceTicks), TimeSpan.Zero);
        var failingFor = DateTimeOffset.UtcNow - since;
        _logger.LogError(
            "Milvus at {Uri} is unavailable: {Endpoint} failed {Attempts} attempts, failing since {Since:u} ({FailingForSeconds:F0} s). " +
            "Callers wait and retry; nothing is dead-lettered for an outage. Last error: {Error}",
            _http.BaseAddress, endpoint, _options.Retries + 1, since, failingFor.TotalSeconds, last.Message);
        return new StoreUnavailableException(
            $"Milvus at {_http.BaseAddress} is unavailable: {endpoint} failed {_options.Retries + 1} attempts " +
            $"(failing since {since:u}, {failingFor.TotalSeconds:F0} s). Last error: {last.Message}", last);
    }

    private void MarkFailing() => Interlocked.CompareExchange(ref _failingSinceTicks, DateTimeOffset.UtcNow.UtcTicks, 0);

    private void MarkAnswering() => Interlocked.Exchange(ref _failingSinceTicks, 0);

    private static bool IsTransient(Exception e) => e is MilvusTransientException or HttpRequestException or TimeoutRejectedException;
}
