using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Tests.Fixtures;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

/// <summary>The studio's drafts: saved with their findings, published only without errors (warnings accepted explicitly), rolled back.</summary>
[Collection(ServersCollection.Name)]
public sealed class ScriptDraftsTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private HttpClient _author = null!;

    public async Task InitializeAsync()
    {
        (_host, _) = await servers.HostAsync("api");
        _author = As("drafter", Roles.Author);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient As(string user, params string[] roles) => _host.Client($"{user}-{_run}", roles);

    private static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task<string> CreatedAsync(string prefix)
    {
        var id = NewId(prefix);
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id, "One")), 201);
        return id;
    }

    private Task<HttpResponseMessage> PublishAsync(string id, int version, string query = "") =>
        _author.PostAsync($"/api/scripts/{id}/versions/{version}/publish{query}", null);

    /// <summary>The version a client's new session would start (null when none).</summary>
    private async Task<int?> StartedByClientAsync(string id)
    {
        using var response = await _host.ServiceClient().GetAsync($"/internal/scripts/{id}/startable?userId=someone-{_run}&roles=client");
        return response.StatusCode == HttpStatusCode.NotFound ? null : (await JsonAsync(response)).GetProperty("version").GetInt32();
    }

    private async Task<int?> ListedCurrentAsync(string id)
    {
        var listed = (await JsonAsync(await _author.GetAsync("/api/scripts"))).EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        return listed.GetProperty("publishedVersion").ValueKind == JsonValueKind.Null ? null : listed.GetProperty("publishedVersion").GetInt32();
    }

    [Fact]
    public async Task A_draft_with_errors_is_saved_with_them_and_can_be_neither_published_nor_started()
    {
        var id = await CreatedAsync("broken");
        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(id, 1)).StatusCode);

        var saved = await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Invalid(id), "half done"), 201);
        Assert.Equal(2, saved.GetProperty("version").GetInt32());
        var errors = saved.GetProperty("errors").EnumerateArray().ToList();
        Assert.True(errors.Count >= 2, saved.ToString());
        Assert.Contains(errors, e => e.GetProperty("message").GetString()!.Contains("no_such_skill", StringComparison.Ordinal));

        var view = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions/2"));
        Assert.Equal(errors.Count, view.GetProperty("errors").GetArrayLength());
        Assert.Equal(0, view.GetProperty("warnings").GetArrayLength());
        Assert.False(view.GetProperty("published").GetBoolean());
        Assert.False(view.GetProperty("current").GetBoolean());
        // The findings were kept in every language: a Chinese reader reads them in Chinese, at the same paths.
        using var chinese = new HttpRequestMessage(HttpMethod.Get, $"/api/scripts/{id}/versions/2");
        chinese.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));
        var inChinese = await JsonAsync(await _author.SendAsync(chinese));
        Assert.Equal(view.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()),
            inChinese.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
        Assert.NotEqual(view.GetProperty("errors")[0].GetProperty("message").GetString(), inChinese.GetProperty("errors")[0].GetProperty("message").GetString());

        var versions = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions"));
        Assert.Equal(errors.Count, versions[0].GetProperty("errorCount").GetInt32());
        Assert.Equal(0, versions[1].GetProperty("errorCount").GetInt32());
        Assert.True(versions[1].GetProperty("current").GetBoolean());

        var refused = await IsProblemAsync(await PublishAsync(id, 2, "?acceptWarnings=true"), ErrorCodes.ScriptHasErrors, 409);
        Assert.Equal(errors.Count, refused.GetProperty("errors").GetArrayLength());
        Assert.Equal(id, refused.GetProperty("context").GetProperty("scriptId").GetString());
        Assert.Contains("version 2", refused.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False((await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions/2"))).GetProperty("published").GetBoolean());

        // Its owner may try drafts, but not one with errors; clients still start version 1.
        var services = _host.ServiceClient();
        Assert.Equal(HttpStatusCode.NotFound, (await services.GetAsync($"/internal/scripts/{id}/startable?userId=drafter-{_run}&roles=author&version=2")).StatusCode);
        Assert.Equal(1, await StartedByClientAsync(id));

        // Even YAML that does not parse is kept as a draft of the script it was saved to.
        var unparsable = await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Unparsable), 201);
        Assert.Equal("syntax", unparsable.GetProperty("errors")[0].GetProperty("kind").GetString());
        var stored = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions/3"));
        Assert.Equal(TestScripts.Unparsable, stored.GetProperty("yaml").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("parsed").ValueKind);
        Assert.Equal("A test session", stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_draft_keeps_its_exact_counts_and_its_first_findings()
    {
        var id = await CreatedAsync("many");
        var actions = string.Join(", ", Enumerable.Range(0, ScriptFindings.MaxKept + 100).Select(i => $"{{ action_type: ai_dance, action_id: a{i} }}"));
        var yaml = $"session:\n  session_id: {id}\n  phases: [ {{ phase_id: p1, topics: [ {{ topic_id: t1, actions: [ {actions} ] }} ] }} ]\n";

        var saved = await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", yaml), 201);

        Assert.Equal(ScriptFindings.MaxKept, saved.GetProperty("errors").GetArrayLength());
        var counted = (await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions")))[0].GetProperty("errorCount").GetInt32();
        Assert.True(counted >= ScriptFindings.MaxKept + 100, $"{counted} errors counted");
        Assert.Equal(ScriptFindings.MaxKept, (await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions/2"))).GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task A_draft_is_refused_when_it_names_another_script_or_kind_and_a_new_script_must_be_valid()
    {
        var id = await CreatedAsync("held");

        var other = await IsProblemAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Invalid("someone_else")), ErrorCodes.ValidationFailed);
        Assert.Equal("yaml", other.GetProperty("errors")[0].GetProperty("path").GetString());
        await IsProblemAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Technique(id).Replace("actions:", "actionz:", StringComparison.Ordinal)),
            ErrorCodes.ScriptValidationError);
        await IsProblemAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Invalid(id)), ErrorCodes.ScriptValidationError);
        await IsProblemAsync(await As("stranger", Roles.Author).PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Invalid(id)), ErrorCodes.Forbidden);

        Assert.Equal(1, (await JsonAsync(await _author.GetAsync($"/api/scripts/{id}"))).GetProperty("latestVersion").GetInt32());
    }

    [Fact]
    public async Task Warnings_are_published_only_when_accepted_and_publishing_makes_the_version_current()
    {
        var id = NewId("warned");
        var saved = await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Warned(id)), 201);
        var warning = Assert.Single(saved.GetProperty("warnings").EnumerateArray());
        Assert.Equal("notes", warning.GetProperty("path").GetString());
        Assert.Equal(0, saved.GetProperty("errors").GetArrayLength());

        var refused = await IsProblemAsync(await PublishAsync(id, 1), ErrorCodes.ScriptHasWarnings, 409);
        Assert.Equal("notes", Assert.Single(refused.GetProperty("warnings").EnumerateArray()).GetProperty("path").GetString());
        Assert.Contains("acceptWarnings=true", refused.GetProperty("recovery").GetProperty("suggestion").GetString(), StringComparison.Ordinal);
        Assert.Null(await ListedCurrentAsync(id));
        Assert.Null(await StartedByClientAsync(id));
        // The samples are published, and current, from their first start.
        Assert.Equal(1, await ListedCurrentAsync("intake"));

        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(id, 1, "?acceptWarnings=true")).StatusCode);
        Assert.Equal(1, await ListedCurrentAsync(id));
        Assert.Equal(1, await StartedByClientAsync(id));

        // A newer publish moves the current version on; publishing a published version again changes nothing.
        await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Two")), 201);
        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(id, 2)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(id, 1)).StatusCode);
        Assert.Equal(2, await StartedByClientAsync(id));
        var v2 = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions/2"));
        Assert.True(v2.GetProperty("current").GetBoolean());
        Assert.True(v2.GetProperty("published").GetBoolean());
        await IsProblemAsync(await PublishAsync(id, 7), ErrorCodes.ScriptNotFound);
    }

    [Fact]
    public async Task A_publish_checks_the_draft_again_against_the_techniques_stored_now()
    {
        var skill = NewId("skill");
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Technique(skill)), 201);
        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(skill, 1)).StatusCode);
        var id = NewId("caller");
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.UsingSkill(id, skill)), 201);
        Assert.Equal(HttpStatusCode.NoContent, (await _author.DeleteAsync($"/api/scripts/{skill}")).StatusCode);

        var refused = await IsProblemAsync(await PublishAsync(id, 1), ErrorCodes.ScriptHasErrors, 409);

        Assert.Contains(refused.GetProperty("errors").EnumerateArray(), e => e.GetProperty("message").GetString()!.Contains(skill, StringComparison.Ordinal));
        // The refusal keeps what it found: the version now shows the error it was saved without.
        var view = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions/1"));
        Assert.Equal(refused.GetProperty("errors").GetArrayLength(), view.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task Use_skill_runs_a_techniques_current_published_version_never_a_draft_of_it()
    {
        var skill = NewId("skill");
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Technique(skill)), 201);
        Assert.Null(await CurrentTechniqueAsync(skill));
        var caller = NewId("caller");
        var unknown = await JsonAsync(await _author.PostYamlAsync("/api/scripts/validate", TestScripts.UsingSkill(caller, skill)), 400);
        Assert.Contains(unknown.GetProperty("errors").EnumerateArray(), e => e.GetProperty("message").GetString()!.Contains(skill, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(skill, 1)).StatusCode);
        Assert.Equal(1, await CurrentTechniqueAsync(skill));
        await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{skill}/versions", TestScripts.Technique(skill)), 201);
        Assert.Equal(1, await CurrentTechniqueAsync(skill));

        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(skill, 2)).StatusCode);
        Assert.Equal(2, await CurrentTechniqueAsync(skill));
        Assert.Equal(HttpStatusCode.NoContent, (await _author.PostAsJsonAsync($"/api/scripts/{skill}/rollback", new { version = 1 })).StatusCode);
        Assert.Equal(1, await CurrentTechniqueAsync(skill));
    }

    /// <summary>The version of the technique that use_skill runs (what ScriptEngine reads), null when none.</summary>
    private async Task<int?> CurrentTechniqueAsync(string id)
    {
        var techniques = await JsonAsync(await _host.ServiceClient().GetAsync("/internal/scripts/techniques"));
        return techniques.EnumerateArray().Where(t => t.GetProperty("scriptId").GetString() == id).Select(t => (int?)t.GetProperty("version").GetInt32()).SingleOrDefault();
    }

    [Fact]
    public async Task A_rollback_makes_an_earlier_published_version_current_for_new_sessions_and_is_audited()
    {
        var id = await CreatedAsync("rolled");
        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(id, 1)).StatusCode);
        await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Two")), 201);
        Assert.Equal(HttpStatusCode.NoContent, (await PublishAsync(id, 2)).StatusCode);
        await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Three")), 201);
        Assert.Equal(2, await StartedByClientAsync(id));

        Assert.Equal(HttpStatusCode.NoContent, (await _author.PostAsJsonAsync($"/api/scripts/{id}/rollback", new { version = 1 })).StatusCode);

        Assert.Equal(1, await StartedByClientAsync(id));
        Assert.Equal(1, await ListedCurrentAsync(id));
        var versions = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions"));
        Assert.Equal([false, false, true], versions.EnumerateArray().Select(v => v.GetProperty("current").GetBoolean()));
        // A named published version still starts as before.
        Assert.Equal(2, (await JsonAsync(await _host.ServiceClient().GetAsync($"/internal/scripts/{id}/startable?userId=x&roles=client&version=2"))).GetProperty("version").GetInt32());

        var draft = await IsProblemAsync(await _author.PostAsJsonAsync($"/api/scripts/{id}/rollback", new { version = 3 }), ErrorCodes.ValidationFailed);
        Assert.Equal("version", draft.GetProperty("errors")[0].GetProperty("path").GetString());
        Assert.Contains("1, 2", draft.GetProperty("errors")[0].GetProperty("expected").GetString(), StringComparison.Ordinal);
        await IsProblemAsync(await _author.PostAsJsonAsync($"/api/scripts/{id}/rollback", new { version = 9 }), ErrorCodes.ScriptNotFound);
        await IsProblemAsync(await _author.PostAsJsonAsync($"/api/scripts/{id}/rollback", new { }), ErrorCodes.ValidationFailed);
        await IsProblemAsync(await _author.PostAsJsonAsync("/api/scripts/no_such_script/rollback", new { version = 1 }), ErrorCodes.ScriptNotFound);
        await IsProblemAsync(await As("stranger", Roles.Author).PostAsJsonAsync($"/api/scripts/{id}/rollback", new { version = 2 }), ErrorCodes.Forbidden);
        await IsProblemAsync(await As("client", Roles.Client).PostAsJsonAsync($"/api/scripts/{id}/rollback", new { version = 2 }), ErrorCodes.Forbidden);
        Assert.Equal(1, await StartedByClientAsync(id));

        // Naming the current version changes nothing; naming a later published one undoes the rollback.
        Assert.Equal(HttpStatusCode.NoContent, (await _author.PostAsJsonAsync($"/api/scripts/{id}/rollback", new { version = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _author.PostAsJsonAsync($"/api/scripts/{id}/rollback", new { version = 2 })).StatusCode);
        Assert.Equal(2, await StartedByClientAsync(id));

        var audit = await JsonAsync(await As("auditor", Roles.Admin).GetAsync($"/api/admin/audit?objectType=script&objectId={id}"));
        var entries = audit.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() is "script.rollback" or "script.publish")
            .Select(e => (Action: e.GetProperty("action").GetString(), To: e.GetProperty("details").GetProperty("version").GetInt32(),
                From: e.GetProperty("details").GetProperty("previous") is { ValueKind: JsonValueKind.Number } p ? p.GetInt32() : (int?)null));
        Assert.Equal([("script.rollback", 2, 1), ("script.rollback", 1, 2), ("script.publish", 2, 1), ("script.publish", 1, null)], entries);
    }
}
