using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

/// <summary>Who may create, change, publish, share and delete scripts, tried with real tokens of every role.</summary>
[Collection(ServersCollection.Name)]
public sealed class ScriptRolesTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync() => (_host, _) = await servers.HostAsync("api");

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient As(string user, params string[] roles) => _host.Client($"{user}-{_run}", roles);

    private static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task<string> CreatedByAsync(HttpClient author)
    {
        var id = NewId("owned");
        await JsonAsync(await author.PostYamlAsync("/api/scripts", TestScripts.Session(id)), 201);
        return id;
    }

    [Fact]
    public async Task A_client_can_neither_upload_nor_version_nor_delete_nor_publish_a_script()
    {
        var client = As("client", Roles.Client);
        var noRoles = As("plain");
        var id = NewId("byclient");

        var refused = await IsProblemAsync(await client.PostYamlAsync("/api/scripts", TestScripts.Session(id)), ErrorCodes.Forbidden);
        Assert.Contains("Only authors and admins may upload scripts", refused.GetProperty("detail").GetString());
        await IsProblemAsync(await noRoles.PostYamlAsync("/api/scripts", TestScripts.Session(id)), ErrorCodes.Forbidden);
        await IsProblemAsync(await client.GetAsync($"/api/scripts/{id}"), ErrorCodes.ScriptNotFound);

        await IsProblemAsync(await client.PostYamlAsync("/api/scripts/intake/versions", TestScripts.Session("intake")), ErrorCodes.Forbidden);
        await IsProblemAsync(await client.PostAsync("/api/scripts/intake/versions/1/publish", null), ErrorCodes.Forbidden);
        await IsProblemAsync(await client.DeleteAsync("/api/scripts/intake"), ErrorCodes.Forbidden);
        var intake = await JsonAsync(await client.GetAsync("/api/scripts/intake"));
        Assert.Equal(1, intake.GetProperty("latestVersion").GetInt32());
    }

    [Fact]
    public async Task Only_owners_and_admins_change_a_script_and_sharing_makes_an_owner()
    {
        var owner = As("owner", Roles.Author);
        var other = As("other", Roles.Author);
        var admin = As("admin", Roles.Admin);
        var id = await CreatedByAsync(owner);

        await IsProblemAsync(await other.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Hijacked")), ErrorCodes.Forbidden);
        // The upload route names the script by the YAML's id: the same refusal.
        await IsProblemAsync(await other.PostYamlAsync("/api/scripts", TestScripts.Session(id, "Hijacked")), ErrorCodes.Forbidden);
        await IsProblemAsync(await other.PostAsync($"/api/scripts/{id}/versions/1/publish", null), ErrorCodes.Forbidden);
        await IsProblemAsync(await other.PostAsJsonAsync($"/api/scripts/{id}/shares", new { userId = $"other-{_run}" }), ErrorCodes.Forbidden);
        await IsProblemAsync(await other.DeleteAsync($"/api/scripts/{id}"), ErrorCodes.Forbidden);
        Assert.Equal(1, (await JsonAsync(await other.GetAsync($"/api/scripts/{id}"))).GetProperty("latestVersion").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsJsonAsync($"/api/scripts/{id}/shares", new { userId = $"other-{_run}" })).StatusCode);
        var sharing = await JsonAsync(await other.GetAsync($"/api/scripts/{id}/shares"));
        Assert.Equal($"owner-{_run}", sharing.GetProperty("ownerId").GetString());
        Assert.Equal([$"other-{_run}"], sharing.GetProperty("sharedWith").EnumerateArray().Select(u => u.GetString()));
        var shared = await JsonAsync(await other.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Together")), 201);
        Assert.Equal(2, shared.GetProperty("version").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/scripts/{id}/shares/other-{_run}")).StatusCode);
        await IsProblemAsync(await other.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Again")), ErrorCodes.Forbidden);

        // An admin may do anything to anyone's script, the samples (which have no owner) included.
        await JsonAsync(await admin.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Admin")), 201);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/scripts/{id}/versions/3/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/scripts/{id}")).StatusCode);
        await IsProblemAsync(await owner.PostYamlAsync("/api/scripts/intake/versions", TestScripts.Session("intake")), ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task The_list_tells_each_reader_which_scripts_they_may_change()
    {
        var owner = As("lister", Roles.Author);
        var sharer = As("co-author", Roles.Author);
        var other = As("onlooker", Roles.Author);
        var id = await CreatedByAsync(owner);
        async Task<bool?> MayChangeAsync(HttpClient reader, string script) =>
            (await JsonAsync(await reader.GetAsync("/api/scripts"))).EnumerateArray()
                .SingleOrDefault(s => s.GetProperty("id").GetString() == script) is { ValueKind: JsonValueKind.Object } listed
                ? listed.GetProperty("mayChange").GetBoolean() : null;

        Assert.True(await MayChangeAsync(owner, id));
        Assert.False(await MayChangeAsync(sharer, id));
        Assert.False(await MayChangeAsync(other, id));
        // The samples have no owner: only admins change them.
        Assert.False(await MayChangeAsync(owner, "intake"));
        Assert.True(await MayChangeAsync(As("boss", Roles.Admin), id));
        Assert.True(await MayChangeAsync(As("boss", Roles.Admin), "intake"));

        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsJsonAsync($"/api/scripts/{id}/shares", new { userId = $"co-author-{_run}" })).StatusCode);
        Assert.True(await MayChangeAsync(sharer, id));
        Assert.False(await MayChangeAsync(other, id));
        // An owner who is no longer an author changes nothing, and the list says so.
        Assert.False(await MayChangeAsync(As("lister", Roles.Client), id));
    }

    [Fact]
    public async Task Ownership_counts_only_while_the_author_role_does()
    {
        var id = await CreatedByAsync(As("former", Roles.Author));
        var demoted = As("former", Roles.Client);

        await IsProblemAsync(await demoted.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id)), ErrorCodes.Forbidden);
        await IsProblemAsync(await demoted.DeleteAsync($"/api/scripts/{id}"), ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task New_versions_are_drafts_clients_start_only_published_ones_owners_may_try_drafts()
    {
        var owner = As("drafter", Roles.Author);
        var id = await CreatedByAsync(owner);
        var services = _host.ServiceClient();
        string Startable(string user, string roles, int? version = null) =>
            $"/internal/scripts/{id}/startable?userId={user}-{_run}&roles={roles}" + (version is { } v ? $"&version={v}" : "");

        var versions = await JsonAsync(await owner.GetAsync($"/api/scripts/{id}/versions"));
        Assert.False(versions[0].GetProperty("published").GetBoolean());
        var listed = (await JsonAsync(await owner.GetAsync("/api/scripts"))).EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal(JsonValueKindNull, listed.GetProperty("publishedVersion").ValueKind);

        Assert.Equal(HttpStatusCode.NotFound, (await services.GetAsync(Startable("someone", "client"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await services.GetAsync(Startable("someone", "client", 1))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await services.GetAsync(Startable("another", "author", 1))).StatusCode);
        // Its owner (and an admin) may try the draft by naming it; nobody starts it by default.
        Assert.Equal(1, (await JsonAsync(await services.GetAsync(Startable("drafter", "author", 1)))).GetProperty("version").GetInt32());
        Assert.Equal(1, (await JsonAsync(await services.GetAsync(Startable("boss", "admin", 1)))).GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await services.GetAsync(Startable("drafter", "author"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync($"/api/scripts/{id}/versions/1/publish", null)).StatusCode);
        await JsonAsync(await owner.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Draft two")), 201);

        // Clients get the latest published version, not the newer draft.
        var started = await JsonAsync(await services.GetAsync(Startable("someone", "client")));
        Assert.Equal(1, started.GetProperty("version").GetInt32());
        Assert.True(started.GetProperty("published").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await services.GetAsync(Startable("someone", "client", 2))).StatusCode);
        listed = (await JsonAsync(await owner.GetAsync("/api/scripts"))).EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal(1, listed.GetProperty("publishedVersion").GetInt32());
        Assert.Equal(2, listed.GetProperty("latestVersion").GetInt32());

        await IsProblemAsync(await owner.PostAsync($"/api/scripts/{id}/versions/9/publish", null), ErrorCodes.ScriptNotFound);
    }

    [Fact]
    public async Task Internal_routes_answer_only_service_tokens()
    {
        foreach (var path in new[] { "/internal/scripts/intake", "/internal/scripts/techniques", $"/internal/sessions/{Guid.NewGuid()}" })
        {
            await IsProblemAsync(await _host.Client(null).GetAsync(path), ErrorCodes.Unauthorized);
            await IsProblemAsync(await As("nosy", Roles.Client).GetAsync(path), ErrorCodes.Forbidden);
            await IsProblemAsync(await As("boss", Roles.Admin).GetAsync(path), ErrorCodes.Forbidden);
        }
        await IsProblemAsync(await As("boss", Roles.Admin).DeleteAsync($"/internal/sessions/{Guid.NewGuid()}"), ErrorCodes.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await _host.ServiceClient().GetAsync("/internal/scripts/intake")).StatusCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
