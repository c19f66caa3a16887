
namespace ImageSearch.Pipeline.Tests;

/// <summary>
/// The test nodes of parallel test assemblies share one epmd, started by whichever node came first and carrying that
/// node's environment. Stopping that node must leave epmd running, or every other node becomes unreachable for rabbitmqctl.
/// </summary>
public sealed class NodeProcessesTests(RabbitMqFixture rabbit)
{
    [Fact]
    public void TheSharedPortMapperIsNeverCountedAmongANodesProcesses()
    {
        rabbit.NewBroker();
        var portMappers = Directory.EnumerateDirectories("/proc")
            .Where(p => int.TryParse(Path.GetFileName(p), out _) && NodeProcesses.IsPortMapper(p))
            .Select(p => int.Parse(Path.GetFileName(p)))
            .ToList();
        Assert.NotEmpty(portMappers);

        var nodeProcesses = NodeProcesses.Find(RabbitMqNode.FolderPrefix).Select(p => p.Pid).ToList();

        Assert.NotEmpty(nodeProcesses);
        Assert.Empty(nodeProcesses.Intersect(portMappers));
    }
}
