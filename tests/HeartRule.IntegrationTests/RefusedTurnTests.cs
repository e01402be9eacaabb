using System.Diagnostics;
using HeartRule.Protocol;
using Npgsql;

namespace HeartRule.IntegrationTests;

/// <summary>A committed turn the broker does not take for storing, while the client's next input is already on its way.</summary>
[Collection(SystemCollection.Name)]
public sealed class RefusedTurnTests(SystemFixture system)
{
    private const string RefuseTurns = "refuse-turns";

    /// <summary>
    /// The broker refuses every turn sent for storing (a policy on Persistence's queue, as a full queue would): the
    /// input's turn is committed, its publish fails, and the input is handled again until the broker takes it. The
    /// client is answered then, and the turn is stored once.
    /// </summary>
    [Fact]
    public async Task A_turn_the_broker_refused_is_stored_and_delivered_once_the_broker_takes_it()
    {
        await using var client = await system.ConnectAsync("refused-turn");
        var (sessionId, _) = await client.StartAsync("intake");

        var refusedBefore = Refusals();
        await RabbitMqCtlAsync("set_policy", "--apply-to", "queues", RefuseTurns, "^turn-completed$", """{"max-length":0,"overflow":"reject-publish"}""");
        try
        {
            await client.SendAsync(new InputFrame { RequestId = "r1", SessionId = sessionId, ClientMessageId = "c1", Text = "Alex" });
            await client.WaitForAsync<AckFrame>(a => a.RequestId == "r1");
            await system.Instances.WaitUntilAsync(() => Refusals() > refusedBefore, TimeSpan.FromSeconds(30), "the broker to refuse the turn");
        }
        finally
        {
            await RabbitMqCtlAsync("clear_policy", RefuseTurns);
        }

        var turn = await client.ReadTurnAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(["Nice to meet you, Alex. What brings you here today?"], turn.AiTexts);
        await system.WaitUntilStoredAsync(sessionId, 2);
        Assert.Equal([1L, 2L, 4L, 5L], await StoredSeqsAsync(sessionId));
    }

    /// <summary>
    /// A session's next turn is committed only once the turn before it is known to be published: were it committed
    /// over a turn whose publish had failed, that turn would no longer be the session's last, the only one the retry of
    /// its input publishes again, and it would never reach the database. What one instance knows is lost with it, so
    /// after a restart the turn before is published once more, which the sockets and the database take as the repeat
    /// it is.
    /// </summary>
    [Fact]
    public async Task After_a_restart_of_Sessions_the_turn_before_the_next_one_is_published_again_and_still_stored_and_shown_once()
    {
        await using var client = await system.ConnectAsync("republished-turn");
        var (sessionId, _) = await client.StartAsync("intake");
        var first = await client.SayAsync(sessionId, "Alex");
        // Published by the instance that committed it, the turn before is not published again.
        Assert.DoesNotContain(SessionsLogs(), l => l.Contains($"Session {sessionId}: turn 0 is not known to be published", StringComparison.Ordinal));

        for (var replica = 0; replica < system.Instances.Of("sessions").Count; replica++)
        {
            await system.Instances.StopAsync("sessions", replica);
            await system.Instances.StartAsync("sessions", replica);
        }

        var second = await client.SayAsync(sessionId, "trouble sleeping");
        Assert.Equal(["Thank you, Alex. Together we will work on trouble sleeping."], second.AiTexts);
        Assert.Equal(first.Completed.Seq + 1, second.Messages[0].Seq);
        Assert.Contains(SessionsLogs(), l => l.Contains($"Session {sessionId}: turn 1 is not known to be published", StringComparison.Ordinal));
        await system.WaitUntilStoredAsync(sessionId, 3);
        Assert.Equal([1L, 2L, 4L, 5L, 7L, 8L], await StoredSeqsAsync(sessionId));
    }

    private async Task<List<long>> StoredSeqsAsync(Guid sessionId)
    {
        await using var db = new NpgsqlConnection(await system.ConnectionStringAsync("heartrule"));
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT seq FROM messages WHERE session_id = @id ORDER BY seq", db);
        cmd.Parameters.AddWithValue("id", sessionId);
        var seqs = new List<long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) seqs.Add(reader.GetInt64(0));
        return seqs;
    }

    private int Refusals() => SessionsLogs().Count(l => l.Contains("Message rejected by broker", StringComparison.Ordinal));

    private IEnumerable<string> SessionsLogs() =>
        Enumerable.Range(0, system.Instances.Of("sessions").Count).SelectMany(i => system.Instances.Logs("sessions", i)).ToList();

    /// <summary>rabbitmqctl against the test broker, with the node name, port mapper and cookie it was started with.</summary>
    private async Task RabbitMqCtlAsync(params string[] args)
    {
        var environment = system.Instances.Instance("messaging").Snapshot.EnvironmentVariables.ToDictionary(v => v.Name, v => v.Value);
        var start = new ProcessStartInfo("/usr/lib/rabbitmq/bin/rabbitmqctl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var name in new[] { "HOME", "ERL_EPMD_PORT", "ERL_EPMD_ADDRESS" }) start.Environment[name] = environment[name];
        foreach (var arg in new[] { "-q", "-n", environment["RABBITMQ_NODENAME"]! }.Concat(args)) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {string.Join(' ', args)} failed: {await output}{await error}");
    }
}
