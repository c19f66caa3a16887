using System.Text.Json;

namespace ImageSearch.Ingestor.Cli;

/// <summary>What <c>--json</c> prints: one indented document on stdout, camelCase as the HTTP API writes it.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, Options));
}
