using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ImageSearch.Embedder.Tests")]
[assembly: InternalsVisibleTo("ImageSearch.Benchmarks")]
