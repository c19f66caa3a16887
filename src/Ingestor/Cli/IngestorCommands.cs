using System.CommandLine;

namespace ImageSearch.Ingestor.Cli;

public static class IngestorCommands
{
    public static RootCommand Create() => new("Publishes images to the embedding pipeline, manages its dead letters and faulted messages, and quantizes the model.")
    {
        PublishCommand.Create(),
        DeadLettersCommand.Create(),
        ErrorsCommand.Create(),
        QuantizeCommand.Create(),
    };
}
