using System.ComponentModel.DataAnnotations;
using ImageSearch.Embedding;
using Microsoft.Extensions.Configuration;

namespace ImageSearch.Evaluation.Configurations;

/// <summary>
/// One way to embed, to compare with others: a name plus <c>Embedding:Key=Value</c> overrides bound onto
/// <see cref="EmbeddingOptions"/> exactly as a host binds its configuration. Any option of the Embedding section is a
/// dimension of the comparison (projection, object crop, model, and whatever options later versions add), with no code
/// here to change. An unknown key is an error, so a typo never silently evaluates the default.
/// </summary>
public sealed record EvaluationConfiguration(string Name, IReadOnlyList<KeyValuePair<string, string>> Overrides)
{
    /// <summary>Reads <c>NAME[;Embedding:Key=Value]…</c>, e.g. <c>rp256;Embedding:Projection:Dimension=256</c>.</summary>
    public static EvaluationConfiguration Parse(string text)
    {
        var parts = text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts[0].Contains('='))
            throw new FormatException($"configuration '{text}': expected NAME[;Embedding:Key=Value]…, starting with a name");
        var overrides = parts[1..].Select(part =>
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
                throw new FormatException($"configuration '{parts[0]}': '{part}' is not Key=Value");
            return KeyValuePair.Create(part[..equals].Trim(), part[(equals + 1)..].Trim());
        }).ToList();
        return new EvaluationConfiguration(parts[0], overrides);
    }

    /// <summary>
    /// The options for this configuration: <paramref name="settings"/>' Embedding section (what every configuration
    /// shares: provider, batch size…), then the overrides. Throws <see cref="FormatException"/> naming the configuration
    /// when a key is outside the section, unknown, or its value invalid.
    /// </summary>
    public EmbeddingOptions Options(IConfiguration settings)
    {
        var outside = Overrides.FirstOrDefault(o => !o.Key.StartsWith(EmbeddingOptions.Section + ":", StringComparison.OrdinalIgnoreCase));
        if (outside.Key is not null)
            throw new FormatException($"configuration '{Name}': '{outside.Key}' is not an {EmbeddingOptions.Section}:* key");
        var merged = new ConfigurationBuilder()
            .AddConfiguration(settings)
            .AddInMemoryCollection(Overrides.Select(o => KeyValuePair.Create(o.Key, (string?)o.Value)))
            .Build();
        var options = new EmbeddingOptions();
        try
        {
            merged.GetSection(EmbeddingOptions.Section).Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"configuration '{Name}': {e.Message}", e);
        }
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
            throw new FormatException($"configuration '{Name}': {string.Join("; ", errors.Select(e => e.ErrorMessage))}");
        return options;
    }

    public override string ToString() =>
        Overrides.Count == 0 ? Name : $"{Name} ({string.Join(", ", Overrides.Select(o => $"{o.Key}={o.Value}"))})";
}
