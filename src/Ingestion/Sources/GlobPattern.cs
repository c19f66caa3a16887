using System.Text;
using System.Text.RegularExpressions;

namespace ImageSearch.Ingestion.Sources;

/// <summary>
/// A shell-style glob (<c>/photos/**/*.jpg</c>): <c>*</c> and <c>?</c> within a name, <c>[abc]</c> / <c>[!abc]</c>,
/// <c>{jpg,png}</c>, and <c>**</c> for any depth. Case-sensitive, like the shell on Linux.
/// Split into the literal folder to walk from and a matcher for paths below it, which also says which folders
/// can hold matches so that the walk never descends where nothing can match.
/// </summary>
public sealed class GlobPattern
{
    private const string AnyDepth = "**";
    private readonly string[] _segments;
    private readonly Regex?[] _segmentMatchers;
    private readonly Regex _matcher;

    private GlobPattern(string root, string[] segments)
    {
        Root = root;
        _segments = segments;
        _segmentMatchers = segments.Select(s => s == AnyDepth ? null : new Regex($"^{Translate(s)}$", RegexOptions.CultureInvariant)).ToArray();
        var full = new StringBuilder("^");
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            if (segments[i] == AnyDepth)
                full.Append(last ? ".*" : "(?:[^/]+/)*");
            else
                full.Append(Translate(segments[i])).Append(last ? "" : "/");
        }
        _matcher = new Regex(full.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    /// <summary>The literal folder before the first wildcard (absolute).</summary>
    public string Root { get; }

    /// <summary>True when the pattern can only match at a fixed depth below <see cref="Root"/> (no <c>**</c>).</summary>
    public bool HasFixedDepth => !_segments.Contains(AnyDepth);

    /// <summary>How many folder levels below <see cref="Root"/> can hold matches (for a fixed-depth pattern).</summary>
    public int Depth => _segments.Length - 1;

    public static bool IsGlob(string text) => text.IndexOfAny(['*', '?', '[', '{']) >= 0;

    public static GlobPattern Parse(string pattern)
    {
        var full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(Directory.GetCurrentDirectory(), pattern);
        var parts = full.Replace('\\', '/').Split('/');
        var firstWild = Array.FindIndex(parts, IsGlob);
        if (firstWild < 0)
            throw new ArgumentException($"'{pattern}' has no wildcard", nameof(pattern));
        var root = string.Join('/', parts[..firstWild]);
        var segments = parts[firstWild..].Where(s => s.Length > 0).ToArray();
        return new GlobPattern(Path.GetFullPath(root.Length == 0 ? "/" : root), segments);
    }

    /// <summary>Whether a file at <paramref name="relativePath"/> (below <see cref="Root"/>, '/'-separated) matches.</summary>
    public bool IsMatch(string relativePath) => _matcher.IsMatch(relativePath);

    /// <summary>Whether files below the folder at <paramref name="relativeFolder"/> can match, so that the walk should enter it.</summary>
    public bool CouldMatchBelow(string relativeFolder)
    {
        var names = relativeFolder.Split('/');
        for (var i = 0; i < names.Length; i++)
        {
            if (i < _segments.Length && _segmentMatchers[i] is null)
                return true; // "**": any depth below can match
            if (i >= _segments.Length - 1 || !_segmentMatchers[i]!.IsMatch(names[i]))
                return false; // files match only at the last segment, so a folder must match its segment
        }
        return true;
    }

    private static string Translate(string segment)
    {
        var regex = new StringBuilder();
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '*': regex.Append("[^/]*"); break;
                case '?': regex.Append("[^/]"); break;
                case '[' when segment.IndexOf(']', i + 1) is var close and > 0:
                    var body = segment[(i + 1)..close];
                    regex.Append('[').Append(body.StartsWith('!') ? "^" + Regex.Escape(body[1..]) : Regex.Escape(body)).Append(']');
                    i = close;
                    break;
                case '{' when segment.IndexOf('}', i + 1) is var end and > 0:
                    var options = segment[(i + 1)..end].Split(',').Select(Translate);
                    regex.Append("(?:").Append(string.Join('|', options)).Append(')');
                    i = end;
                    break;
                default: regex.Append(Regex.Escape(c.ToString())); break;
            }
        }
        return regex.ToString();
    }
}
