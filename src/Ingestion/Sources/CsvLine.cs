using System.Text;

namespace ImageSearch.Ingestion.Sources;

/// <summary>
/// Splits one CSV line (RFC 4180 quoting: <c>"a, b"</c>, <c>""</c> for a quote). A record is one line: a quoted field
/// may not span lines, so one stray quote cannot swallow the rest of a million-line file.
/// </summary>
public static class CsvLine
{
    /// <returns>The fields, or null with <paramref name="error"/> set when the line is malformed.</returns>
    public static List<string>? Split(string line, out string? error)
    {
        var fields = new List<string>(3);
        var field = new StringBuilder();
        var i = 0;
        while (true)
        {
            while (i < line.Length && line[i] is ' ' or '\t')
                i++;
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        error = "unterminated quote";
                        return null;
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                while (i < line.Length && line[i] is ' ' or '\t')
                    i++;
                if (i < line.Length && line[i] != ',')
                {
                    error = "text after a closing quote";
                    return null;
                }
                fields.Add(field.ToString());
            }
            else
            {
                var comma = line.IndexOf(',', i);
                var end = comma < 0 ? line.Length : comma;
                fields.Add(line[i..end].Trim());
                i = end;
            }
            field.Clear();
            if (i >= line.Length)
            {
                error = null;
                return fields;
            }
            i++; // the comma
        }
    }
}
