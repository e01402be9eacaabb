using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;
using static HeartRule.Persistence.Tests.Fixtures.TestTurns;

namespace HeartRule.Persistence.Tests;

/// <summary>Flags raised by turns that gave the crisis response: stored once with their turn, queued by severity, resolved by counsellors.</summary>
[Collection(ServersCollection.Name)]
public sealed class SafetyFlagsTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private TurnWriter _writer = null!;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync()
    {
        (_host, _) = await servers.HostAsync("safety");
        _writer = _host.Get<TurnWriter>();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Guid> SessionAsync(string user, string? level)
    {
        var id = Guid.NewGuid();
        await _writer.WriteAsync(Turn(id, 0, user), CancellationToken.None);
        if (level is not null)
        {
            var turn = Flagged(id, 1, level, user);
            await _writer.WriteAsync(turn, CancellationToken.None);
            await _writer.WriteAsync(turn, CancellationToken.None);
        }
        return id;
    }

    [Fact]
    public async Task Flags_are_queued_most_severe_first_once_each_and_leave_the_queue_when_resolved()
    {
        var user = $"client-{_run}";
        var high = await SessionAsync(user, "high");
        var imminent = await SessionAsync(user, "imminent");
        var calm = await SessionAsync(user, null);
        var counsellor = _host.Client($"counsellor-{_run}", Roles.Counsellor);

        var open = (await JsonAsync(await counsellor.GetAsync("/api/safety/flags?pageSize=100"))).GetProperty("items").EnumerateArray()
            .Where(f => f.GetProperty("userId").GetString() == user).ToList();
        Assert.Equal([imminent, high], open.Select(f => f.GetProperty("sessionId").GetGuid()));
        var first = open[0];
        Assert.Equal((13L, "imminent", "screen:suicide"), (first.GetProperty("seq").GetInt64(), first.GetProperty("riskLevel").GetString(), first.GetProperty("reason").GetString()));
        Assert.Single(first.GetProperty("evidenceMessageIds").EnumerateArray());

        var owner = _host.Client(user);
        Assert.Equal("high", (await JsonAsync(await owner.GetAsync($"/api/sessions/{high}"))).GetProperty("riskLevel").GetString());
        var calmDetail = await JsonAsync(await owner.GetAsync($"/api/sessions/{calm}"));
        Assert.Equal((JsonValueKind.Null, false), (calmDetail.GetProperty("riskLevel").ValueKind, calmDetail.GetProperty("suspended").GetBoolean()));

        Assert.Equal(HttpStatusCode.NoContent, (await counsellor.PostAsync($"/api/safety/flags/{imminent}/13/resolve", null)).StatusCode);
        await IsProblemAsync(await counsellor.PostAsync($"/api/safety/flags/{imminent}/13/resolve", null), ErrorCodes.NotFound);
        var resolved = (await JsonAsync(await counsellor.GetAsync("/api/safety/flags?status=resolved&pageSize=100"))).GetProperty("items").EnumerateArray()
            .Single(f => f.GetProperty("sessionId").GetGuid() == imminent);
        Assert.Equal($"counsellor-{_run}", resolved.GetProperty("resolvedBy").GetString());
        Assert.Null((await JsonAsync(await owner.GetAsync($"/api/sessions/{imminent}"))).GetProperty("riskLevel").GetString());

        await IsProblemAsync(await owner.GetAsync("/api/safety/flags"), ErrorCodes.Forbidden);
        await IsProblemAsync(await _host.Client($"author-{_run}", Roles.Author).PostAsync($"/api/safety/flags/{high}/13/resolve", null), ErrorCodes.Forbidden);
    }
}
