using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace HeartRule.Sessions.Tests;

/// <summary>A Redis server of the test's own (Debian's redis-server, as the system runs it), on a free loopback port, without persistence.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private Process? _server;

    public IConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _server = Process.Start(new ProcessStartInfo("/usr/bin/redis-server",
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        { RedirectStandardOutput = true })!;
        // Ready when it says so on its own output (it prints the line once it accepts connections).
        while (await _server.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal)) break;
        }
        _ = _server.StandardOutput.ReadToEndAsync();
        Connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true");
    }

    public async Task DisposeAsync()
    {
        await Connection.DisposeAsync();
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }
        _server?.Dispose();
    }
}
