using System.Net;
using System.Net.Sockets;

namespace ImageSearch.TestSupport;

/// <summary>Loopback ports nothing listens on now, for the processes and nodes the tests start.</summary>
public static class FreePort
{
    /// <summary>One the OS picks.</summary>
    public static int Any()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One in [<paramref name="from"/>, <paramref name="to"/>), other than <paramref name="except"/>.</summary>
    public static int InRange(int from, int to, int except = 0)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(from, to);
            if (port == except)
                continue;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
        throw new InvalidOperationException($"no free port in {from}-{to}");
    }
}
