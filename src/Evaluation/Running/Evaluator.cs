using System.Diagnostics;
using ImageSearch.Embedding;
using ImageSearch.Embedding.Imaging;
using ImageSearch.Embedding.PostProcessing;
using ImageSearch.Evaluation.Configurations;
using ImageSearch.Evaluation.Protocols;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageSearch.Evaluation.Running;

/// <summary>
/// Evaluates configurations side by side: for each one, builds its embedder, embeds every file of every set once (a
/// photo shared by two protocols is embedded once), and scores each set by exact search. Configurations that differ only
/// in their random projection share one embedding pass: the unit vectors are projected afterwards, which gives the
/// vectors the projecting embedder would (the projection is applied to the normalised features either way).
/// </summary>
/// <param name="settings">What every configuration shares (its Embedding section: provider, batch size…); overrides go on top.</param>
public sealed class Evaluator(IConfiguration settings, ILoggerFactory logging)
{
    private const string ProjectionKeys = EmbeddingOptions.Section + ":" + nameof(EmbeddingOptions.Projection) + ":";

    private readonly ILogger _logger = logging.CreateLogger<Evaluator>();

    public async Task<IReadOnlyList<EvaluationRow>> RunAsync(
        IReadOnlyList<EvaluationConfiguration> configurations, IReadOnlyList<EvaluationSet> sets, int k, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        // Every configuration's options first: a typo in the last one fails now, not after an hour of embedding.
        var options = configurations.ToDictionary(c => c, c => c.Options(settings));
        var files = sets.SelectMany(s => s.Files).Distinct(StringComparer.Ordinal).ToList();
        var rows = new List<EvaluationRow>();
        foreach (var pass in configurations.GroupBy(Unprojected))
        {
            var unprojected = pass.First().Options(settings);
            unprojected.Projection = new ProjectionOptions();
            using var embedder = new ImageEmbedder(Options.Create(unprojected), new ImageDecoder(Options.Create(unprojected)), logging.CreateLogger<ImageEmbedder>());
            _logger.LogInformation("{Configurations}: embedding {Count} images as {Model}", string.Join(", ", pass), files.Count, embedder.Model.Id);
            var clock = Stopwatch.StartNew();
            var vectors = await EmbedAsync(embedder, files, cancellationToken);
            var rate = files.Count / clock.Elapsed.TotalSeconds;
            foreach (var configuration in pass)
            {
                var projection = new VectorPostProcessor(embedder.Model.Dimension, options[configuration].Projection);
                var projected = vectors.ToDictionary(v => v.Key, v => projection.Process(v.Value), StringComparer.Ordinal);
                foreach (var set in sets)
                foreach (var group in SetScorer.Score(set, projected, k))
                {
                    rows.Add(new EvaluationRow(configuration.Name, embedder.Model.Id + projection.IdSuffix, projection.Dimension, set.Name, group.Group, k,
                        group.Metrics, group.FailedQueries, group.FailedGallery, rate));
                }
            }
        }
        var order = configurations.Select(c => c.Name).ToList();
        return rows.OrderBy(r => order.IndexOf(r.Configuration)).ToList(); // as given, whatever the passes
    }

    /// <summary>What a configuration embeds with, its projection aside: configurations alike in this share one pass.</summary>
    private static string Unprojected(EvaluationConfiguration configuration) => string.Join(";", configuration.Overrides
        .Where(o => !o.Key.StartsWith(ProjectionKeys, StringComparison.OrdinalIgnoreCase))
        .Select(o => $"{o.Key.ToUpperInvariant()}={o.Value}"));

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
