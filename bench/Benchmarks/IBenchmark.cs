namespace ImageSearch.Benchmarks;

/// <summary>One benchmark command: <c>dotnet run --project bench/Benchmarks -c Release -- NAME [options]</c>.</summary>
public interface IBenchmark
{
    string Name { get; }
    string Description { get; }
    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
