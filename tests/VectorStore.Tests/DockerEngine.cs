using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ImageSearch.VectorStore.Tests;

/// <summary>Asks the Docker engine for <c>/_ping</c> within two seconds, so a machine with only the client skips fast.</summary>
internal static class DockerEngine
{
    /// <summary>Null when an engine answered, otherwise why not.</summary>
    public static async Task<string?> ProbeAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        EndPoint endpoint;
        if (string.IsNullOrEmpty(host) || host.StartsWith("unix://", StringComparison.Ordinal))
        {
            var socket = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
            if (!File.Exists(socket))
                return $"no socket at {socket}";
            endpoint = new UnixDomainSocketEndPoint(socket);
        }
        else if (Uri.TryCreate(host.Replace("tcp://", "http://"), UriKind.Absolute, out var uri))
        {
            endpoint = new DnsEndPoint(uri.Host, uri.Port);
        }
        else
        {
            return $"DOCKER_HOST '{host}' not understood";
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new Socket(endpoint.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : endpoint.AddressFamily,
                SocketType.Stream, endpoint is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
            await client.ConnectAsync(endpoint, timeout.Token);
            await client.SendAsync(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"), timeout.Token);
            var buffer = new byte[512];
            var read = await client.ReceiveAsync(buffer, timeout.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return answer.Contains(" 200 ", StringComparison.Ordinal) ? null : $"engine answered: {answer.Split('\n')[0].Trim()}";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return $"engine at {endpoint} did not answer: {e.Message}";
        }
    }
}
