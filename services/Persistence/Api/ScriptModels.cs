using System.Text.Json;
using HeartRule.Infrastructure;

namespace HeartRule.Persistence.Api;

/// <summary>An upload: the YAML text of a session or technique script (its id is its session_id or topic_id).</summary>
/// <param name="Yaml">The whole script, as it would be in a .yaml file.</param>
/// <param name="Notes">What changed in this version, for the version list.</param>
public sealed record ScriptUpload(string? Yaml, string? Notes);

/// <param name="Created">True when this upload created the script (version 1 of a new id).</param>
public sealed record ScriptUploaded(string Id, string Kind, string? Name, int Version, bool Created, IReadOnlyList<ProblemIssue> Warnings);

/// <param name="Exists">Whether a live script with this id exists, i.e. whether an upload would add a version.</param>
public sealed record ScriptValidated(bool Valid, string Id, string Kind, string? Name, bool Exists, IReadOnlyList<ProblemIssue> Warnings);

/// <summary>One version of a script with its text and its parsed form (the YAML as JSON).</summary>
public sealed record ScriptVersionView(
    string Id, string Kind, string? Name, int Version, int LatestVersion, string Yaml, JsonElement? Parsed,
    string? Author, string? Notes, DateTime CreatedAt, bool Published);

/// <summary>Shares a script with another author.</summary>
/// <param name="UserId">The author's user id (the token's <c>sub</c>).</param>
public sealed record ScriptShare(string? UserId);

/// <summary>A script's owners: its creator (null for the samples, which admins manage) and the authors it is shared with.</summary>
public sealed record ScriptSharing(string Id, string? OwnerId, IReadOnlyList<string> SharedWith);
