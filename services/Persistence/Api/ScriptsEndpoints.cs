using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Engine;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Persistence.Scripts;
using Microsoft.AspNetCore.Mvc;

namespace HeartRule.Persistence.Api;

/// <summary>
/// /api/scripts: upload (new script or new version, validated by the engine, nothing stored on failure), list,
/// read a version, list versions, validate without saving, publish, share, soft delete. Anyone signed in may read
/// scripts; only authors and admins create them, and only a script's owners (its creator and the authors it is
/// shared with) or an admin change it (docs/security.md).
/// </summary>
public static class ScriptsEndpoints
{
    /// <summary>Far above any real script; keeps one upload from tying up the validator.</summary>
    public const int MaxYamlLength = 512 * 1024;
    public const int MaxNotesLength = 2000;
    /// <summary>Room for the longest script JSON-escaped; a larger body is refused before it is read (413).</summary>
    public const long MaxBodyBytes = 4 * MaxYamlLength;

    public static RouteGroupBuilder MapScripts(this RouteGroupBuilder api)
    {
        var scripts = api.MapGroup("/scripts").WithTags("Scripts")
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));

        scripts.MapGet("/", async (HttpContext http, string? kind, ScriptStore store, CancellationToken ct) =>
            kind is null or "session" or "technique"
                ? Results.Ok(await store.ListAsync(kind, ct))
                : ApiProblems.Invalid(http, "kind", LocalText.Of("error.fieldOneOf", ("field", "kind"), ("list", "session, technique")), ApiProblems.OneOf(["session", "technique"]), kind))
            .WithSummary("List the live scripts, optionally of one kind")
            .Produces<IReadOnlyList<ScriptSummary>>().ProducesProblems(400);

        scripts.MapPost("/", (HttpContext http, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct) =>
                UploadAsync(http, null, upload, validator, store, ct))
            .WithSummary("Upload a script: creates it, or adds a version when its id exists")
            .WithDescription("Authors and admins only; a version of an existing script only by its owners or an admin. The id is the YAML's session_id (session script) or topic_id (technique). A new version is a draft until published. On any validation error nothing is stored and the problem lists every error.")
            .Produces<ScriptUploaded>(StatusCodes.Status201Created).ProducesProblems(400, 403);

        scripts.MapPost("/validate", (HttpContext http, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct) =>
                ValidateAsync(http, upload, validator, store, ct))
            .WithSummary("Validate a script without storing it")
            .WithDescription("Answers exactly as an upload would (the same problem on failure), but stores nothing. Findings are worded in the language Accept-Language asks for (en, zh-CN); their paths, lines and columns are the same in every language.")
            .Produces<ScriptValidated>().ProducesProblems(400);

        scripts.MapGet("/{id}", (HttpContext http, string id, int? version, ScriptStore store, CancellationToken ct) =>
                GetVersionAsync(http, id, version, store, ct))
            .WithSummary("Get a script: its latest version, or ?version=N")
            .Produces<ScriptVersionView>().ProducesProblems(400, 404);

        scripts.MapGet("/{id}/versions", async (HttpContext http, string id, ScriptStore store, CancellationToken ct) =>
                await store.ListVersionsAsync(id, ct) is { } versions ? Results.Ok(versions) : ApiProblems.ScriptNotFound(http, id))
            .WithSummary("List a script's versions, newest first")
            .Produces<IReadOnlyList<ScriptVersionSummary>>().ProducesProblems(404);

        scripts.MapGet("/{id}/versions/{version:int}", (HttpContext http, string id, int version, ScriptStore store, CancellationToken ct) =>
                GetVersionAsync(http, id, version, store, ct))
            .WithSummary("Get one version of a script")
            .Produces<ScriptVersionView>().ProducesProblems(400, 404);

        scripts.MapPost("/{id}/versions", (HttpContext http, string id, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct) =>
                UploadAsync(http, id, upload, validator, store, ct))
            .WithSummary("Add a version to an existing script")
            .WithDescription("Owners and admins only. The YAML's id must be the script's id. The version is a draft until published.")
            .Produces<ScriptUploaded>(StatusCodes.Status201Created).ProducesProblems(400, 403, 404);

        scripts.MapDelete("/{id}", async (HttpContext http, string id, ScriptStore store, CancellationToken ct) =>
                Changed(http, id, await store.DeleteAsync(id, http.Caller(), ct)))
            .WithSummary("Delete a script (soft)")
            .WithDescription("Owners and admins only. It disappears from the API and new sessions cannot start on it; sessions already running on one of its versions go on. Uploading the same id again brings it back with the next version number.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(403, 404);

        scripts.MapPost("/{id}/versions/{version:int}/publish", async (HttpContext http, string id, int version, ScriptStore store, CancellationToken ct) =>
                Changed(http, id, await store.PublishAsync(id, version, http.Caller(), ct), version))
            .WithSummary("Publish a version: clients may start sessions on it")
            .WithDescription("Owners and admins only. New sessions that name no version run the latest published one; a version that is not published can be started only by the script's owners and admins (to try it). Publishing twice changes nothing.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(403, 404);

        scripts.MapGet("/{id}/shares", async (HttpContext http, string id, ScriptStore store, CancellationToken ct) =>
                await store.GetOwnersAsync(id, ct) is { Deleted: false } owners
                    ? Results.Ok(new ScriptSharing(owners.ScriptId, owners.OwnerId, owners.SharedWith))
                    : ApiProblems.ScriptNotFound(http, id))
            .WithSummary("Who owns a script: its creator and the authors it is shared with")
            .Produces<ScriptSharing>().ProducesProblems(404);

        scripts.MapPost("/{id}/shares", async (HttpContext http, string id, ScriptShare share, ScriptStore store, CancellationToken ct) =>
                string.IsNullOrWhiteSpace(share.UserId) || share.UserId.Length > 128
                    ? ApiProblems.Invalid(http, "userId", LocalText.Of("error.shareUserId"), LocalText.Of("error.expected.userId"))
                    : Changed(http, id, await store.ShareAsync(id, share.UserId, share: true, http.Caller(), ct)))
            .WithSummary("Share a script with another author: they become one of its owners")
            .WithDescription("Owners and admins only. The user may change the script while they hold the author role.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(400, 403, 404);

        scripts.MapDelete("/{id}/shares/{userId}", async (HttpContext http, string id, string userId, ScriptStore store, CancellationToken ct) =>
                Changed(http, id, await store.ShareAsync(id, userId, share: false, http.Caller(), ct)))
            .WithSummary("Stop sharing a script with an author")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(403, 404);

        return api;
    }

    private static IResult Changed(HttpContext http, string id, ScriptChangeOutcome outcome, int? version = null) => outcome switch
    {
        ScriptChangeOutcome.Done => Results.NoContent(),
        ScriptChangeOutcome.Forbidden => ApiProblems.ScriptForbidden(http, id, NotAnOwner(id)),
        _ => ApiProblems.ScriptNotFound(http, id, version),
    };

    private static LocalText NotAnOwner(string id) => LocalText.Of("error.notAnOwner", ("script", id));

    private static async Task<IResult> GetVersionAsync(HttpContext http, string id, int? version, ScriptStore store, CancellationToken ct)
    {
        if (version is < 1) return ApiProblems.Invalid(http, "version", LocalText.Of("error.versionFromOne"), ApiProblems.IntegerFrom(1), version.ToString());
        var record = await store.GetAsync(id, version, includeDeleted: false, ct);
        if (record is null) return ApiProblems.ScriptNotFound(http, id, await store.IsLiveAsync(id, ct) ? version : null);
        return Results.Ok(new ScriptVersionView(record.ScriptId, record.Kind, record.Name, record.Version, record.LatestVersion, record.Yaml,
            record.Parsed is null ? null : JsonDocument.Parse(record.Parsed).RootElement.Clone(), record.Author, record.Notes, record.CreatedAt, record.Published));
    }

    private static async Task<IResult> UploadAsync(
        HttpContext http, string? expectedId, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct)
    {
        var caller = http.Caller();
        if (!ScriptPermissions.MayCreate(caller))
            return Problems.Result(http, ErrorCodes.Forbidden, LocalText.Of("error.uploadRoles"), scriptId: expectedId);
        if (CheckUpload(http, upload) is { } invalid) return invalid;
        if (expectedId is not null && !await store.IsLiveAsync(expectedId, ct)) return ApiProblems.ScriptNotFound(http, expectedId);

        var loaded = await validator.ValidateAsync(upload.Yaml!, http.Locale(), ct);
        if (Failure(http, loaded) is { } failure) return failure;
        var script = loaded.Script!;
        if (expectedId is not null && script.Id != expectedId)
            return ApiProblems.Invalid(http, "yaml", LocalText.Of("error.otherScriptId", ("script", script.Id), ("expected", expectedId)),
                LocalText.Of("error.expected.scriptId", ("expected", expectedId)), script.Id);

        var kind = KindName(script.Kind);
        var stored = await store.AddVersionAsync(script.Id, kind, script.Name, upload.Yaml!, YamlJson.ToJson(upload.Yaml!), caller, upload.Notes, ct);
        if (stored.Outcome == AddVersionOutcome.KindMismatch) return KindMismatch(http, script.Id, kind, stored.StoredKind);
        if (stored.Outcome == AddVersionOutcome.Forbidden) return ApiProblems.ScriptForbidden(http, script.Id, NotAnOwner(script.Id));

        return Results.Created($"/api/scripts/{Uri.EscapeDataString(script.Id)}/versions/{stored.Version}",
            new ScriptUploaded(script.Id, kind, script.Name, stored.Version, stored.Created, Issues(loaded.Warnings)));
    }

    private static async Task<IResult> ValidateAsync(HttpContext http, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct)
    {
        if (CheckUpload(http, upload) is { } invalid) return invalid;
        var loaded = await validator.ValidateAsync(upload.Yaml!, http.Locale(), ct);
        if (Failure(http, loaded) is { } failure) return failure;
        var script = loaded.Script!;
        var kind = KindName(script.Kind);
        // A deleted script still holds its id and kind: an upload would bring it back.
        var existing = await store.GetAsync(script.Id, null, includeDeleted: true, ct);
        if (existing is not null && existing.Kind != kind) return KindMismatch(http, script.Id, kind, existing.Kind);
        return Results.Ok(new ScriptValidated(true, script.Id, kind, script.Name, existing is { Deleted: false }, Issues(loaded.Warnings)));
    }

    private static IResult? CheckUpload(HttpContext http, ScriptUpload upload)
    {
        if (string.IsNullOrWhiteSpace(upload.Yaml)) return ApiProblems.Invalid(http, "yaml", LocalText.Of("error.yamlRequired"), LocalText.Of("validation.expected.nonEmptyText"));
        if (upload.Yaml.Length > MaxYamlLength)
            return ApiProblems.Invalid(http, "yaml", LocalText.Of("error.fieldTooLong", ("field", "yaml"), ("max", MaxYamlLength)),
                LocalText.Of("validation.expected.atMostChars", ("max", MaxYamlLength)), upload.Yaml.Length.ToString());
        if (upload.Notes?.Length > MaxNotesLength)
            return ApiProblems.Invalid(http, "notes", LocalText.Of("error.fieldTooLong", ("field", "notes"), ("max", MaxNotesLength)),
                LocalText.Of("validation.expected.atMostChars", ("max", MaxNotesLength)), upload.Notes.Length.ToString());
        return null;
    }

    /// <summary>A YAML syntax error is SCRIPT_PARSE_ERROR; anything else the engine rejects is SCRIPT_VALIDATION_ERROR. Both list every error.</summary>
    private static IResult? Failure(HttpContext http, ScriptLoadResult loaded)
    {
        if (loaded.IsValid) return null;
        var parse = loaded.Errors.Any(e => e.Kind == IssueKinds.Syntax);
        var code = parse ? ErrorCodes.ScriptParseError : ErrorCodes.ScriptValidationError;
        var message = parse
            ? LocalText.Of("error.yamlUnparsable", ("detail", loaded.Errors.First(e => e.Kind == IssueKinds.Syntax).Message))
            : LocalText.Of("error.scriptInvalid", ("count", loaded.Errors.Count));
        return Problems.Result(http, code, message, errors: Issues(loaded.Errors), warnings: Issues(loaded.Warnings));
    }

    private static IResult KindMismatch(HttpContext http, string id, string kind, string? storedKind)
    {
        var locale = http.Locale();
        return Problems.Result(http, ErrorCodes.ScriptValidationError,
            LocalText.Of("error.kindMismatch", ("script", id), ("storedKind", storedKind), ("kind", kind)), scriptId: id,
            errors: [new ProblemIssue(kind == "session" ? "session.session_id" : "topic.topic_id", null, null, IssueKinds.Constraint,
                Catalogue.Get(locale, "error.idTaken", ("script", id), ("storedKind", storedKind)),
                Catalogue.Get(locale, "error.expected.freeId", ("storedKind", storedKind)), id, Catalogue.Get(locale, "error.renameOrDelete"))]);
    }

    private static string KindName(ScriptKind kind) => kind == ScriptKind.Technique ? "technique" : "session";

    private static IReadOnlyList<ProblemIssue> Issues(IEnumerable<ScriptIssue> issues) =>
        issues.Select(i => new ProblemIssue(i.Path, i.Line, i.Column, i.Kind, i.Message, i.Expected, i.Actual, i.Suggestion)).ToList();
}
