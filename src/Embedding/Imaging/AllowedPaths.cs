using ImageSearch.Contracts;
using Microsoft.Extensions.Options;

namespace ImageSearch.Embedding.Imaging;

/// <summary>
/// The <see cref="EmbeddingOptions.AllowedRoots"/> check, the one place that decides whether a file may be read: a path is
/// judged by where it really leads, with every symbolic link along it resolved (a link to a folder outside a root is as
/// much a way out as a link to a file, or <c>..</c>). The roots are resolved the same way, so a root that is itself a
/// link still admits its files. Thread-safe.
/// </summary>
public sealed class AllowedPaths
{
    // Linux gives up after 40 links in one lookup (ELOOP); so do we.
    private const int MaxLinks = 40;

    private readonly string[] _roots;

    public AllowedPaths(IOptions<EmbeddingOptions> options) =>
        _roots = options.Value.AllowedRoots.Select(root => AsFolder(RealPath(root))).ToArray();

    /// <summary>True when no roots are configured: every path may be read.</summary>
    public bool AllowsAnyPath => _roots.Length == 0;

    /// <summary>Whether <paramref name="folder"/> (resolved) is one of the roots or inside one.</summary>
    public bool Contains(string folder) => AllowsAnyPath || IsUnderRoot(AsFolder(RealPath(folder)));

    /// <summary>The real path of <paramref name="path"/> (absolute, links resolved): the path to open.</summary>
    /// <exception cref="ImageRejectedException">Reason <see cref="DeadLetterReason.OutsideAllowedRoots"/>.</exception>
    public string Resolve(string path)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0'))
            throw new ImageRejectedException(DeadLetterReason.InvalidMessage, "the path is empty or contains a NUL character");
        var real = RealPath(path);
        if (!AllowsAnyPath && !IsUnderRoot(real))
            throw new ImageRejectedException(DeadLetterReason.OutsideAllowedRoots,
                real == Path.GetFullPath(path) ? $"{real} is outside the allowed roots" : $"{path} leads to {real}, outside the allowed roots");
        return real;
    }

    /// <summary>Whether <paramref name="real"/>, a path with no links left in it (as the kernel reports an open file's), is under a root.</summary>
    public bool ContainsResolved(string real) => AllowsAnyPath || IsUnderRoot(real);

    private bool IsUnderRoot(string real) => _roots.Any(root => real.StartsWith(root, StringComparison.Ordinal));

    /// <summary>
    /// Like POSIX realpath(3), but a missing tail is kept as written (so a missing file is reported as missing, not refused).
    /// <c>..</c> is applied to the resolved prefix, as the kernel does.
    /// </summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = root;
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
                continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? root;
                continue;
            }
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
                throw new ImageRejectedException(DeadLetterReason.Unreadable, $"too many levels of symbolic links in {path}");
            // Splice the link's target in front of what is left, and walk it from the start (absolute) or from here.
            if (Path.IsPathRooted(target))
                current = Path.GetPathRoot(target)!;
            foreach (var piece in target.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
                pending.Push(piece);
        }
        return current;
    }

    private static string AsFolder(string path) => Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar;
}
