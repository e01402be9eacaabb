using System.Collections.Concurrent;
using System.Net;

namespace HeartRule.LoadTest;

/// <summary>
/// Opens the i-th connection of a run: to server i mod n, from the next source address, as user
/// i / connectionsPerUser (the Gateway caps connections per user and rate-limits per user).
/// </summary>
public sealed class Connector
{
    private readonly TargetKind _target;
    private readonly IReadOnlyList<Uri> _servers;
    private readonly HttpMessageInvoker _invoker;
    private readonly IReadOnlyList<IPAddress> _sources;
    private readonly int _connectionsPerUser;
    private readonly string _userPrefix;
    private readonly int _payloadBytes;
    private readonly ConcurrentDictionary<string, Task<string>> _tokens = new();
    private readonly DevTokens? _issuer;

    public Connector(TargetKind target, IReadOnlyList<Uri> servers, IReadOnlyList<IPAddress> sources, int connectionsPerUser, string userPrefix, int payloadBytes)
    {
        _target = target;
        _servers = servers;
        _sources = sources;
        _invoker = SourceBinding.CreateInvoker(sources);
        _connectionsPerUser = Math.Max(1, connectionsPerUser);
        _userPrefix = userPrefix;
        _payloadBytes = payloadBytes;
        if (target != TargetKind.SignalR) _issuer = new DevTokens(servers[0]);
    }

    public async Task<IHeldConnection> OpenAsync(int index, CancellationToken ct)
    {
        var server = _servers[index % _servers.Count];
        if (_target == TargetKind.SignalR) return await SignalRHeld.ConnectAsync(server, _invoker, _payloadBytes, ct);
        if (_target == TargetKind.Raw) return await HeartRuleHeld.ConnectAsync(new Uri(server, "/raw"), await RawTokenAsync(index), _invoker, ct);
        var user = $"{_userPrefix}-u{index / _connectionsPerUser}";
        // Any node's token is good on every node (same signing key), so one issuer serves all.
        var token = await _tokens.GetOrAdd(user, u => _issuer!.IssueAsync(u, CancellationToken.None));
        if (_target == TargetKind.HeartRuleKeptAlive) return await AfterPageRequestAsync(server, token, ct);
        return await HeartRuleHeld.ConnectAsync(server, token, _invoker, ct);
    }

    // One connection per socket: the page request opens it, and the upgrade can only go over the same one.
    private async Task<IHeldConnection> AfterPageRequestAsync(Uri server, string token, CancellationToken ct)
    {
        var invoker = SourceBinding.CreateInvoker(_sources, maxConnections: 1);
        using (var page = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/")), ct))
        {
            page.EnsureSuccessStatusCode();
            await page.Content.CopyToAsync(Stream.Null, ct);
        }
        return await HeartRuleHeld.ConnectAsync(server, token, invoker, ct);
    }

    // A server that issues dev tokens gets a real one (its middleware then does the same work as for /ws); others ignore it.
    private async Task<string> RawTokenAsync(int index)
    {
        try
        {
            return await _tokens.GetOrAdd($"{_userPrefix}-u{index / _connectionsPerUser}", u => _issuer!.IssueAsync(u, CancellationToken.None));
        }
        catch (HttpRequestException)
        {
            return "none";
        }
    }

    /// <summary>For the turn mode, which speaks the whole protocol on its sockets.</summary>
    public HttpMessageInvoker Invoker => _invoker;

    public Task<string> TokenForAsync(string userId) => _tokens.GetOrAdd(userId, u => _issuer!.IssueAsync(u, CancellationToken.None));

    /// <summary>Opens connections first..first+count-1, a few at a time; failures are counted, not thrown.</summary>
    public async Task<List<IHeldConnection>> OpenManyAsync(int first, int count, int concurrency, Action<IHeldConnection> opened, Action<Exception> failed, CancellationToken ct)
    {
        var result = new ConcurrentBag<IHeldConnection>();
        await Parallel.ForEachAsync(Enumerable.Range(first, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (i, token) =>
            {
                try
                {
                    var connection = await OpenAsync(i, token);
                    result.Add(connection);
                    opened(connection);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    failed(ex);
                }
            });
        return [.. result];
    }
}
