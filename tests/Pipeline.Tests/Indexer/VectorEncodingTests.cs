using System.Text;
using System.Text.Json;
using ImageSearch.Contracts;
using static ImageSearch.Pipeline.Tests.Indexer.IndexerScenario;

namespace ImageSearch.Pipeline.Tests.Indexer;

/// <summary>
/// <see cref="ImageEmbedded"/> v2 carries its vector as base64 float32: exact, and far smaller on the wire than v1's JSON
/// numbers; v1 messages still queued from before the upgrade are indexed beside v2 ones.
/// </summary>
public sealed class VectorEncodingTests(RabbitMqFixture rabbit)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static float[] Vector512(int seed)
    {
        var random = new Random(seed);
        var vector = Enumerable.Range(0, 512).Select(_ => (float)(random.NextDouble() * 0.2 - 0.1)).ToArray();
        return vector;
    }

    [Fact]
    public void TheCompactFormKeepsEveryBitAndTheArrayFormIsStillRead()
    {
        float[] vector = [.. Vector512(1), 0f, -0f, float.Epsilon, -float.MaxValue, float.MaxValue, float.NaN, 1e-38f];
        var message = new ImageEmbedded(7, "/a.jpg", null, null, "m", vector);

        var json = JsonSerializer.Serialize(message, JsonSerializerOptions.Web);
        var back = JsonSerializer.Deserialize<ImageEmbedded>(json, JsonSerializerOptions.Web)!;
        var fromArray = JsonSerializer.Deserialize<ImageEmbedded>("""{"imageId":7,"path":"/a.jpg","model":"m","vector":[0.5,-1.25,3e-5]}""", JsonSerializerOptions.Web)!;

        Assert.Equal(vector.Select(BitConverter.SingleToInt32Bits), back.Vector.Select(BitConverter.SingleToInt32Bits));
        Assert.Contains($"\"vector\":\"{Convert.ToBase64String(vector.SelectMany(BitConverter.GetBytes).ToArray())}\"", json);
        Assert.Equal([0.5f, -1.25f, 3e-5f], fromArray.Vector);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ImageEmbedded>("""{"imageId":7,"path":"/a","model":"m","vector":"AAAAAAA="}""", JsonSerializerOptions.Web));
    }

    [Fact]
    public async Task OnTheWireV2IsUnindentedAndAThirdOfWhatV1Was()
    {
        var broker = rabbit.NewBroker();
        using var folder = new TempFolder();
        var vector = Vector512(2);
        await using (var publisher = await TestHosts.StartPublisherAsync(broker, Journal(folder)))
        {
            var queue = await publisher.Bus.GetSendEndpoint(new Uri("queue:encoding-probe"));
            await queue.Send(new ImageEmbeddedV1(1, "/photos/n01440764/n01440764_10026.JPEG", "tench", null, "resnet18", vector), Cancel);
            await queue.Send(new ImageEmbedded(1, "/photos/n01440764/n01440764_10026.JPEG", "tench", null, "resnet18", vector), Cancel);
        }

        var bodies = await broker.DrainBodiesAsync("encoding-probe", Cancel);
        var (v1, v2) = (bodies[0], bodies[1]);
        // Before this change a v1 message was also indented (MassTransit's default): measure that form too.
        var v1Indented = JsonSerializer.SerializeToUtf8Bytes(JsonDocument.Parse(v1).RootElement, new JsonSerializerOptions { WriteIndented = true });
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"512-d ImageEmbedded on the wire: v1 indented {v1Indented.Length} B, v1 {v1.Length} B, v2 {v2.Length} B");

        Assert.DoesNotContain((byte)'\n', v2);
        Assert.Contains("urn:message:image-search:image-embedded:v2", Encoding.UTF8.GetString(v2));
        Assert.True(v2.Length * 5 < v1Indented.Length * 2, $"v2 {v2.Length} B against v1 {v1Indented.Length} B indented, {v1.Length} B not");
    }

    [Fact]
    public async Task V1MessagesQueuedBeforeTheUpgradeAreIndexedBesideV2Ones()
    {
        var v1 = Enumerable.Range(1, 5).Select(i => new ImageEmbeddedV1(i, $"/old/{i}.jpg", "old", null, "resnet18", Vector512(i))).ToList();
        var v2 = Enumerable.Range(6, 5).Select(i => new ImageEmbedded(i, $"/new/{i}.jpg", "new", null, "resnet18", Vector512(i))).ToList();
        var (broker, folder) = await QueueAsync(rabbit, [.. v1, .. v2]);
        using var _ = folder;
        var store = new RecordingVectorStore();

        await using var indexer = await TestHosts.StartIndexerAsync(broker, store, Settings(Journal(folder)));
        await Eventually.HoldsAsync(() => store.Records("images").Count == 10, "the 5 v1 and the 5 v2 vectors are stored");

        foreach (var record in store.Records("images"))
            Assert.Equal(Vector512((int)record.Id), record.Vector);
        Assert.Equal("/old/3.jpg", store.Records("images").Single(r => r.Id == 3).Path);
        Assert.Null(await ErrorQueueAsync(broker));
    }
}
