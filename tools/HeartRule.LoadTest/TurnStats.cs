using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace HeartRule.LoadTest;

/// <summary>The measured window of a turns run: latencies by step, errors by code, what the schedule could not send.</summary>
public sealed class TurnStats
{
    private readonly Latencies _ack = new(), _lastMessage = new(), _exLlm = new(), _completed = new(), _firstDelta = new();
    private readonly Latencies _toCommit = new(), _commitToClient = new(), _llm = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private long _windowStart, _ok, _missed, _restarts, _restartFailures;
    // Worst turn latency by the second its input was sent in: a stall shows as a run of slow seconds, queueing as a spread.
    private readonly ConcurrentDictionary<long, double> _worstBySecond = new();

    public int Errors => _errors.Values.Sum();

    public long Ok => Interlocked.Read(ref _ok);

    public long MissedSlots => Interlocked.Read(ref _missed);

    public Latencies.Summary TurnLatency => _lastMessage.Summarize();

    public Latencies.Summary TurnLatencyExcludingLlm => _exLlm.Summarize();

    public void StartWindow() => _windowStart = Stopwatch.GetTimestamp();

    public TimeSpan EndWindow() => Stopwatch.GetElapsedTime(_windowStart);

    public void Missed() => Interlocked.Increment(ref _missed);

    public void Restarted(bool ok)
    {
        Interlocked.Increment(ref _restarts);
        if (!ok) Interlocked.Increment(ref _restartFailures);
    }

    public void Add(TurnTiming t)
    {
        if (!t.Ok)
        {
            _errors.AddOrUpdate(t.Error ?? "unknown", 1, (_, n) => n + 1);
            return;
        }
        Interlocked.Increment(ref _ok);
        var last = t.LastMessageAt != 0 ? t.LastMessageAt : t.CompletedAt;
        var latency = Latencies.Milliseconds(t.SentAt, last);
        _lastMessage.Add(latency);
        var second = (long)Stopwatch.GetElapsedTime(_windowStart, t.SentAt).TotalSeconds;
        _worstBySecond.AddOrUpdate(second, latency, (_, worst) => Math.Max(worst, latency));
        _exLlm.Add(latency - t.LlmMs);
        _llm.Add(t.LlmMs);
        _completed.Add(Latencies.Milliseconds(t.SentAt, t.CompletedAt));
        if (t.AckAt != 0) _ack.Add(Latencies.Milliseconds(t.SentAt, t.AckAt));
        if (t.FirstDeltaAt != 0) _firstDelta.Add(Latencies.Milliseconds(t.SentAt, t.FirstDeltaAt));
        if (t.CommittedWall is { } committed)
        {
            // Sessions stamps the messages when it commits the turn: same machine, same clock.
            var toCommit = (committed - t.SentWall).TotalMilliseconds;
            _toCommit.Add(toCommit);
            _commitToClient.Add(latency - toCommit);
        }
    }

    public string Progress() => $"turns ok {Interlocked.Read(ref _ok)}, errors {Errors}, missed slots {Interlocked.Read(ref _missed)}";

    public void Report(string label, double rate, TimeSpan window, int conversations, int requested)
    {
        var main = _lastMessage.Summarize();
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT turns {label}: offered {rate}/s with {conversations}/{requested} conversations for {window.TotalSeconds:F0}s; " +
            $"sustained {_ok / window.TotalSeconds:F1} turns/s ok, errors {Errors} ({string.Join(", ", _errors.Select(e => $"{e.Key}×{e.Value}"))}), " +
            $"missed slots {_missed} (no idle conversation), session restarts {_restarts} ({_restartFailures} failed)"));
        Console.WriteLine("| measure (ms) | n | p50 | p95 | p99 | max |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Row("input → last message (turn latency)", main);
        Row("  same, excluding LLM time", _exLlm.Summarize());
        Row("  LLM time in the turn (offline)", _llm.Summarize());
        Row("input → ack", _ack.Summarize());
        Row("input → first message.delta", _firstDelta.Summarize());
        Row("input → committed by Sessions", _toCommit.Summarize());
        Row("committed → last message at client", _commitToClient.Summarize());
        Row("input → turn.completed", _completed.Summarize());
        Console.WriteLine("  worst turn latency (ms) by second of the window: " + string.Join(" ",
            _worstBySecond.OrderBy(kv => kv.Key).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}:{kv.Value:F0}"))));
    }

    private static void Row(string name, Latencies.Summary s) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {s.Count} | {s.P50:F1} | {s.P95:F1} | {s.P99:F1} | {s.Max:F1} |"));
}
