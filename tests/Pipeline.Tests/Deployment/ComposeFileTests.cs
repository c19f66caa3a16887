using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ImageSearch.Pipeline.Tests.Deployment;

/// <summary>
/// compose/docker-compose.yml, read as YAML (anchors and merge keys resolved) and held against the code: the projects it
/// builds, the options its services bind, what it exposes, and where its secrets come from. No Docker engine is needed;
/// Debian's docker-compose, where installed, also validates the file.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Folder = Path.Combine(ServiceBuild.RepositoryRoot, "compose");
    private static readonly string ComposeFile = Path.Combine(Folder, "docker-compose.yml");
    private static readonly string[] Internal = ["rabbitmq", "milvus", "etcd", "minio"];

    /// <summary>What each service's own host is built with: the ingestor's replay builds the host with everything the CLI uses.</summary>
    private static readonly Dictionary<string, string[]> EntryArguments = new() { ["Ingestor"] = ["dead-letters", "replay", "--all"] };

    /// <summary>The values the file requires, for the runs of docker-compose.</summary>
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["RABBITMQ_DEFAULT_USER"] = "user", ["RABBITMQ_DEFAULT_PASS"] = "pass", ["MILVUS_ROOT_PASSWORD"] = "milvus",
        ["MINIO_ROOT_USER"] = "minio", ["MINIO_ROOT_PASSWORD"] = "minio-pass", ["API_KEY"] = "0123456789abcdef",
    };

    private static Dictionary<object, object> Compose { get; } = Load();

    private static Dictionary<object, object> Services => Map(Compose["services"]);

    [Fact]
    public void EveryServiceBuildsAProjectOfTheSolutionThroughTheDockerfile()
    {
        var solution = File.ReadAllText(Path.Combine(ServiceBuild.RepositoryRoot, "Ingest.sln"));
        var dockerfile = File.ReadAllText(Path.Combine(Folder, "Dockerfile"));
        Assert.Contains("dotnet publish src/${PROJECT}", dockerfile);

        var built = Built().ToList();
        Assert.Equal(["embedder", "embedder-gpu", "indexer", "ingestor", "queryapi"], built.Select(b => b.Service).Order());
        Assert.All(built, b =>
        {
            Assert.Equal("compose/Dockerfile", Map(Services[b.Service])["build"] is Dictionary<object, object> build ? build["dockerfile"] : null);
            Assert.Contains($"\"src\\{b.Project}\\{b.Project}.csproj\"", solution);
        });
    }

    [Fact]
    public void EveryConfigurationVariableIsAnOptionOfTheServiceThatSetsIt()
    {
        var unknown = new List<string>();
        foreach (var (service, project) in Built())
        {
            var build = new ServiceBuild(project);
            var sections = ServiceOptions.Of(build, EntryArguments.GetValueOrDefault(project, []));
            foreach (var key in Environment(service).Keys.Where(k => k.Contains("__")))
            {
                var path = key.Split("__");
                if (path[0] == "Serilog")
                    continue; // read by Serilog.Settings.Configuration, not an options class
                if (!sections.TryGetValue(path[0], out var options))
                    unknown.Add($"{service}: {key} (the service binds no section {path[0]}; it binds {string.Join(", ", sections.Keys.Order())})");
                else if (MissingMember(options, path[1..]) is { } missing)
                    unknown.Add($"{service}: {key} ({options.Name} has no {missing})");
            }
        }
        Assert.Empty(unknown);
    }

    [Fact]
    public void BrokerAndMilvusPublishNoPortAndSitOnlyOnInternalNetworks()
    {
        var networks = Map(Compose["networks"]);
        foreach (var service in Internal)
        {
            var definition = Map(Services[service]);
            Assert.False(definition.ContainsKey("ports"), $"{service} publishes ports");
            var joined = Assert.IsType<List<object>>(definition["networks"]);
            Assert.All(joined, n => Assert.Equal("true", Map(networks[n])["internal"]));
        }
        Assert.Equal(["8080:8080"], Assert.IsType<List<object>>(Map(Services["queryapi"])["ports"]).Cast<string>());
    }

    [Fact]
    public void CredentialsComeFromTheEnvironmentWithNoDefault()
    {
        var rabbit = Environment("rabbitmq");
        Assert.Equal("RABBITMQ_DEFAULT_USER", RequiredVariable(rabbit["RABBITMQ_DEFAULT_USER"]));
        Assert.Equal("RABBITMQ_DEFAULT_PASS", RequiredVariable(rabbit["RABBITMQ_DEFAULT_PASS"]));
        Assert.Equal("MILVUS_ROOT_PASSWORD", RequiredVariable(Environment("milvus")["COMMON_SECURITY_DEFAULTROOTPASSWORD"]));
        foreach (var (service, _) in Built())
        {
            var environment = Environment(service);
            Assert.Equal("RABBITMQ_DEFAULT_USER", RequiredVariable(environment["Bus__Username"]));
            Assert.Equal("RABBITMQ_DEFAULT_PASS", RequiredVariable(environment["Bus__Password"]));
            if (environment.TryGetValue("VectorStore__Milvus__Token", out var token))
                Assert.Equal("MILVUS_ROOT_PASSWORD", RequiredVariable(token));
        }
        Assert.Equal("API_KEY", RequiredVariable(Environment("queryapi")["QueryApi__ApiKey"]));
    }

    [Fact]
    public async Task DockerComposeAcceptsTheFileAndRefusesToRunWithoutItsSecrets()
    {
        const string tool = "/usr/bin/docker-compose";
        Prerequisite.Require(Prerequisite.Installed(tool, "apt-get install docker-compose, or scripts/install-deps.sh --tests"));
        using var folder = new TempFolder();
        var noEnvFile = folder.File("empty.env", ""); // so that a developer's compose/.env does not count

        var (accepted, acceptedOutput) = await RunAsync(tool, noEnvFile, Secrets);
        var (refused, refusedOutput) = await RunAsync(tool, noEnvFile, new Dictionary<string, string>());

        Assert.True(accepted == 0, acceptedOutput);
        Assert.NotEqual(0, refused);
        Assert.Contains("see compose/.env.example", refusedOutput);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string tool, string envFile, Dictionary<string, string> variables)
    {
        var info = new ProcessStartInfo(tool, ["--env-file", envFile, "-f", ComposeFile, "config", "-q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var name in Secrets.Keys)
            info.Environment.Remove(name);
        foreach (var (name, value) in variables)
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }

    private static IEnumerable<(string Service, string Project)> Built() =>
        Services.Where(s => Map(s.Value).ContainsKey("build"))
            .Select(s => ((string)s.Key, (string)Map(Map(Map(s.Value)["build"])["args"])["PROJECT"]));

    private static Dictionary<string, string> Environment(string service) =>
        Map(Services[service]).TryGetValue("environment", out var environment)
            ? Map(environment).ToDictionary(e => (string)e.Key, e => (string)e.Value)
            : [];

    /// <summary>The first segment of <paramref name="path"/> that is no property of <paramref name="type"/> (an index walks into a collection).</summary>
    private static string? MissingMember(Type type, string[] path)
    {
        foreach (var segment in path)
        {
            if (int.TryParse(segment, out _) && type != typeof(string) && type.GetInterface(nameof(IEnumerable)) is not null)
            {
                type = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
                continue;
            }
            var property = type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
                return segment;
            type = property.PropertyType;
        }
        return null;
    }

    /// <summary>The variable a value comes from, when it must be set: <c>${NAME}</c> or <c>${NAME:?message}</c>, never a default.</summary>
    private static string? RequiredVariable(string value) =>
        Reference().Match(value) is { Success: true } match && !match.Groups["default"].Success ? match.Groups["name"].Value : null;

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+)(?:(?<default>:?-)[^}]*|:?\?[^}]*)?\}")]
    private static partial Regex Reference();

    private static Dictionary<object, object> Map(object node) => Assert.IsType<Dictionary<object, object>>(node);

    private static Dictionary<object, object> Load()
    {
        using var reader = new StringReader(File.ReadAllText(ComposeFile));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }
}
