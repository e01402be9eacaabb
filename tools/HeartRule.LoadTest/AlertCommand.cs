using System.Diagnostics;
using System.Globalization;
using HeartRule.Client;
using HeartRule.Protocol;

namespace HeartRule.LoadTest;

/// <summary>
/// The safety net's alert latency (issue 13: a counsellor's socket on another node within 1 s): a counsellor
/// subscribes on the last gateway node; one crisis after another, a client on the first node answers the intake's
/// first question, then writes words the screen acts on; the time from sending them to the counsellor's
/// <c>safety.alert</c> is measured (the turn included: screen, crisis response, commit, flag, fan-out).
/// </summary>
public static class AlertCommand
{
    public static async Task<int> RunAsync(CommandLine options)
    {
        var urls = options.List("urls", "http://127.0.0.1:28080").Select(u => new Uri(u)).ToList();
        var crises = options.Int("crises", 50);
        options.EnsureAllRead();
        using var run = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var tokens = new DevTokens(urls[0]);
        await using var counsellor = await HeartRuleClient.ConnectAsync(Targets.WebSocketUri(urls[^1]),
            await tokens.IssueAsync("bench-counsellor", run.Token, "counsellor"), ct: run.Token);
        await counsellor.SendAsync(new SafetySubscribeFrame { RequestId = "subscribe" });
        await counsellor.WaitForAsync<SafetySubscribedFrame>();

        var latencies = new Latencies();
        for (var i = 0; i < crises; i++)
        {
            var user = $"bench-crisis-{i}";
            // The client as applications write one: the SDK's connection.
            await using var client = await HeartRuleConnection.ConnectAsync(new HeartRuleConnectionOptions
            {
                Gateways = [Targets.WebSocketUri(urls[0])],
                AccessToken = ct => tokens.IssueAsync(user, ct),
            }, run.Token);
            var sessionId = await client.StartAsync("intake", ct: run.Token);
            await TurnEndedAsync(client, run.Token);
            await client.SendAsync(sessionId, "Alex", ct: run.Token);
            await TurnEndedAsync(client, run.Token);
            var sent = Stopwatch.GetTimestamp();
            await client.SendAsync(sessionId, "I don't want to be here any more", ct: run.Token);
            await counsellor.WaitForAsync<SafetyAlertFrame>(a => a.SessionId == sessionId);
            latencies.Add(Latencies.MillisecondsSince(sent));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"input → safety.alert (client on {urls[0]}, counsellor on {urls[^1]}), {crises} crises one after another: {latencies.Summarize()}"));
        return 0;
    }

    private static async Task TurnEndedAsync(HeartRuleConnection client, CancellationToken ct)
    {
        while (await client.Events.ReadAsync(ct) is not TurnEnded)
        {
        }
    }
}
