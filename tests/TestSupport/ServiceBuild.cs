namespace ImageSearch.TestSupport;

/// <summary>
/// A service of <c>src/</c> as its own build wrote it, to run as a real process. Test projects and benchmarks never
/// reference a service's assembly to run it: its own output folder has exactly its own dependencies and appsettings.json.
/// </summary>
public sealed record ServiceBuild(string Name)
{
    public static readonly ServiceBuild Embedder = new("Embedder");
    public static readonly ServiceBuild Indexer = new("Indexer");
    public static readonly ServiceBuild Ingestor = new("Ingestor");
    public static readonly ServiceBuild QueryApi = new("QueryApi");

    /// <summary><c>src/&lt;Name&gt;</c>: where <c>dotnet run --project src/&lt;Name&gt;</c> starts it.</summary>
    public string ProjectFolder => Path.Combine(RepositoryRoot, "src", Name);

    /// <summary>Its entry assembly, built in the same configuration and framework as the calling program.</summary>
    /// <exception cref="FileNotFoundException">It is not built (the message says how to build it).</exception>
    public string Assembly
    {
        get
        {
            // The caller runs from <project>/bin/<configuration>/<framework>/; the service's build mirrors that under src/<Name>.
            var framework = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            var configuration = framework.Parent!.Name;
            var path = Path.Combine(ProjectFolder, "bin", configuration, framework.Name, $"ImageSearch.{Name}.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"{Name} is not built: dotnet build src/{Name} -c {configuration}", path);
        }
    }

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
