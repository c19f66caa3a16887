using System.Buffers;
using System.Globalization;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace ImageSearch.ServiceDefaults;

/// <summary>
/// Rewrites every string in a log event's properties so that control characters show as escapes (<c>\n</c>, <c>\r</c>,
/// <c>\t</c>, <c>\u001b</c>...). Paths, labels and messages come from files and requests: a name holding a line break
/// would otherwise start a forged log line, and an escape sequence would drive the reader's terminal. Runs last, after
/// every other enricher, so properties they add are covered too.
/// </summary>
internal sealed class ControlCharacterEscaping : ILogEventEnricher
{
    // C0, DEL, C1, and the Unicode line and paragraph separators that some viewers break lines at.
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        string.Concat(Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7F, 0x21)).Select(c => (char)c)) + "\u2028\u2029");

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
            if (Escape(value) is { } escaped)
                (changed ??= []).Add(new LogEventProperty(name, escaped));
        foreach (var property in changed ?? [])
            logEvent.AddOrUpdateProperty(property);
    }

    /// <returns>The value with its strings escaped, or null when it has nothing to escape.</returns>
    private static LogEventPropertyValue? Escape(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } when text.AsSpan().ContainsAny(Unsafe) => new ScalarValue(Escape(text)),
        SequenceValue sequence => Rebuild(sequence.Elements, elements => new SequenceValue(elements)),
        StructureValue structure => Rebuild(structure.Properties.Select(p => p.Value).ToList(),
            values => new StructureValue(structure.Properties.Zip(values, (p, v) => new LogEventProperty(p.Name, v)), structure.TypeTag)),
        DictionaryValue dictionary => Rebuild(dictionary.Elements.Values.ToList(),
            values => new DictionaryValue(dictionary.Elements.Keys.Zip(values, KeyValuePair.Create))),
        _ => null,
    };

    private static T? Rebuild<T>(IReadOnlyList<LogEventPropertyValue> values, Func<IEnumerable<LogEventPropertyValue>, T> create)
        where T : LogEventPropertyValue
    {
        var escaped = values.Select(v => Escape(v)).ToList();
        return escaped.Any(e => e is not null) ? create(escaped.Select((e, i) => e ?? values[i])) : null;
    }

    internal static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
            escaped.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when Unsafe.Contains(c) => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        return escaped.ToString();
    }
}
