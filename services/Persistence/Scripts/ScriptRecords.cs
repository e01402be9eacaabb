namespace HeartRule.Persistence.Scripts;

/// <summary>One script in the list (the Gateway's chat page reads <c>id</c>, <c>name</c> and <c>latestVersion</c>).</summary>
public sealed record ScriptSummary(string Id, string Kind, string? Name, int LatestVersion, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>
/// A stored version as the services read it (/internal/scripts). <see cref="Deleted"/> is true when the script was
/// deleted after this version was stored: sessions already running on it go on, new ones should not start.
/// </summary>
public sealed record ScriptVersionRecord(
    string ScriptId, string Kind, string? Name, int Version, int LatestVersion, string Yaml, string? Parsed,
    string? Author, string? Notes, DateTime CreatedAt, bool Deleted);

/// <summary>A version in a script's history, without its text.</summary>
public sealed record ScriptVersionSummary(int Version, string? Author, string? Notes, DateTime CreatedAt);

public enum AddVersionOutcome { Stored, KindMismatch }

public sealed record AddVersionResult(AddVersionOutcome Outcome, int Version, bool Created, string? StoredKind);
