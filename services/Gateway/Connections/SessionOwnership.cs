using HeartRule.Gateway.Routing;
using HeartRule.Infrastructure;

namespace HeartRule.Gateway.Connections;

/// <summary>
/// Who owns which session: the Redis record, else the database (once, then cached in Redis).
/// </summary>
public sealed class SessionOwnership(SessionOwners owners, TranscriptClient transcript)
{
    /// <summary>The owner's user id, or null when the session does not exist.</summary>
    public async Task<string?> GetOwnerAsync(Guid sessionId, CancellationToken ct)
    {
        if (await owners.GetAsync(sessionId) is { } owner) return owner;
        var stored = await transcript.GetOwnerAsync(sessionId, ct);
        if (stored is not null) await owners.RecordAsync(sessionId, stored);
        return stored;
    }
}
