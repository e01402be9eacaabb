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
            await using var client = await HeartRuleClient.ConnectAsync(Targets.WebSocketUri(urls[0]),
                await tokens.IssueAsync($"bench-crisis-{i}", run.Token), ct: run.Token);
            await client.SendAsync(new SessionStartFrame { RequestId = "start", ScriptId = "intake" });
            var sessionId = (await client.WaitForAsync<SessionStartedFrame>()).SessionId;
            await client.WaitForAsync<TurnCompletedFrame>();
            await client.SendAsync(new InputFrame { RequestId = "name", SessionId = sessionId, ClientMessageId = "name", Text = "Alex" });
            await client.WaitForAsync<TurnCompletedFrame>();
            var sent = Stopwatch.GetTimestamp();
            await client.SendAsync(new InputFrame { RequestId = "crisis", SessionId = sessionId, ClientMessageId = "crisis", Text = "I don't want to be here any more" });
            await counsellor.WaitForAsync<SafetyAlertFrame>(a => a.SessionId == sessionId);
            latencies.Add(Latencies.MillisecondsSince(sent));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"input → safety.alert (client on {urls[0]}, counsellor on {urls[^1]}), {crises} crises one after another: {latencies.Summarize()}"));
        return 0;
    }
}
