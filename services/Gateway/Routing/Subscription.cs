using HeartRule.Contracts;
using HeartRule.Gateway.Connections;

namespace HeartRule.Gateway.Routing;

/// <summary>
/// One socket's view of one session. It hands the socket every sequenced event exactly once and in order:
/// events at or below <see cref="LastSeq"/> are dropped (a replay overlapping live events), and a gap is
/// filled from the event log before anything after it is sent.
/// </summary>
public sealed class Subscription(ClientConnection connection, Guid sessionId, bool debug, long lastSeq)
{
    // Closed at birth: live events wait until Open has sent the socket its opening frame and the replay.
    private readonly SemaphoreSlim _gate = new(0, 1);
    private readonly SortedDictionary<long, RoutedFrame> _pending = new();
    private int _repairScheduled;
    private long _gapSince;
    /// <summary>How long a gap may stay unfilled before it is given up as unrecoverable.</summary>
    private static readonly TimeSpan GapTimeout = TimeSpan.FromSeconds(10);

    public ClientConnection Connection { get; } = connection;
    public Guid SessionId { get; } = sessionId;
    public bool Debug { get; } = debug;
    public long LastSeq { get; private set; } = lastSeq;

    /// <summary>
    /// Sends <paramref name="opening"/> (session.started or session.attached), then what the socket missed, a page at a
    /// time (each once the one before has been written: the send queue is bounded), then opens the gate to live events.
    /// </summary>
    public async Task OpenAsync(Action opening, IAsyncEnumerable<IReadOnlyList<RoutedFrame>> missed, EventLog log, CancellationToken ct)
    {
        try
        {
            opening();
            await foreach (var page in missed.WithCancellation(ct))
            {
                await Connection.WaitUntilSentAsync(ct);
                await DeliverLockedAsync(page, log, ct);
            }
        }
        finally
        {
            _gate.Release();
        }
        if (_pending.Count > 0) ScheduleRepair(log);
    }

    public async Task DeliverAsync(IEnumerable<RoutedFrame> frames, EventLog log, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await DeliverLockedAsync(frames, log, ct);
        }
        finally
        {
            _gate.Release();
        }
        if (_pending.Count > 0) ScheduleRepair(log);
    }

    /// <summary>
    /// Sends whatever the event log holds after <see cref="LastSeq"/>: for events that were routed to this node while
    /// its queue did not exist (the broker restarted), which no later event would reveal as a gap.
    /// </summary>
    public async Task CatchUpAsync(EventLog log, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await DeliverLockedAsync(await log.ReadAsync(SessionId, LastSeq, null, ct), log, ct);
        }
        finally
        {
            _gate.Release();
        }
        if (_pending.Count > 0) ScheduleRepair(log);
    }

    private async Task DeliverLockedAsync(IEnumerable<RoutedFrame> frames, EventLog log, CancellationToken ct)
    {
        foreach (var frame in frames)
        {
            if (frame.Seq is not { } seq)
            {
                Connection.Send(frame);
            }
            else if (seq > LastSeq)
            {
                _pending[seq] = frame;
            }
        }
        Drain();
        if (_pending.Count == 0)
        {
            _gapSince = 0;
            return;
        }
        var missingUpTo = _pending.Keys.First() - 1;
        foreach (var frame in await log.ReadAsync(SessionId, LastSeq, missingUpTo, ct))
        {
            if (frame.Seq > LastSeq) _pending.TryAdd(frame.Seq!.Value, frame);
        }
        Drain();
        if (_pending.Count == 0)
        {
            _gapSince = 0;
        }
        else if (_gapSince == 0)
        {
            _gapSince = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        else if (System.Diagnostics.Stopwatch.GetElapsedTime(_gapSince) > GapTimeout)
        {
            // Neither the event log nor the stored transcript has the missing events: rather than hold this socket's
            // session back forever, go on from what is there (the client can still read the transcript over HTTP).
            LastSeq = _pending.Keys.First() - 1;
            _gapSince = 0;
            Drain();
        }
    }

    private void Drain()
    {
        while (_pending.Remove(LastSeq + 1, out var next))
        {
            Connection.Send(next, Debug);
            LastSeq++;
        }
        // Anything at or below LastSeq that was still pending is a duplicate.
        foreach (var stale in _pending.Keys.Where(k => k <= LastSeq).ToList()) _pending.Remove(stale);
    }

    /// <summary>The missing events were not written yet (another router is behind): look again shortly.</summary>
    private void ScheduleRepair(EventLog log)
    {
        if (Interlocked.Exchange(ref _repairScheduled, 1) == 1) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            Interlocked.Exchange(ref _repairScheduled, 0);
            if (Connection.IsClosed) return;
            try
            {
                await DeliverAsync([], log, CancellationToken.None);
            }
            catch (Exception)
            {
                // Redis or Persistence did not answer: the gap is still there, so look again later rather than lose it.
                ScheduleRepair(log);
            }
        });
    }
}
