using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ImageSearch.Pipeline.Tests.Deployment;

/// <summary>
/// The options classes a service binds, learned from the service itself: its own entry point runs, loaded from its own
/// build, until its host is built; the <see cref="IConfigureOptions{TOptions}"/> it registered name them, each with its
/// <c>Section</c>. The run is stopped there, before the host starts, so nothing connects.
/// </summary>
internal static class ServiceOptions
{
    private const string HostingListener = "Microsoft.Extensions.Hosting";
    private static readonly AsyncLocal<Captured?> Capture = new();

    /// <returns>Section name → options class, for every section the service binds.</returns>
    public static IReadOnlyDictionary<string, Type> Of(ServiceBuild service, params string[] arguments)
    {
        var folder = Path.GetDirectoryName(service.Assembly)!;
        Assembly? FromServiceFolder(AssemblyLoadContext context, AssemblyName name) =>
            Path.Combine(folder, name.Name + ".dll") is var file && File.Exists(file) ? context.LoadFromAssemblyPath(file) : null;
        AssemblyLoadContext.Default.Resolving += FromServiceFolder;
        var captured = new Captured();
        Capture.Value = captured;
        try
        {
            using var listeners = DiagnosticListener.AllListeners.Subscribe(new Observer<DiagnosticListener>(listener =>
            {
                if (listener.Name == HostingListener)
                    listener.Subscribe(new Observer<KeyValuePair<string, object?>>(OnHostingEvent));
            }));
            var entry = AssemblyLoadContext.Default.LoadFromAssemblyPath(service.Assembly).EntryPoint!;
            try
            {
                entry.Invoke(null, [arguments]);
            }
            catch (TargetInvocationException e) when (e.InnerException is HostBuildStopped)
            {
                // Expected. The ingestor's command line catches the stop itself and prints it as an unhandled exception.
            }
        }
        finally
        {
            Capture.Value = null;
            AssemblyLoadContext.Default.Resolving -= FromServiceFolder;
        }
        var services = captured.Services ?? throw new InvalidOperationException($"{service.Name} built no host with {string.Join(' ', arguments)}");
        return services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Distinct()
            .Select(type => (Section: type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string, Type: type))
            .Where(o => o.Section is not null)
            .ToDictionary(o => o.Section!, o => o.Type);
    }

    // HostApplicationBuilder.Build (a web application's too) raises HostBuilding with an IHostBuilder view of itself, whose
    // ConfigureServices callbacks see the builder's own service collection; then HostBuilt, where the run is stopped.
    private static void OnHostingEvent(KeyValuePair<string, object?> e)
    {
        if (Capture.Value is not { } captured)
            return; // another test's host
        if (e.Key == "HostBuilding")
            ((IHostBuilder)e.Value!).ConfigureServices((_, services) => captured.Services = services);
        else if (e.Key == "HostBuilt")
            throw new HostBuildStopped();
    }

    private sealed class HostBuildStopped : Exception;

    private sealed class Captured
    {
        public IServiceCollection? Services { get; set; }
    }

    private sealed class Observer<T>(Action<T> onNext) : IObserver<T>
    {
        public void OnNext(T value) => onNext(value);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
