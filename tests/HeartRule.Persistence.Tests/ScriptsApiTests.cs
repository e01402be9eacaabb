using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

[Collection(ServersCollection.Name)]
public sealed class ScriptsApiTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private HttpClient _author = null!;

    public async Task InitializeAsync()
    {
        (_host, _) = await servers.HostAsync("api");
        _author = _host.Client("author-" + Guid.NewGuid().ToString("N")[..8], Roles.Author);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [Fact]
    public async Task The_list_holds_the_samples_and_filters_by_kind()
    {
        var all = await JsonAsync(await _author.GetAsync("/api/scripts"));
        var ids = all.EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Contains("intake", ids);
        Assert.Contains("breathing_exercise", ids);
        // The Chinese samples are loaded at first start beside the English ones.
        Assert.Contains("intake_zh", ids);
        Assert.Contains("understanding_thoughts_zh", ids);

        var techniques = await JsonAsync(await _author.GetAsync("/api/scripts?kind=technique"));
        Assert.All(techniques.EnumerateArray(), s => Assert.Equal("technique", s.GetProperty("kind").GetString()));
        Assert.Contains(techniques.EnumerateArray(), s => s.GetProperty("id").GetString() == "breathing_exercise");
        Assert.DoesNotContain(techniques.EnumerateArray(), s => s.GetProperty("id").GetString() == "intake");

        var problem = await IsProblemAsync(await _author.GetAsync("/api/scripts?kind=awareness"), ErrorCodes.ValidationFailed);
        Assert.Equal("kind", problem.GetProperty("errors")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Uploads_create_a_script_then_add_versions_and_every_version_stays_readable()
    {
        var id = NewId("upload");
        var first = await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id, "Hello one"), "first");
        var created = await JsonAsync(first, 201);
        Assert.Equal($"/api/scripts/{id}/versions/1", first.Headers.Location?.OriginalString);
        Assert.True(created.GetProperty("created").GetBoolean());
        Assert.Equal(1, created.GetProperty("version").GetInt32());
        Assert.Equal("session", created.GetProperty("kind").GetString());

        var second = await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Hello two"), "second"), 201);
        Assert.False(second.GetProperty("created").GetBoolean());
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        var third = await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id, "Hello three")), 201);
        Assert.Equal(3, third.GetProperty("version").GetInt32());

        var latest = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}"));
        Assert.Equal(3, latest.GetProperty("version").GetInt32());
        Assert.Equal(3, latest.GetProperty("latestVersion").GetInt32());
        Assert.Contains("Hello three", latest.GetProperty("yaml").GetString());
        // The parsed form is the YAML as JSON.
        Assert.Equal(id, latest.GetProperty("parsed").GetProperty("session").GetProperty("session_id").GetString());

        var v1 = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}?version=1"));
        Assert.Contains("Hello one", v1.GetProperty("yaml").GetString());
        Assert.Equal("first", v1.GetProperty("notes").GetString());
        Assert.Equal(TestScripts.Session(id, "Hello one"), v1.GetProperty("yaml").GetString());
        var v2 = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions/2"));
        Assert.Contains("Hello two", v2.GetProperty("yaml").GetString());
        Assert.StartsWith("author-", v2.GetProperty("author").GetString());

        var versions = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/versions"));
        Assert.Equal([3, 2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task Bad_yaml_is_a_parse_error_with_its_position_and_nothing_is_stored()
    {
        var response = await _author.PostYamlAsync("/api/scripts", TestScripts.Unparsable);

        var problem = await IsProblemAsync(response, ErrorCodes.ScriptParseError);
        var error = problem.GetProperty("errors")[0];
        Assert.Equal("syntax", error.GetProperty("kind").GetString());
        Assert.True(error.GetProperty("line").GetInt32() >= 1);
        Assert.True(error.GetProperty("column").GetInt32() >= 1);
        await IsProblemAsync(await _author.GetAsync("/api/scripts/broken"), ErrorCodes.ScriptNotFound);
    }

    [Fact]
    public async Task An_invalid_script_returns_every_error_and_is_not_stored()
    {
        var id = NewId("invalid");
        var problem = await IsProblemAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Invalid(id)), ErrorCodes.ScriptValidationError);

        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        Assert.True(errors.Count >= 2, problem.ToString());
        Assert.Contains(errors, e => e.GetProperty("message").GetString()!.Contains("no_such_skill", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.GetProperty("path").GetString()!.Contains("actions[0]", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("path").GetString())));
        await IsProblemAsync(await _author.GetAsync($"/api/scripts/{id}"), ErrorCodes.ScriptNotFound);
    }

    [Fact]
    public async Task A_session_script_may_call_a_stored_technique()
    {
        var yaml = (await JsonAsync(await _author.GetAsync("/api/scripts/sleep_support"))).GetProperty("yaml").GetString()!;
        var id = NewId("sleepy");

        var uploaded = await _author.PostYamlAsync("/api/scripts", yaml.Replace("session_id: sleep_support", $"session_id: {id}", StringComparison.Ordinal));

        await JsonAsync(uploaded, 201);
    }

    [Fact]
    public async Task Validate_answers_like_an_upload_but_stores_nothing()
    {
        var id = NewId("dryrun");
        var valid = await JsonAsync(await _author.PostYamlAsync("/api/scripts/validate", TestScripts.Session(id)));
        Assert.True(valid.GetProperty("valid").GetBoolean());
        Assert.Equal(id, valid.GetProperty("id").GetString());
        Assert.False(valid.GetProperty("exists").GetBoolean());
        await IsProblemAsync(await _author.GetAsync($"/api/scripts/{id}"), ErrorCodes.ScriptNotFound);

        var existing = await JsonAsync(await _author.PostYamlAsync("/api/scripts/validate", (await JsonAsync(await _author.GetAsync("/api/scripts/intake"))).GetProperty("yaml").GetString()));
        Assert.True(existing.GetProperty("exists").GetBoolean());

        await IsProblemAsync(await _author.PostYamlAsync("/api/scripts/validate", TestScripts.Invalid(id)), ErrorCodes.ScriptValidationError);
        await IsProblemAsync(await _author.PostYamlAsync("/api/scripts/validate", TestScripts.Unparsable), ErrorCodes.ScriptParseError);
    }

    [Fact]
    public async Task Unknown_scripts_and_versions_are_script_not_found()
    {
        var unknown = await IsProblemAsync(await _author.GetAsync("/api/scripts/nope_nope"), ErrorCodes.ScriptNotFound);
        Assert.Equal("nope_nope", unknown.GetProperty("context").GetProperty("scriptId").GetString());
        Assert.Equal("/api/scripts/nope_nope", unknown.GetProperty("instance").GetString());

        var noVersion = await IsProblemAsync(await _author.GetAsync("/api/scripts/intake/versions/99"), ErrorCodes.ScriptNotFound);
        Assert.Contains("99", noVersion.GetProperty("detail").GetString());
        await IsProblemAsync(await _author.GetAsync("/api/scripts/nope_nope/versions"), ErrorCodes.ScriptNotFound);
        await IsProblemAsync(await _author.PostYamlAsync("/api/scripts/nope_nope/versions", TestScripts.Session("nope_nope")), ErrorCodes.ScriptNotFound);
        await IsProblemAsync(await _author.DeleteAsync("/api/scripts/nope_nope"), ErrorCodes.ScriptNotFound);
        await IsProblemAsync(await _author.GetAsync("/api/scripts/intake?version=0"), ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task Malformed_uploads_are_validation_failures()
    {
        var missing = await IsProblemAsync(await _author.PostYamlAsync("/api/scripts", null), ErrorCodes.ValidationFailed);
        Assert.Equal("yaml", missing.GetProperty("errors")[0].GetProperty("path").GetString());

        await IsProblemAsync(await _author.PostAsync("/api/scripts", new StringContent("{ not json", Encoding.UTF8, "application/json")), ErrorCodes.ValidationFailed);
        await IsProblemAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session("x"), new string('n', 2001)), ErrorCodes.ValidationFailed);
        await IsProblemAsync(await _author.PostYamlAsync("/api/scripts", new string('#', 600_000)), ErrorCodes.ValidationFailed);
        await IsProblemAsync(await _author.PostYamlAsync("/api/scripts", new string('#', 3_000_000)), ErrorCodes.PayloadTooLarge);

        var id = NewId("other");
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id)), 201);
        var mismatch = await IsProblemAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session("intake")), ErrorCodes.ValidationFailed);
        Assert.Contains("intake", mismatch.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_script_keeps_its_kind()
    {
        var id = NewId("kind");
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id)), 201);

        var problem = await IsProblemAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Technique(id)), ErrorCodes.ScriptValidationError);
        Assert.Contains("session script", problem.GetProperty("detail").GetString());
        await IsProblemAsync(await _author.PostYamlAsync("/api/scripts/validate", TestScripts.Technique(id)), ErrorCodes.ScriptValidationError);
        Assert.Equal(1, (await JsonAsync(await _author.GetAsync($"/api/scripts/{id}"))).GetProperty("latestVersion").GetInt32());
    }

    [Fact]
    public async Task Delete_is_soft_running_sessions_still_load_their_version_and_an_upload_brings_it_back()
    {
        var id = NewId("gone");
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id)), 201);

        Assert.Equal(HttpStatusCode.NoContent, (await _author.DeleteAsync($"/api/scripts/{id}")).StatusCode);

        await IsProblemAsync(await _author.GetAsync($"/api/scripts/{id}"), ErrorCodes.ScriptNotFound);
        await IsProblemAsync(await _author.GetAsync($"/api/scripts/{id}/versions/1"), ErrorCodes.ScriptNotFound);
        await IsProblemAsync(await _author.DeleteAsync($"/api/scripts/{id}"), ErrorCodes.ScriptNotFound);
        var list = await JsonAsync(await _author.GetAsync("/api/scripts"));
        Assert.DoesNotContain(list.EnumerateArray(), s => s.GetProperty("id").GetString() == id);

        // The services' view: a named version still loads (marked deleted), the latest does not.
        var internalClient = _host.ServiceClient();
        var stored = await JsonAsync(await internalClient.GetAsync($"/internal/scripts/{id}?version=1"));
        Assert.True(stored.GetProperty("deleted").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await internalClient.GetAsync($"/internal/scripts/{id}")).StatusCode);

        var back = await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id)), 201);
        Assert.Equal(2, back.GetProperty("version").GetInt32());
        Assert.Equal(2, (await JsonAsync(await _author.GetAsync($"/api/scripts/{id}"))).GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task The_internal_reads_keep_the_shape_the_services_use()
    {
        var client = _host.ServiceClient();
        var intake = await JsonAsync(await client.GetAsync("/internal/scripts/intake"));
        Assert.Equal("intake", intake.GetProperty("scriptId").GetString());
        Assert.Equal("session", intake.GetProperty("kind").GetString());
        Assert.Equal(1, intake.GetProperty("version").GetInt32());
        Assert.Contains("session_id: intake", intake.GetProperty("yaml").GetString());

        var techniques = await JsonAsync(await client.GetAsync("/internal/scripts/techniques"));
        Assert.Contains(techniques.EnumerateArray(), t => t.GetProperty("scriptId").GetString() == "breathing_exercise");
        Assert.Equal(JsonValueKind.String, techniques[0].GetProperty("yaml").ValueKind);
    }
}
