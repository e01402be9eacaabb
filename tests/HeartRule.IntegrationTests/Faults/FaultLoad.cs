using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace HeartRule.IntegrationTests.Faults;

/// <summary>
/// Steady traffic through both gateway nodes: conversations answer at a fixed overall rate (each one turn at a
/// time), every input's outcome is kept under the name of the phase it was sent in.
/// </summary>
public sealed class FaultLoad(SystemFixture system, int conversations, double turnsPerSecond) : IAsyncDisposable
{
    private readonly List<FaultConversation> _all = [];
    private readonly Channel<FaultConversation> _idle = Channel.CreateUnbounded<FaultConversation>();
    private readonly ConcurrentQueue<InputResult> _results = new();
    private readonly ConcurrentQueue<Anomaly> _anomalies = new();
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile string _phase = "warm-up";
    private Task? _loop;

    public IReadOnlyList<FaultConversation> Conversations => _all;
    public IEnumerable<InputResult> Results => _results;
    public IEnumerable<Anomaly> Anomalies => _anomalies;

    public async Task StartAsync()
    {
        for (var i = 0; i < conversations; i++) _all.Add(new FaultConversation(system, i, _anomalies.Enqueue));
        await Parallel.ForEachAsync(_all, async (c, ct) => await c.StartSessionAsync(ct));
        foreach (var c in _all) _idle.Writer.TryWrite(c);
        _loop = RunAsync();
    }

    /// <summary>Inputs sent from now on count for <paramref name="phase"/>.</summary>
    public void EnterPhase(string phase) => _phase = phase;

    /// <summary>
    /// Waits until traffic is normal again: for <paramref name="calm"/>, every input sent was answered without an
    /// error within <paramref name="normal"/>, and none is still waiting longer than that.
    /// </summary>
    public async Task WaitForCalmAsync(TimeSpan calm, TimeSpan normal, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var calmSince = Stopwatch.GetTimestamp();
        var seen = _results.Count;
        while (Stopwatch.GetElapsedTime(calmSince) < calm)
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"Traffic was not back to normal within {timeout}.");
            await Task.Delay(200);
            var fresh = _results.Skip(seen).ToList();
            seen += fresh.Count;
            if (fresh.Any(r => r.Outcome != InputOutcome.Answered || r.Latency > normal) || _idle.Reader.Count == conversations && fresh.Count == 0)
                calmSince = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>Stops sending and waits for every input already sent to end (answered, or given up as lost).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        await Task.WhenAll(_inFlight.Keys);
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / turnsPerSecond));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (!_idle.Reader.TryRead(out var conversation)) continue; // all busy: the tick is skipped
                var turn = TurnAsync(conversation);
                _inFlight[turn] = 0;
                _ = turn.ContinueWith(t => _inFlight.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task TurnAsync(FaultConversation conversation)
    {
        if (conversation.NeedsNewSession) await conversation.StartSessionAsync(CancellationToken.None);
        _results.Enqueue(await conversation.SayAsync(_phase, CancellationToken.None));
        _idle.Writer.TryWrite(conversation);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        foreach (var c in _all) await c.CloseAsync();
        _stop.Dispose();
    }
}
