using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Engine;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Scripts;
using Microsoft.AspNetCore.Mvc;

namespace HeartRule.Persistence.Api;

/// <summary>
/// /api/scripts: upload (new script or new version, validated by the engine, nothing stored on failure), list,
/// read a version, list versions, validate without saving, soft delete. Any signed-in user may author scripts.
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
                : ApiProblems.Invalid(http, "kind", "kind is session or technique.", "session or technique", kind))
            .WithSummary("List the live scripts, optionally of one kind")
            .Produces<IReadOnlyList<ScriptSummary>>().ProducesProblems(400);

        scripts.MapPost("/", (HttpContext http, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct) =>
                UploadAsync(http, null, upload, validator, store, ct))
            .WithSummary("Upload a script: creates it, or adds a version when its id exists")
            .WithDescription("The id is the YAML's session_id (session script) or topic_id (technique). On any validation error nothing is stored and the problem lists every error.")
            .Produces<ScriptUploaded>(StatusCodes.Status201Created).ProducesProblems(400);

        scripts.MapPost("/validate", (HttpContext http, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct) =>
                ValidateAsync(http, upload, validator, store, ct))
            .WithSummary("Validate a script without storing it")
            .WithDescription("Answers exactly as an upload would (the same problem on failure), but stores nothing.")
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
            .WithDescription("The YAML's id must be the script's id.")
            .Produces<ScriptUploaded>(StatusCodes.Status201Created).ProducesProblems(400, 404);

        scripts.MapDelete("/{id}", async (HttpContext http, string id, ScriptStore store, CancellationToken ct) =>
                await store.DeleteAsync(id, ct) ? Results.NoContent() : ApiProblems.ScriptNotFound(http, id))
            .WithSummary("Delete a script (soft)")
            .WithDescription("It disappears from the API and new sessions cannot start on it; sessions already running on one of its versions go on. Uploading the same id again brings it back with the next version number.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(404);

        return api;
    }

    private static async Task<IResult> GetVersionAsync(HttpContext http, string id, int? version, ScriptStore store, CancellationToken ct)
    {
        if (version is < 1) return ApiProblems.Invalid(http, "version", "Versions are numbered from 1.", "an integer ≥ 1", version.ToString());
        var record = await store.GetAsync(id, version, includeDeleted: false, ct);
        if (record is null) return ApiProblems.ScriptNotFound(http, id, await store.IsLiveAsync(id, ct) ? version : null);
        return Results.Ok(new ScriptVersionView(record.ScriptId, record.Kind, record.Name, record.Version, record.LatestVersion, record.Yaml,
            record.Parsed is null ? null : JsonDocument.Parse(record.Parsed).RootElement.Clone(), record.Author, record.Notes, record.CreatedAt));
    }

    private static async Task<IResult> UploadAsync(
        HttpContext http, string? expectedId, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct)
    {
        if (CheckUpload(http, upload) is { } invalid) return invalid;
        if (expectedId is not null && !await store.IsLiveAsync(expectedId, ct)) return ApiProblems.ScriptNotFound(http, expectedId);

        var loaded = await validator.ValidateAsync(upload.Yaml!, ct);
        if (Failure(http, loaded) is { } failure) return failure;
        var script = loaded.Script!;
        if (expectedId is not null && script.Id != expectedId)
            return ApiProblems.Invalid(http, "yaml", $"The YAML is script \"{script.Id}\", not \"{expectedId}\".", $"session_id or topic_id \"{expectedId}\"", script.Id);

        var kind = KindName(script.Kind);
        var stored = await store.AddVersionAsync(script.Id, kind, script.Name, upload.Yaml!, YamlJson.ToJson(upload.Yaml!), http.User.GetUserId(), upload.Notes, ct);
        if (stored.Outcome == AddVersionOutcome.KindMismatch) return KindMismatch(http, script.Id, kind, stored.StoredKind);

        return Results.Created($"/api/scripts/{Uri.EscapeDataString(script.Id)}/versions/{stored.Version}",
            new ScriptUploaded(script.Id, kind, script.Name, stored.Version, stored.Created, Issues(loaded.Warnings)));
    }

    private static async Task<IResult> ValidateAsync(HttpContext http, ScriptUpload upload, ScriptValidator validator, ScriptStore store, CancellationToken ct)
    {
        if (CheckUpload(http, upload) is { } invalid) return invalid;
        var loaded = await validator.ValidateAsync(upload.Yaml!, ct);
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
        if (string.IsNullOrWhiteSpace(upload.Yaml)) return ApiProblems.Invalid(http, "yaml", "yaml is required: the script's YAML text.", "a non-empty string");
        if (upload.Yaml.Length > MaxYamlLength)
            return ApiProblems.Invalid(http, "yaml", $"The script is longer than {MaxYamlLength} characters.", $"at most {MaxYamlLength} characters", upload.Yaml.Length.ToString());
        if (upload.Notes?.Length > MaxNotesLength)
            return ApiProblems.Invalid(http, "notes", $"notes is longer than {MaxNotesLength} characters.", $"at most {MaxNotesLength} characters", upload.Notes.Length.ToString());
        return null;
    }

    /// <summary>A YAML syntax error is SCRIPT_PARSE_ERROR; anything else the engine rejects is SCRIPT_VALIDATION_ERROR. Both list every error.</summary>
    private static IResult? Failure(HttpContext http, ScriptLoadResult loaded)
    {
        if (loaded.IsValid) return null;
        var parse = loaded.Errors.Any(e => e.Kind == IssueKinds.Syntax);
        var code = parse ? ErrorCodes.ScriptParseError : ErrorCodes.ScriptValidationError;
        var message = parse
            ? $"The YAML does not parse: {loaded.Errors.First(e => e.Kind == IssueKinds.Syntax).Message}"
            : $"The script has {loaded.Errors.Count} error(s); nothing was stored.";
        return Problems.Result(http, code, message, errors: Issues(loaded.Errors), warnings: Issues(loaded.Warnings));
    }

    private static IResult KindMismatch(HttpContext http, string id, string kind, string? storedKind) =>
        Problems.Result(http, ErrorCodes.ScriptValidationError,
            $"\"{id}\" is a {storedKind} script; a {kind} script cannot be a version of it.", scriptId: id,
            errors: [new ProblemIssue(kind == "session" ? "session.session_id" : "topic.topic_id", null, null, IssueKinds.Constraint,
                $"The id \"{id}\" is taken by a {storedKind} script", $"an id not used by a {storedKind} script", id,
                "Give this script another id, or delete the other script first")]);

    private static string KindName(ScriptKind kind) => kind == ScriptKind.Technique ? "technique" : "session";

    private static IReadOnlyList<ProblemIssue> Issues(IEnumerable<ScriptIssue> issues) =>
        issues.Select(i => new ProblemIssue(i.Path, i.Line, i.Column, i.Kind, i.Message, i.Expected, i.Actual, i.Suggestion)).ToList();
}
