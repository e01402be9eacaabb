using HeartRule.Contracts;
using Microsoft.Extensions.Caching.Memory;

namespace HeartRule.Sessions;

/// <summary>
/// The turns this instance has seen through to the broker and the sockets, the last one per session. A session's next
/// turn is committed only once the turn before it is known to be published: otherwise a client that sent its next
/// input before its answer came could have that input's turn committed over a turn whose publish had failed, and
/// the failed one, no longer the session's last, would never be published again (a turn missing from the database).
/// Kept in memory rather than in Redis, which would cost a write per turn: all inputs of a session reach the one
/// instance that holds its partition, so the answer is almost always here; when it is not (a restart, a partition
/// taken over), the turn is published once more, which Persistence and the sockets take as the repeat it is.
/// </summary>
public sealed class PublishedTurns : IDisposable
{
    /// <summary>Sessions remembered; beyond it the least recently used are forgotten, which costs one republish each.</summary>
    public const int Capacity = 100_000;

    private static readonly TimeSpan Forget = TimeSpan.FromHours(1);
    private readonly MemoryCache _last = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public void Remember(TurnCompleted turn) =>
        _last.Set(turn.SessionId, (turn.Turn, turn.CompletedAt), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = Forget });

    /// <summary>
    /// Whether this very turn was published. Its time tells it apart from a turn of the same number committed after
    /// the session was restored from the database behind it.
    /// </summary>
    public bool Knows(TurnCompleted turn) =>
        _last.TryGetValue(turn.SessionId, out (int Turn, DateTimeOffset CompletedAt) last) && last == (turn.Turn, turn.CompletedAt);

    public void Dispose() => _last.Dispose();
}
