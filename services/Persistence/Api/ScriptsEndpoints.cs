using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Engine;
using HeartRule.Infrastructure;
using HeartRule.Localization;
using HeartRule.Persistence.Scripts;
using Microsoft.AspNetCore.Mvc;

namespace HeartRule.Persistence.Api;

/// <summary>
/// /api/scripts: upload (a new script must be valid; a new version is a draft, saved with whatever errors and warnings
/// the engine finds), list, read a version, list versions, diff two versions, validate without saving, publish, roll
/// back, share, soft delete. Anyone signed in may read scripts; only authors and admins create them, and only a
/// script's owners (its creator and the authors it is shared with) or an admin change it (docs/security.md).
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
                ? Results.Ok(await store.ListAsync(kind, http.Caller(), ct))
                : ApiProblems.Invalid(http, "kind", LocalText.Of("error.fieldOneOf", ("field", "kind"), ("list", "session, technique")), ApiProblems.OneOf(["session", "technique"]), kind))
            .WithSummary("List the live scripts, optionally of one kind")
            .Produces<IReadOnlyList<ScriptSummary>>().ProducesProblems(400);

        scripts.MapPost("/", (HttpContext http, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct) =>
                UploadAsync(http, null, upload, validator, store, ct))
            .WithSummary("Upload a script: creates it, or adds a version when its id exists")
            .WithDescription("Authors and admins only; a version of an existing script only by its owners or an admin. The id is the YAML's session_id (session script) or topic_id (technique), so the script must be valid: on any validation error nothing is stored and the problem lists every error (to keep a draft with errors, save it with POST /api/scripts/{id}/versions). A new version is a draft until published; the answer lists its warnings.")
            .Produces<ScriptUploaded>(StatusCodes.Status201Created).ProducesProblems(400, 403);

        scripts.MapPost("/validate", (HttpContext http, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct) =>
                ValidateAsync(http, upload, validator, store, ct))
            .WithSummary("Validate a script without storing it")
            .WithDescription("Answers as POST /api/scripts would (the same problem on failure), but stores nothing. Findings are worded in the language Accept-Language asks for (en, zh-CN); their paths, lines and columns are the same in every language.")
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
            .WithSummary("Save a draft: a new version of an existing script")
            .WithDescription("Owners and admins only. The draft is saved with what validation finds in it, errors included (the answer lists them, in the Accept-Language's language): a draft with errors cannot be published or started; one with warnings is published only with acceptWarnings=true. Refused (nothing stored) when the YAML names another script's id or is of the other kind. The version is a draft until published.")
            .Produces<ScriptUploaded>(StatusCodes.Status201Created).ProducesProblems(400, 403, 404);

        scripts.MapDelete("/{id}", async (HttpContext http, string id, ScriptStore store, CancellationToken ct) =>
                Changed(http, id, await store.DeleteAsync(id, http.Caller(), ct)))
            .WithSummary("Delete a script (soft)")
            .WithDescription("Owners and admins only. It disappears from the API and new sessions cannot start on it; sessions already running on one of its versions go on. Uploading the same id again brings it back with the next version number.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(403, 404);

        scripts.MapPost("/{id}/versions/{version:int}/publish", (HttpContext http, string id, int version, bool? acceptWarnings, ScriptValidator validator, ScriptStore store, CancellationToken ct) =>
                PublishAsync(http, id, version, acceptWarnings ?? false, validator, store, ct))
            .WithSummary("Publish a draft and make it the current version")
            .WithDescription("Owners and admins only. The draft is validated again (the techniques it calls may have changed): with errors it is refused (409 SCRIPT_HAS_ERRORS, listing them); with warnings it is refused (409 SCRIPT_HAS_WARNINGS, listing them) unless acceptWarnings=true. Once published it is the current version: new sessions that name no version run it. A version that is not published can be started only by the script's owners and admins (to try it). Publishing a published version changes nothing; POST /api/scripts/{id}/rollback moves the current version.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(403, 404, 409);

        scripts.MapPost("/{id}/rollback", (HttpContext http, string id, ScriptRollback rollback, ScriptStore store, CancellationToken ct) =>
                RollbackAsync(http, id, rollback, store, ct))
            .WithSummary("Make an earlier published version current again")
            .WithDescription("Owners and admins only. New sessions that name no version start that version from now on; sessions already running keep theirs. Only a published version can be made current (naming a later one undoes a rollback); naming the current one changes nothing.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(400, 403, 404);

        scripts.MapGet("/{id}/diff", (HttpContext http, string id, int? from, int? to, int? context, ScriptStore store, CancellationToken ct) =>
                DiffAsync(http, id, from, to, context ?? ScriptDiff.DefaultContext, store, ct))
            .WithSummary("The line diff between two versions of a script")
            .WithDescription($"Hunks of kept, removed and added lines with their line numbers in each version, as a unified diff has them; context (0–{ScriptDiff.MaxContext}, default {ScriptDiff.DefaultContext}) kept lines around each change. Versions of up to {ScriptDiff.MaxLines} lines.")
            .Produces<ScriptDiffView>().ProducesProblems(400, 404);

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
        var detail = await store.GetDetailAsync(id, version, ct);
        if (detail is null) return ApiProblems.ScriptNotFound(http, id, await store.IsLiveAsync(id, ct) ? version : null);
        var findings = ScriptFindings.FromJson(detail.Findings, detail.ErrorCount, detail.WarningCount)?.In(http.Locale());
        return Results.Ok(new ScriptVersionView(detail.ScriptId, detail.Kind, detail.Name, detail.Version, detail.LatestVersion, detail.Yaml,
            detail.Parsed is null ? null : JsonDocument.Parse(detail.Parsed).RootElement.Clone(), detail.Author, detail.Notes, detail.CreatedAt,
            detail.Published, detail.Current, findings?.Errors ?? [], findings?.Warnings));
    }

    private static async Task<IResult> UploadAsync(
        HttpContext http, string? expectedId, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct)
    {
        var caller = http.Caller();
        if (!ScriptPermissions.MayCreate(caller))
            return Problems.Result(http, ErrorCodes.Forbidden, LocalText.Of("error.uploadRoles"), scriptId: expectedId);
        if (CheckUpload(http, upload) is { } invalid) return invalid;
        var existing = expectedId is null ? null : await store.GetOwnersAsync(expectedId, ct);
        if (expectedId is not null && existing is not { Deleted: false }) return ApiProblems.ScriptNotFound(http, expectedId);

        var yaml = upload.Yaml!;
        var (loaded, findings) = await validator.CheckAsync(yaml, http.Locale(), ct);
        // A new script takes its id and kind from a valid script; a draft of an existing one is saved with its errors.
        if (existing is null && Failure(http, loaded) is { } failure) return failure;
        var parsed = YamlJson.ToJson(yaml);
        var header = loaded.Script is { } script ? new ScriptHeader(KindName(script.Kind), script.Id) : ScriptHeader.Read(parsed);
        var id = expectedId ?? header.Id!;
        if (header.Id is { } named && named != id)
            return ApiProblems.Invalid(http, "yaml", LocalText.Of("error.otherScriptId", ("script", named), ("expected", id)),
                LocalText.Of("error.expected.scriptId", ("expected", id)), named);

        var kind = header.Kind ?? existing!.Kind;
        var stored = await store.AddVersionAsync(id, kind, loaded.Script?.Name, yaml, parsed, findings, caller, upload.Notes, ct);
        if (stored.Outcome == AddVersionOutcome.KindMismatch) return KindMismatch(http, id, kind, stored.StoredKind);
        if (stored.Outcome == AddVersionOutcome.Forbidden) return ApiProblems.ScriptForbidden(http, id, NotAnOwner(id));

        var words = findings.In(http.Locale());
        return Results.Created($"/api/scripts/{Uri.EscapeDataString(id)}/versions/{stored.Version}",
            new ScriptUploaded(id, kind, loaded.Script?.Name, stored.Version, stored.Created, words.Errors, words.Warnings));
    }

    private static async Task<IResult> PublishAsync(
        HttpContext http, string id, int version, bool acceptWarnings, ScriptValidator validator, ScriptStore store, CancellationToken ct)
    {
        var caller = http.Caller();
        // Validating is the costly part: only for someone who may publish, and only for a draft. The store checks
        // both again under the script's lock.
        if (await store.GetOwnersAsync(id, ct) is not { Deleted: false } owners) return ApiProblems.ScriptNotFound(http, id);
        if (!ScriptPermissions.MayManage(caller, owners)) return ApiProblems.ScriptForbidden(http, id, NotAnOwner(id));
        if (await store.GetAsync(id, version, includeDeleted: false, ct) is not { } record) return ApiProblems.ScriptNotFound(http, id, version);
        if (record.Published) return Results.NoContent();

        var (_, findings) = await validator.CheckAsync(record.Yaml, http.Locale(), ct);
        var outcome = await store.PublishAsync(id, version, findings, acceptWarnings, caller, ct);
        var words = findings.In(http.Locale());
        return outcome switch
        {
            ScriptChangeOutcome.HasErrors => Problems.Result(http, ErrorCodes.ScriptHasErrors,
                LocalText.Of("error.versionHasErrors", ("script", id), ("version", version), ("count", findings.ErrorCount)),
                scriptId: id, errors: words.Errors, warnings: words.Warnings),
            ScriptChangeOutcome.HasWarnings => Problems.Result(http, ErrorCodes.ScriptHasWarnings,
                LocalText.Of("error.versionHasWarnings", ("script", id), ("version", version), ("count", findings.WarningCount)),
                scriptId: id, warnings: words.Warnings),
            _ => Changed(http, id, outcome, version),
        };
    }

    private static async Task<IResult> RollbackAsync(HttpContext http, string id, ScriptRollback rollback, ScriptStore store, CancellationToken ct)
    {
        if (rollback.Version is not { } version || version < 1)
            return ApiProblems.Invalid(http, "version", LocalText.Of("error.versionRequired"), ApiProblems.IntegerFrom(1), rollback.Version?.ToString());
        var outcome = await store.RollbackAsync(id, version, http.Caller(), ct);
        if (outcome != ScriptChangeOutcome.NotPublished) return Changed(http, id, outcome, version);
        var published = (await store.ListVersionsAsync(id, ct) ?? []).Where(v => v.Published).Select(v => v.Version).Order();
        return ApiProblems.Invalid(http, "version", LocalText.Of("error.rollbackToDraft", ("script", id), ("version", version)),
            LocalText.Of("error.expected.publishedVersion", ("versions", string.Join(", ", published))), version.ToString());
    }

    private static async Task<IResult> DiffAsync(HttpContext http, string id, int? from, int? to, int context, ScriptStore store, CancellationToken ct)
    {
        foreach (var (field, value) in new[] { ("from", from), ("to", to) })
        {
            if (value is not >= 1)
                return ApiProblems.Invalid(http, field, LocalText.Of("error.diffVersion", ("field", field)), ApiProblems.IntegerFrom(1), value?.ToString());
        }
        if (context is < 0 or > ScriptDiff.MaxContext)
            return ApiProblems.Invalid(http, "context", LocalText.Of("error.fieldRange", ("field", "context"), ("min", 0), ("max", ScriptDiff.MaxContext)),
                ApiProblems.IntegerRange(0, ScriptDiff.MaxContext), context.ToString());

        var texts = new List<string>(2);
        foreach (var (field, version) in new[] { ("from", from!.Value), ("to", to!.Value) })
        {
            var record = await store.GetAsync(id, version, includeDeleted: false, ct);
            if (record is null) return ApiProblems.ScriptNotFound(http, id, await store.IsLiveAsync(id, ct) ? version : null);
            var lines = ScriptDiff.LineCount(record.Yaml);
            if (lines > ScriptDiff.MaxLines)
                return ApiProblems.Invalid(http, field, LocalText.Of("error.diffTooLong", ("version", version), ("lines", lines), ("max", ScriptDiff.MaxLines)),
                    LocalText.Of("error.expected.diffLines", ("max", ScriptDiff.MaxLines)), version.ToString());
            texts.Add(record.Yaml);
        }
        return Results.Ok(ScriptDiff.Compare(id, from.Value, texts[0], to.Value, texts[1], context));
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
        return Results.Ok(new ScriptValidated(true, script.Id, kind, script.Name, existing is { Deleted: false }, ScriptFindings.Issues(loaded.Warnings)));
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
        return Problems.Result(http, code, message, errors: ScriptFindings.Issues(loaded.Errors), warnings: ScriptFindings.Issues(loaded.Warnings));
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
}
