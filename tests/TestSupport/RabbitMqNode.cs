using System.Diagnostics;
using System.Text.Json;

namespace ImageSearch.TestSupport;

/// <summary>
/// A private RabbitMQ node run with Debian's <c>rabbitmq-server</c>: its own node name, free ports (loopback only),
/// data and logs under a temporary folder owned by user <c>rabbitmq</c>, no plugins (so no management port to clash).
/// Shared by the test fixture and the benchmarks; no test framework here.
/// </summary>
/// <remarks>
/// Where <see cref="PortableRootVariable"/> names a root that <c>scripts/portable-rabbitmq.sh unpack</c> extracted the
/// packages into (a host where nothing can be installed), the node runs from there, as the current user.
/// </remarks>
public sealed class RabbitMqNode : IAsyncDisposable
{
    public const string PortableRootVariable = "IMAGESEARCH_RABBITMQ_ROOT";
    private static readonly string? PortableRoot = Environment.GetEnvironmentVariable(PortableRootVariable) is { Length: > 0 } root ? root : null;
    // Debian's /usr/sbin scripts switch to user rabbitmq; the scripts they wrap run as whoever starts them.
    private static readonly string Server = PortableRoot is null ? "/usr/sbin/rabbitmq-server" : Path.Combine(PortableRoot, "usr/lib/rabbitmq/bin/rabbitmq-server");
    private static readonly string Ctl = PortableRoot is null ? "/usr/sbin/rabbitmqctl" : Path.Combine(PortableRoot, "usr/lib/rabbitmq/bin/rabbitmqctl");
    internal const string FolderPrefix = "imagesearch-rabbitmq-";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, string> _environment;

    private RabbitMqNode(string nodeName, int port, string folder, IReadOnlyList<string> virtualHosts, Dictionary<string, string> environment)
    {
        NodeName = nodeName;
        Port = port;
        Folder = folder;
        VirtualHosts = virtualHosts;
        _environment = environment;
    }

    public string NodeName { get; }

    /// <summary>AMQP port on 127.0.0.1; user guest/guest.</summary>
    public int Port { get; }

    public string Folder { get; }

    /// <summary>Virtual hosts created at start (besides "/"), each usable by guest: one per test keeps tests apart.</summary>
    public IReadOnlyList<string> VirtualHosts { get; }

    /// <summary>Null when a node can run on this machine; otherwise why not.</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists(Server) || !File.Exists(Ctl))
            return $"{Server} is not installed (apt-get install rabbitmq-server, or scripts/install-deps.sh --tests)";
        if (PortableRoot is not null)
            return null;
        if (!File.ReadLines("/etc/passwd").Any(l => l.StartsWith("rabbitmq:", StringComparison.Ordinal)))
            return "user rabbitmq does not exist (Debian's rabbitmq-server package creates it)";
        if (Environment.UserName is not ("root" or "rabbitmq"))
            return $"Debian's rabbitmq-server runs only as root or rabbitmq, not as {Environment.UserName}";
        return null;
    }

    public static async Task<RabbitMqNode> StartAsync(int virtualHosts, CancellationToken cancellationToken)
    {
        NodeProcesses.ReapLeftovers(FolderPrefix);
        var id = Guid.NewGuid().ToString("N")[..10];
        var folder = Path.Combine(Path.GetTempPath(), FolderPrefix + id);
        Directory.CreateDirectory(Path.Combine(folder, "mnesia"));
        Directory.CreateDirectory(Path.Combine(folder, "log"));
        // Owner of the node: a later run stops this node if the process that started it died without stopping it.
        await File.WriteAllTextAsync(Path.Combine(folder, "owner"), Environment.ProcessId.ToString(), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "enabled_plugins"), "[].", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "rabbitmq.conf"), "", cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(folder, "rabbitmq-env.conf"), "", cancellationToken);
        var hosts = Enumerable.Range(1, virtualHosts).Select(i => $"test-{i:D3}").ToList();
        await File.WriteAllTextAsync(Path.Combine(folder, "definitions.json"), Definitions(hosts), cancellationToken);
        if (Environment.UserName == "root" && PortableRoot is null)
            await NodeProcesses.RunAsync("chown", ["-R", "rabbitmq:rabbitmq", folder], [], TimeSpan.FromSeconds(10), cancellationToken);

        var port = NodePort();
        var nodeName = $"imagesearch-{id}@localhost";
        var environment = new Dictionary<string, string>
        {
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(),
            ["RABBITMQ_DIST_PORT"] = NodePort(except: port).ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(folder, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(folder, "log"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(folder, "pid"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder, "rabbitmq.conf"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(folder, "rabbitmq-env.conf"),
            // The Erlang distribution port listens on loopback only, like AMQP.
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };
        if (PortableRoot is not null)
            environment["PATH"] = $"{Path.Combine(PortableRoot, "usr/lib/erlang/bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        var node = new RabbitMqNode(nodeName, port, folder, hosts, environment);
        try
        {
            // Through sh, with the output in a file: the detached Erlang VM must not inherit (and hold open) our pipes.
            await NodeProcesses.RunAsync("/bin/sh", ["-c", $"exec {Server} -detached >'{folder}/startup.log' 2>&1 </dev/null"], environment, StartTimeout, cancellationToken);
            await node.AwaitStartupAsync(cancellationToken);
            if (hosts.Count > 0)
                await node.CtlAsync(["import_definitions", Path.Combine(folder, "definitions.json")], cancellationToken);
            return node;
        }
        catch (Exception e)
        {
            var log = Path.Combine(folder, "log", $"{nodeName}.log");
            log = File.Exists(log) ? log : Path.Combine(folder, "startup.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "(no log)";
            await node.DisposeAsync();
            throw new InvalidOperationException($"RabbitMQ node {nodeName} did not start: {e.Message}\n{tail}", e);
        }
    }

    /// <summary>
    /// <c>-detached</c> returns before the VM has registered the node, and <c>await_startup</c> gives up at once on a
    /// node it cannot see: ask again until it answers.
    /// </summary>
    private async Task AwaitStartupAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await CtlAsync(["await_startup", "--timeout", ((int)StartTimeout.TotalSeconds).ToString()], cancellationToken);
                return;
            }
            catch (InvalidOperationException) when (clock.Elapsed < StartTimeout)
            {
                await Task.Delay(500, cancellationToken);
            }
        }
    }

    /// <summary>Runs <c>rabbitmqctl -n NODE ...</c> against this node.</summary>
    public Task<string> CtlAsync(string[] arguments, CancellationToken cancellationToken) =>
        NodeProcesses.RunAsync(Ctl, ["-n", NodeName, .. arguments], _environment, StartTimeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CtlAsync(["stop"], CancellationToken.None).WaitAsync(StopTimeout);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // Killed below: tests must not leave brokers behind, even when the node will not stop politely or its CLI hangs.
        }
        NodeProcesses.Kill(Folder);
        NodeProcesses.TryDelete(Folder);
    }

    /// <summary>A free port in 20000–44999: rabbitmqctl uses the distribution port + 10000, which must stay below 65536.</summary>
    private static int NodePort(int except = 0) => FreePort.InRange(20_000, 45_000, except);

    private static string Definitions(List<string> hosts) => JsonSerializer.Serialize(new
    {
        vhosts = hosts.Select(h => new { name = h }),
        permissions = hosts.Select(h => new { user = "guest", vhost = h, configure = ".*", write = ".*", read = ".*" }),
    });
}
