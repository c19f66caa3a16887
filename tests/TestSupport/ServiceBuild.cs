namespace ImageSearch.TestSupport;

/// <summary>
/// A program of this repository (a service of <c>src/</c>, or a test's child program) as its own build wrote it, to run as
/// a real process. Test projects and benchmarks never run a program from their own folder: its own output folder has
/// exactly its own dependencies and appsettings.json.
/// </summary>
public sealed record ServiceBuild(string Name, string Folder = "src")
{
    public static readonly ServiceBuild Embedder = new("Embedder");
    public static readonly ServiceBuild Indexer = new("Indexer");
    public static readonly ServiceBuild Ingestor = new("Ingestor");
    public static readonly ServiceBuild QueryApi = new("QueryApi");

    /// <summary>The crash test's child, which upserts until it is killed.</summary>
    public static readonly ServiceBuild CrashWriter = new("VectorStore.CrashWriter", "tests");

    /// <summary><c>src/&lt;Name&gt;</c>: where <c>dotnet run --project src/&lt;Name&gt;</c> starts it.</summary>
    public string ProjectFolder => Path.Combine(RepositoryRoot, Folder, Name);

    /// <summary>Its entry assembly, built in the same configuration and framework as the calling program.</summary>
    /// <exception cref="FileNotFoundException">It is not built (the message says how to build it).</exception>
    public string Assembly
    {
        get
        {
            // The caller runs from <project>/bin/<configuration>/<framework>/; the program's build mirrors that in its own folder.
            var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            var configuration = framework.Parent!.Name;
            var path = Path.Combine(ProjectFolder, "bin", configuration, framework.Name, $"ImageSearch.{Name}.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{Name} is not built: dotnet build {Folder}/{Name} -c {configuration}", path);
        }
    }

    /// <summary>
    /// A folder of self-contained publishes (one apphost per service, <c>ImageSearch.&lt;Name&gt;</c>) to run instead of the
    /// builds: for a host without the .NET SDK, such as the GPU host (<c>scripts/pack-gpu-bench.sh</c> publishes them there).
    /// </summary>
    public const string PublishedAppsVariable = "IMAGESEARCH_SERVICE_APPS";

    /// <summary>How a process of it starts: its apphost where <see cref="PublishedAppsVariable"/> is set, else <c>dotnet</c> on <see cref="Assembly"/>.</summary>
    public (string File, string[] Arguments) Command =>
        Environment.GetEnvironmentVariable(PublishedAppsVariable) is { Length: > 0 } apps
            ? (Path.Combine(apps, $"ImageSearch.{Name}"), [])
            : ("dotnet", [Assembly]);

    /// <summary>The checkout this program was built from (the folder with Ingest.sln), or the working directory.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Ingest.sln")))
                    return dir.FullName;
            return Directory.GetCurrentDirectory();
        }
    }
}
