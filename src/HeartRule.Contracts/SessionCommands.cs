using System.Text.Json;

namespace HeartRule.Contracts;

// Contracts evolve additively: a new optional member is fine, a renamed or retyped one is a new record.

/// <summary>Gateway → Sessions: create a session on a script and run its first turn.</summary>
public sealed record StartSession
{
    public required Guid SessionId { get; init; }
    public required string UserId { get; init; }
    public required string ScriptId { get; init; }
    public int? ScriptVersion { get; init; }
    public IReadOnlyDictionary<string, JsonElement>? InitialVariables { get; init; }
    public string? RequestId { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
    /// <summary>The starting socket debugs: the LLM's prompts and replies of the session's turns are recorded.</summary>
    public bool Debug { get; init; }
    /// <summary>The starting user's roles (null: a client). Clients start only on published versions.</summary>
    public IReadOnlyList<string>? Roles { get; init; }
    /// <summary>The session's locale (a well-formed BCP 47 tag); null: the script's language, else English.</summary>
    public string? Locale { get; init; }
    /// <summary>The locale of whoever asked (the socket's, or the HTTP request's): a refusal is worded in it.</summary>
    public string? ClientLocale { get; init; }
}

/// <summary>Gateway → Sessions: one user input, accepted (acked) by the Gateway once this is on the broker.</summary>
public sealed record SubmitInput
{
    public required Guid SessionId { get; init; }
    public required string UserId { get; init; }
    public required string ClientMessageId { get; init; }
    public string? RequestId { get; init; }
    /// <summary>May be empty: the "next" acknowledgement.</summary>
    public required string Text { get; init; }
    /// <summary>
    /// The order in which gateways accepted the session's inputs (1, 2, 3 …; 0 when unknown). The broker and
    /// a concurrent consumer can hand inputs over out of order; Sessions restores this order.
    /// </summary>
    public long InputSeq { get; init; }
    /// <summary>The gateway node and socket that accepted the input: a refusal goes back to them even if that socket is not attached.</summary>
    public ReplyAddress? ReplyTo { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    /// <summary>The locale of the socket that sent the input: a refusal is worded in it.</summary>
    public string? ClientLocale { get; init; }
}

public sealed record ReplyAddress(string NodeId, string ConnectionId);

/// <summary>
/// Gateway → Sessions (the session's partition queue, numbered with its inputs): a counsellor takes the conversation
/// over, speaks in it, or hands it back (docs/safety.md). Only counsellors send it; only the holder may speak or hand back.
/// </summary>
public sealed record CounsellorCommand
{
    public required Guid SessionId { get; init; }
    public required string CounsellorId { get; init; }
    public IReadOnlyList<string>? Roles { get; init; }
    /// <summary><see cref="CounsellorActions"/>.</summary>
    public required string Action { get; init; }
    /// <summary>Unique per command, reused on retry: a retry is recognised like a client input's.</summary>
    public required string ClientMessageId { get; init; }
    /// <summary>What the counsellor says (<see cref="CounsellorActions.Say"/>).</summary>
    public string? Text { get; init; }
    public string? RequestId { get; init; }
    /// <summary>Numbered with the session's inputs, so a counsellor's words and the client's keep the order they were accepted in.</summary>
    public long InputSeq { get; init; }
    public ReplyAddress? ReplyTo { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public string? ClientLocale { get; init; }
}

public static class CounsellorActions
{
    public const string Take = "take";
    public const string Say = "say";
    public const string Release = "release";
}
