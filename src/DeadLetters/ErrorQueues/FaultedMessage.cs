using System.Globalization;
using System.Text;
using System.Text.Json;
using MassTransit;
using RabbitMQ.Client;

namespace ImageSearch.DeadLetters.ErrorQueues;

/// <summary>
/// One message of an error queue, as its MassTransit envelope (message id and type, the image) and the fault headers
/// MassTransit added when it moved the message there (exception type, message and time) describe it.
/// </summary>
/// <param name="ImageId">From the message; null when the body is not a pipeline message MassTransit could have written.</param>
/// <param name="ExceptionType">Full type name of the exception, or <see cref="NoFault"/> when the fault headers are missing.</param>
public sealed record FaultedMessage(
    string? MessageId,
    string? MessageType,
    long? ImageId,
    string? Path,
    string ExceptionType,
    string? ExceptionMessage,
    DateTimeOffset? FaultedAt)
{
    /// <summary>The exception type shown for a message without fault headers (moved there by hand, or by something else).</summary>
    public const string NoFault = "(no fault headers)";

    /// <summary>
    /// Whether the exception is <paramref name="exceptionType"/>: the full name (<c>System.InvalidOperationException</c>) or
    /// the short one (<c>InvalidOperationException</c>), ignoring case.
    /// </summary>
    public bool Is(string exceptionType) =>
        string.Equals(ExceptionType, exceptionType, StringComparison.OrdinalIgnoreCase)
        || string.Equals(ExceptionType[(ExceptionType.LastIndexOf('.') + 1)..], exceptionType, StringComparison.OrdinalIgnoreCase);

    /// <summary>The fault as a dead letter's detail: type and message, as <c>DeadLetterReason.Unexpected</c> promises.</summary>
    internal string Detail => ExceptionMessage is { Length: > 0 } message ? $"{ExceptionType}: {message}" : ExceptionType;

    internal static FaultedMessage Read(BasicGetResult delivery)
    {
        var headers = delivery.BasicProperties.Headers;
        using var envelope = Parse(delivery.Body); // null when not JSON: the headers still say why it faulted
        var root = envelope?.RootElement;
        var message = root?.TryGetProperty("message", out var m) == true && m.ValueKind == JsonValueKind.Object ? m : (JsonElement?)null;
        // A group (EmbedImageGroup, ImageEmbeddedGroup) is shown by its first image.
        if (message?.TryGetProperty("images", out var images) == true && images.ValueKind == JsonValueKind.Array && images.GetArrayLength() > 0)
            message = images[0];
        return new FaultedMessage(
            delivery.BasicProperties.MessageId ?? (root is { } r ? String(r, "messageId") : null),
            root?.TryGetProperty("messageType", out var types) == true && types.ValueKind == JsonValueKind.Array && types.GetArrayLength() > 0
                ? types[0].GetString()
                : null,
            message?.TryGetProperty("imageId", out var id) == true && id.TryGetInt64(out var imageId) ? imageId : null,
            message is { } body ? String(body, "path") : null,
            Header(headers, MessageHeaders.FaultExceptionType) ?? NoFault,
            Header(headers, MessageHeaders.FaultMessage),
            DateTimeOffset.TryParse(Header(headers, MessageHeaders.FaultTimestamp), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal, out var time) ? time : null);
    }

    /// <summary>The <c>message</c> of a MassTransit envelope; null when the body is not one.</summary>
    internal static JsonElement? Message(ReadOnlyMemory<byte> body)
    {
        using var envelope = Parse(body);
        return envelope?.RootElement.TryGetProperty("message", out var message) == true ? message.Clone() : null;
    }

    /// <summary>The body as a JSON object; null when it is anything else.</summary>
    private static JsonDocument? Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                return document;
            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // RabbitMQ.Client hands AMQP long strings over as bytes.
    private static string? Header(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value)
            ? value switch
            {
                null => null,
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                AmqpTimestamp stamp => DateTimeOffset.FromUnixTimeSeconds(stamp.UnixTime).ToString("O"),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            }
            : null;
}
