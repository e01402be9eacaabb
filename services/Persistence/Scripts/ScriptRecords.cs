using HeartRule.Infrastructure;

namespace HeartRule.Persistence.Scripts;

/// <summary>One script in the list (the Gateway's chat page reads <c>id</c>, <c>name</c> and <c>latestVersion</c>).</summary>
/// <param name="PublishedVersion">The current version: what a session that names no version runs (publishing sets it, a rollback moves it back); null for a script with drafts only.</param>
/// <param name="OwnerId">The author who created it; null for the samples (admins manage those).</param>
/// <param name="MayChange">Whether the caller may change it (<see cref="ScriptPermissions.MayManage(Caller, ScriptOwners)"/>): the studio opens the others read-only.</param>
public sealed record ScriptSummary(string Id, string Kind, string? Name, int LatestVersion, int? PublishedVersion, string? OwnerId, DateTime CreatedAt, DateTime UpdatedAt, bool MayChange);

/// <summary>
/// A stored version as the services read it (/internal/scripts). <see cref="Deleted"/> is true when the script was
/// deleted after this version was stored: sessions already running on it go on, new ones should not start.
/// </summary>
public sealed record ScriptVersionRecord(
    string ScriptId, string Kind, string? Name, int Version, int LatestVersion, string Yaml, string? Parsed,
    string? Author, string? Notes, DateTime CreatedAt, bool Deleted, bool Published);

/// <summary>A version in a script's history, without its text.</summary>
/// <param name="Current">The version a session that names no version starts.</param>
/// <param name="ErrorCount">Errors validation found: a version with errors is a draft that can be neither published nor started.</param>
/// <param name="WarningCount">Warnings validation found; null for a version stored before warnings were kept.</param>
public sealed record ScriptVersionSummary(int Version, string? Author, string? Notes, DateTime CreatedAt, bool Published, bool Current, int ErrorCount, int? WarningCount);

/// <summary>A stored version with what validation found in it, as the API shows it.</summary>
public sealed record ScriptVersionDetail(
    string ScriptId, string Kind, string? Name, int Version, int LatestVersion, string Yaml, string? Parsed,
    string? Author, string? Notes, DateTime CreatedAt, bool Published, bool Current, int ErrorCount, int? WarningCount, string? Findings);

public enum AddVersionOutcome { Stored, KindMismatch, Forbidden }

public enum ScriptChangeOutcome
{
    Done,
    NotFound,
    Forbidden,
    /// <summary>Publishing refused: the version has errors.</summary>
    HasErrors,
    /// <summary>Publishing refused: the version has warnings nobody accepted.</summary>
    HasWarnings,
    /// <summary>A rollback to a version that was never published.</summary>
    NotPublished,
}

/// <summary>Who may change a script: its creator (null for the samples) and the authors it is shared with.</summary>
public sealed record ScriptOwners(string ScriptId, string Kind, string? OwnerId, IReadOnlyList<string> SharedWith, bool Deleted);

public static class ScriptPermissions
{
    /// <summary>Only authors create scripts (admins too).</summary>
    public static bool MayCreate(Caller caller) => caller.IsAuthorOrAdmin;

    /// <summary>
    /// Adding versions, publishing, sharing and deleting: an admin, or an author who created the script or was given
    /// it. Ownership counts only while the role does: an owner who is no longer an author changes nothing.
    /// </summary>
    public static bool MayManage(Caller caller, ScriptOwners owners) => MayManage(caller, IsOwner(caller, owners));

    /// <param name="owns">The caller created the script, or it is shared with them.</param>
    public static bool MayManage(Caller caller, bool owns) => caller.IsAdmin || (caller.IsAuthorOrAdmin && owns);

    /// <summary>
    /// Watching other people's sessions on a script (read-only, debug frames included) is for the script's own
    /// authors: its creator and the authors it is shared with, while they hold the author or admin role. Unlike
    /// <see cref="MayManage(Caller, ScriptOwners)"/>, being an admin is not enough: an admin may erase a conversation, not read it.
    /// </summary>
    public static bool MayObserveSessions(Caller caller, ScriptOwners owners) => caller.IsAuthorOrAdmin && IsOwner(caller, owners);

    private static bool IsOwner(Caller caller, ScriptOwners owners) =>
        owners.OwnerId == caller.UserId || owners.SharedWith.Contains(caller.UserId);
}

public sealed record AddVersionResult(AddVersionOutcome Outcome, int Version, bool Created, string? StoredKind);
