using System.Text.Json;
using HeartRule.Infrastructure;

namespace HeartRule.Persistence.Api;

/// <summary>An upload: the YAML text of a session or technique script (its id is its session_id or topic_id).</summary>
/// <param name="Yaml">The whole script, as it would be in a .yaml file.</param>
/// <param name="Notes">What changed in this version, for the version list.</param>
public sealed record ScriptUpload(string? Yaml, string? Notes);

/// <param name="Created">True when this upload created the script (version 1 of a new id).</param>
/// <param name="Errors">What keeps this draft from being published or started (only a new version of an existing script is saved with errors).</param>
/// <param name="Warnings">Publishing this draft needs acceptWarnings=true while it has any.</param>
public sealed record ScriptUploaded(string Id, string Kind, string? Name, int Version, bool Created, IReadOnlyList<ProblemIssue> Errors, IReadOnlyList<ProblemIssue> Warnings);

/// <param name="Exists">Whether a live script with this id exists, i.e. whether an upload would add a version.</param>
public sealed record ScriptValidated(bool Valid, string Id, string Kind, string? Name, bool Exists, IReadOnlyList<ProblemIssue> Warnings);

/// <summary>One version of a script with its text, its parsed form (the YAML as JSON) and what validation found in it.</summary>
/// <param name="Parsed">Null when the YAML does not parse (a draft saved with a syntax error).</param>
/// <param name="Current">The version a session that names no version starts.</param>
/// <param name="Errors">What keeps the version from being published or started; empty for a version that has none.</param>
/// <param name="Warnings">Null for a version stored before warnings were kept (publishing checks it again).</param>
public sealed record ScriptVersionView(
    string Id, string Kind, string? Name, int Version, int LatestVersion, string Yaml, JsonElement? Parsed,
    string? Author, string? Notes, DateTime CreatedAt, bool Published, bool Current,
    IReadOnlyList<ProblemIssue> Errors, IReadOnlyList<ProblemIssue>? Warnings);

/// <summary>Makes a published version of the script current.</summary>
/// <param name="Version">The published version that sessions naming no version will start from now on.</param>
public sealed record ScriptRollback(int? Version);

/// <summary>Shares a script with another author.</summary>
/// <param name="UserId">The author's user id (the token's <c>sub</c>).</param>
public sealed record ScriptShare(string? UserId);

/// <summary>A script's owners: its creator (null for the samples, which admins manage) and the authors it is shared with.</summary>
public sealed record ScriptSharing(string Id, string? OwnerId, IReadOnlyList<string> SharedWith);
