using System.Collections.Concurrent;

namespace HeartRule.Gateway.Connections;

public enum FrameAdmission { Allowed, Limited, Abusive }

/// <summary>
/// Per-user connection caps and rate limits of this gateway node: each socket has its own token bucket, and
/// all of a user's sockets share another, so opening more sockets does not buy more throughput.
/// </summary>
public sealed class ConnectionLimits(GatewayOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, UserState> _users = new();

    public bool TryOpen(string userId)
    {
        while (true)
        {
            var user = _users.GetOrAdd(userId, _ => new UserState(new TokenBucket(options.UserBurst, options.UserFramesPerSecond, time)));
            lock (user)
            {
                if (user.Removed) continue; // lost a race with the last close; take the fresh entry
                if (user.Connections >= options.MaxConnectionsPerUser) return false;
                user.Connections++;
                return true;
            }
        }
    }

    public void Close(string userId)
    {
        if (!_users.TryGetValue(userId, out var user)) return;
        lock (user)
        {
            if (--user.Connections > 0) return;
            user.Removed = true;
            _users.TryRemove(userId, out _);
        }
    }

    public TokenBucket NewConnectionBucket() => new(options.ConnectionBurst, options.ConnectionFramesPerSecond, time);

    /// <summary>Admits a frame, or says it is over a limit; a socket that keeps pushing past the limit is abusive.</summary>
    public FrameAdmission Admit(ClientConnection connection)
    {
        var allowed = connection.Bucket.TryTake() && _users.TryGetValue(connection.UserId, out var user) && user.Bucket.TryTake();
        if (allowed)
        {
            connection.RateLimitStrikes = 0;
            return FrameAdmission.Allowed;
        }
        return ++connection.RateLimitStrikes > options.RateLimitStrikes ? FrameAdmission.Abusive : FrameAdmission.Limited;
    }

    private sealed class UserState(TokenBucket bucket)
    {
        public TokenBucket Bucket { get; } = bucket;
        public int Connections;
        public bool Removed;
    }
}
