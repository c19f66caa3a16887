using System.CommandLine;

namespace ImageSearch.Ingestor.Cli;

public static class IngestorCommands
{
    public static RootCommand Create() => new("Publishes images to the embedding pipeline and manages its dead letters and faulted messages.")
    {
        PublishCommand.Create(),
        DeadLettersCommand.Create(),
        ErrorsCommand.Create(),
    };
}
