using HeartRule.Infrastructure;

namespace HeartRule.Gateway.Connections;

/// <summary>Who a socket's token names, what they may do, and until when the token holds.</summary>
public sealed record TokenUser(string UserId, IReadOnlySet<string> Roles, DateTimeOffset ExpiresAt)
{
    /// <summary>Debug frames carry the full LLM prompts: for the people who write scripts.</summary>
    public bool MayDebug => Roles.Contains(Infrastructure.Roles.Author) || Roles.Contains(Infrastructure.Roles.Admin);

    /// <summary>The safety net's alerts name people at risk: for counsellors and admins.</summary>
    public bool MayWatchSafety => Roles.Contains(Infrastructure.Roles.Counsellor) || Roles.Contains(Infrastructure.Roles.Admin);

    /// <summary>Takes conversations over when the safety net flags them: a person, so counsellors only.</summary>
    public bool IsCounsellor => Roles.Contains(Infrastructure.Roles.Counsellor);

    /// <summary>May ask to watch someone else's session (Persistence decides which: a script's authors, or counsellors on a flagged one).</summary>
    public bool MayWatchOthers => MayDebug || IsCounsellor;
}
