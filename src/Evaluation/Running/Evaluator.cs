using System.Diagnostics;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Evaluation.Configurations;
using ImageSearch.Evaluation.Protocols;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Evaluation.Running;

/// <summary>
/// Evaluates configurations side by side: for each one, builds its embedder, embeds every file of every set once (a
/// photo shared by two protocols is embedded once), and scores each set by exact search.
/// </summary>
/// <param name="settings">What every configuration shares (its Embedding section: provider, batch size…); overrides go on top.</param>
public sealed class Evaluator(IConfiguration settings, ILoggerFactory logging)
{
    private readonly ILogger _logger = logging.CreateLogger<Evaluator>();

    public async Task<IReadOnlyList<EvaluationRow>> RunAsync(
        IReadOnlyList<EvaluationConfiguration> configurations, IReadOnlyList<EvaluationSet> sets, int k, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        // Every configuration's options first: a typo in the last one fails now, not after an hour of embedding.
        var options = configurations.Select(c => Options.Create(c.Options(settings))).ToList();
        var files = sets.SelectMany(s => s.Files).Distinct(StringComparer.Ordinal).ToList();
        var rows = new List<EvaluationRow>();
        for (var c = 0; c < configurations.Count; c++)
        {
            using var embedder = new ImageEmbedder(options[c], new ImageDecoder(options[c]), logging.CreateLogger<ImageEmbedder>());
            _logger.LogInformation("{Configuration}: embedding {Count} images as {Model}", configurations[c], files.Count, embedder.Model.Id);
            var clock = Stopwatch.StartNew();
            var vectors = await EmbedAsync(embedder, files, cancellationToken);
            var rate = files.Count / clock.Elapsed.TotalSeconds;
            foreach (var set in sets)
            foreach (var group in SetScorer.Score(set, vectors, k))
            {
                rows.Add(new EvaluationRow(configurations[c].Name, embedder.Model.Id, embedder.Model.Dimension, set.Name, group.Group, k,
                    group.Metrics, group.FailedQueries, group.FailedGallery, rate));
            }
        }
        return rows;
    }

    /// <summary>The vectors by path; a file that fails is logged and left out, and the scorer counts it.</summary>
    private async Task<Dictionary<string, float[]>> EmbedAsync(ImageEmbedder embedder, List<string> files, CancellationToken cancellationToken)
    {
        var results = await embedder.EmbedFilesAsync(files, cancellationToken);
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            if (results[i].Vector is { } vector)
                vectors[files[i]] = vector;
            else
                _logger.LogWarning("{File} not embedded ({Reason}): {Error}", files[i], results[i].Reason, results[i].Error);
        }
        return vectors;
    }
}
