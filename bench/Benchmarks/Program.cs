using System.Reflection;
using ImageSearch.Benchmarks;

// Every IBenchmark in this assembly is a command; each writes its own section of docs/benchmarks.md.
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmark).IsAssignableFrom(t))
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

var chosen = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
if (chosen is null)
{
    Console.Error.WriteLine("usage: Benchmarks <name> [options]");
    foreach (var b in benchmarks)
        Console.Error.WriteLine($"  {b.Name,-12} {b.Description}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await chosen.RunAsync(args[1..], cancel.Token);
