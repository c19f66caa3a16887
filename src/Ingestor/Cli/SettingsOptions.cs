using System.CommandLine;

namespace ImageSearch.Ingestor.Cli;

/// <summary>
/// Command-line flags that override configuration keys (appsettings.json, then environment variables such as
/// <c>Bus__Host</c>, then these flags), so a flag and its configuration key can never disagree.
/// </summary>
internal sealed class SettingsOptions
{
    private readonly List<(Option Option, string Key)> _options = [];

    public static SettingsOptions Broker() => new SettingsOptions()
        .Add(new Option<string>("--host") { Description = "RabbitMQ host [Bus:Host]" }, "Bus:Host")
        .Add(new Option<int?>("--port") { Description = "RabbitMQ port [Bus:Port]" }, "Bus:Port")
        .Add(new Option<string>("--vhost") { Description = "RabbitMQ virtual host [Bus:VirtualHost]" }, "Bus:VirtualHost")
        .Add(new Option<string>("--username") { Description = "RabbitMQ user [Bus:Username]" }, "Bus:Username")
        .Add(new Option<string>("--password") { Description = "RabbitMQ password [Bus:Password] (prefer the Bus__Password variable)" }, "Bus:Password");

    public static SettingsOptions Journal() => new SettingsOptions()
        .Add(new Option<string>("--journal") { Description = "Dead-letter journal file [DeadLetters:Path]" }, "DeadLetters:Path");

    public SettingsOptions Add(Option option, string key)
    {
        _options.Add((option, key));
        return this;
    }

    public void AddTo(Command command)
    {
        foreach (var (option, _) in _options)
            command.Options.Add(option);
    }

    public IEnumerable<KeyValuePair<string, string?>> Overrides(ParseResult result)
    {
        foreach (var (option, key) in _options)
            if (result.GetResult(option) is { Implicit: false } given && given.GetValueOrDefault<object?>() is { } value)
                yield return new(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
    }
}
