using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NUnit.Framework.Interfaces;
using Ratus.Api.Tests.Hosting;
using Ratus.Infrastructure.Tests.Support;

namespace Ratus.Api.Tests.Process;

/// A flood of idle connections, as a misbehaving client or an attacker opens them. Without a connection limit below
/// the open-files limit, the server ran out of descriptors, stopped answering, and its memory grew until it died
/// `Out of memory.`; with it, Kestrel closes the connections above the limit and serves the others.
[NonParallelizable]
[Platform(Include = "Linux", Reason = "reads the server's memory from /proc")]
public sealed class ConnectionLimitTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // Generous: the flood itself takes a few megabytes; the runaway this guards against grew by megabytes a second.
    private const long MemoryGrowthBound = 100L << 20;

    private readonly List<Socket> _sockets = [];
    private ServerProcess? _server;

    [TearDown]
    public void TearDown()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        _sockets.Clear();
        if (_server is not null && TestContext.CurrentContext.Result.Outcome.Status != TestStatus.Passed)
        {
            TestContext.Out.WriteLine(_server.Output);
        }

        _server?.Dispose();
    }

    [Test]
    public async Task MaxConnections_MoreIdleConnections_TheExtraAreClosedAndTheOthersServed()
    {
        var port = ServerProcess.FreePort();
        _server = ServerProcess.Start("--port", Text(port), "--bind", "127.0.0.1", "--chore-interval", "0", "--max-connections", "50");

        await FloodAsync(port, maxConnections: 50, connections: 120);
    }

    [Test]
    public async Task OpenFileLimit_MoreIdleConnectionsThanDescriptors_TheDefaultLimitKeepsTheServerServing()
    {
        if (!File.Exists("/usr/bin/prlimit") && !File.Exists("/bin/prlimit"))
        {
            Assert.Ignore("util-linux prlimit is not installed");
        }

        // The runtime alone holds about 300 descriptors (every loaded assembly stays open), so 700 connections
        // exhaust 1,024 descriptors; the default limit is 1,024 - 512.
        var port = ServerProcess.FreePort();
        _server = ServerProcess.StartWithOpenFileLimit(1024, "--port", Text(port), "--bind", "127.0.0.1", "--chore-interval", "0");

        await FloodAsync(port, maxConnections: 512, connections: 700);
        Assert.That(_server.Output, Does.Contain("serving at most 512 connections (open files limit 1024, hard limit 1024)"));
    }

    private async Task FloodAsync(int port, int maxConnections, int connections)
    {
        Assert.That(await _server!.WaitForOutputAsync($"start listening on 127.0.0.1:{port}", StartTimeout), Is.True, "the server did not start");
        var keepAlive = await ConnectAsync(port);
        Assert.That(await GetLivezAsync(keepAlive), Is.EqualTo(HttpStatusCode.OK));
        var memoryBefore = ResidentBytes(_server.Id);

        var flood = new List<Socket>();
        for (var i = 0; i < connections; i++)
        {
            flood.Add(await ConnectAsync(port));
        }

        // The connection the test keeps alive counts against the limit.
        var allowed = maxConnections - 1;
        Assert.That(await Eventually.HoldsAsync(() => flood.Count(ClosedByServer) >= connections - allowed), Is.True,
            $"the server did not close the connections above its limit ({flood.Count(ClosedByServer)} of {connections} closed)");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(flood.Count(ClosedByServer), Is.EqualTo(connections - allowed), "connections closed by the server");
            Assert.That(await GetLivezAsync(keepAlive), Is.EqualTo(HttpStatusCode.OK), "an existing connection is still served");
            Assert.That(ResidentBytes(_server.Id) - memoryBefore, Is.LessThan(MemoryGrowthBound), "memory grew with the flood");
        }

        // Below the limit again, a new connection is served.
        foreach (var socket in flood.Where(s => !ClosedByServer(s)).Take(10))
        {
            socket.Close();
        }

        // The server may not have seen the closes yet: until it has, it closes a new connection unanswered.
        HttpStatusCode? answer = null;
        await Eventually.HoldsAsync(async () => (answer = await TryGetLivezOnNewConnectionAsync(port)) is not null);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(answer, Is.EqualTo(HttpStatusCode.OK), "a new connection is served once connections are closed");
            Assert.That(_server.HasExited, Is.False, "the server exited");
            Assert.That(ResidentBytes(_server.Id) - memoryBefore, Is.LessThan(MemoryGrowthBound), "memory grew with the flood");
            Assert.That(_server.Output, Does.Not.Contain("Too many open files"));
        }
    }

    private async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets.Add(socket);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
        return socket;
    }

    // An orderly close (or a reset) by the server makes an idle socket readable with nothing to read.
    private static bool ClosedByServer(Socket socket)
    {
        try
        {
            return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    // Null when the server closed the connection without answering: it is still at its limit.
    private async Task<HttpStatusCode?> TryGetLivezOnNewConnectionAsync(int port)
    {
        var socket = await ConnectAsync(port);
        try
        {
            return await GetLivezAsync(socket);
        }
        catch (Exception exception) when (exception is SocketException or EndOfStreamException)
        {
            return null;
        }
        finally
        {
            socket.Close();
        }
    }

    // One HTTP/1.1 request on a connection the caller keeps: the whole answer is read so that the next request can
    // follow on the same connection.
    private static async Task<HttpStatusCode> GetLivezAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.SendAsync("GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray(), timeout.Token);
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            received.AddRange(buffer.AsSpan(0, await ReceiveAsync(socket, buffer, timeout.Token)));
        }

        var head = Encoding.ASCII.GetString(received.GetRange(0, headerEnd).ToArray());
        var lines = head.Split("\r\n");
        var length = lines.Skip(1)
            .Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture))
            .Single();
        while (received.Count < headerEnd + 4 + length)
        {
            received.AddRange(buffer.AsSpan(0, await ReceiveAsync(socket, buffer, timeout.Token)));
        }

        return (HttpStatusCode)int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
    }

    private static async Task<int> ReceiveAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var count = await socket.ReceiveAsync(buffer, cancellationToken);
        return count > 0 ? count : throw new EndOfStreamException("the server closed the connection");
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> value) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes).IndexOf(value);

    private static long ResidentBytes(int processId)
    {
        // VmRSS:     90200 kB
        var line = File.ReadLines($"/proc/{Text(processId)}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
