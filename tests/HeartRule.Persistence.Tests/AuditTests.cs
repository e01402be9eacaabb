using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using Npgsql;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

/// <summary>The audit trail: every change to a script or session leaves an entry; admins read it; nobody rewrites it.</summary>
[Collection(ServersCollection.Name)]
public sealed class AuditTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private string _database = "";
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public async Task InitializeAsync() => (_host, _database) = await servers.HostAsync("audit");

    public Task DisposeAsync() => Task.CompletedTask;

    private HttpClient As(string user, params string[] roles) => _host.Client($"{user}-{_run}", roles);

    private async Task<JsonElement[]> AuditAsync(HttpClient admin, string query)
    {
        var page = await JsonAsync(await admin.GetAsync($"/api/admin/audit?{query}"));
        return [.. page.GetProperty("items").EnumerateArray()];
    }

    [Fact]
    public async Task Every_change_to_a_script_is_recorded_with_its_actor_and_read_back_by_filter()
    {
        var author = As("author", Roles.Author);
        var admin = As("admin", Roles.Admin);
        var id = $"audited_{_run}";
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        await JsonAsync(await author.PostYamlAsync("/api/scripts", TestScripts.Session(id)), 201);
        await JsonAsync(await author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Two")), 201);
        Assert.Equal(HttpStatusCode.NoContent, (await author.PostAsync($"/api/scripts/{id}/versions/2/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await author.PostAsync($"/api/scripts/{id}/versions/2/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await author.PostAsJsonAsync($"/api/scripts/{id}/shares", new { userId = "colleague" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await author.DeleteAsync($"/api/scripts/{id}/shares/colleague")).StatusCode);
        // A refused change leaves no entry.
        await IsProblemAsync(await As("intruder", Roles.Author).DeleteAsync($"/api/scripts/{id}"), ErrorCodes.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/scripts/{id}")).StatusCode);

        var entries = await AuditAsync(admin, $"objectType=script&objectId={id}");
        Assert.Equal(
            ["script.delete", "script.unshare", "script.share", "script.publish", "script.version", "script.create"],
            entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal([$"admin-{_run}", .. Enumerable.Repeat($"author-{_run}", 5)], entries.Select(e => e.GetProperty("actor").GetString()));
        Assert.Equal(["admin"], entries[0].GetProperty("actorRoles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(2, entries[3].GetProperty("details").GetProperty("version").GetInt32());
        Assert.Equal("colleague", entries[2].GetProperty("details").GetProperty("userId").GetString());

        Assert.Equal(5, (await AuditAsync(admin, $"actor=author-{_run}")).Length);
        Assert.Single(await AuditAsync(admin, $"actor=author-{_run}&action=script.publish"));
        Assert.Equal(6, (await AuditAsync(admin, $"objectId={id}&from={Uri.EscapeDataString(before.ToString("O"))}")).Length);
        Assert.Empty(await AuditAsync(admin, $"objectId={id}&to={Uri.EscapeDataString(before.ToString("O"))}"));
        Assert.Empty(await AuditAsync(admin, $"objectId={id}&from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O"))}"));

        // Reading the trail is an admin action, recorded too.
        var reads = await AuditAsync(admin, $"actor=admin-{_run}&action=audit.read");
        Assert.True(reads.Length >= 5);
        Assert.Equal("audit", reads[0].GetProperty("objectType").GetString());
    }

    [Fact]
    public async Task Only_admins_read_the_audit_log_and_bad_filters_are_named()
    {
        await IsProblemAsync(await As("author", Roles.Author).GetAsync("/api/admin/audit"), ErrorCodes.Forbidden);
        await IsProblemAsync(await As("client").GetAsync("/api/admin/audit"), ErrorCodes.Forbidden);
        await IsProblemAsync(await As("counsellor", Roles.Counsellor).GetAsync("/api/admin/audit"), ErrorCodes.Forbidden);
        await IsProblemAsync(await _host.Client(null).GetAsync("/api/admin/audit"), ErrorCodes.Unauthorized);

        var admin = As("admin", Roles.Admin);
        var problem = await IsProblemAsync(await admin.GetAsync("/api/admin/audit?objectType=planet"), ErrorCodes.ValidationFailed);
        Assert.Equal("objectType", problem.GetProperty("errors")[0].GetProperty("path").GetString());
        await IsProblemAsync(await admin.GetAsync("/api/admin/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"), ErrorCodes.ValidationFailed);
        await IsProblemAsync(await admin.GetAsync("/api/admin/audit?pageSize=1000"), ErrorCodes.ValidationFailed);
    }

    [Fact]
    public async Task A_session_deleted_through_the_sessions_service_is_recorded_with_its_user()
    {
        var session = Guid.NewGuid();
        await _host.Get<TurnWriter>().WriteAsync(TestTurns.Turn(session, 0, userId: $"owner-{_run}"), CancellationToken.None);

        var deleted = await _host.ServiceClient().DeleteAsync($"/internal/sessions/{session}?actor=owner-{_run}&actorRoles=client");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var entry = Assert.Single(await AuditAsync(As("admin", Roles.Admin), $"objectType=session&objectId={session}"));
        Assert.Equal(("session.delete", $"owner-{_run}"), (entry.GetProperty("action").GetString(), entry.GetProperty("actor").GetString()));
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'someone-else'")]
    [InlineData("DELETE FROM audit_log")]
    [InlineData("TRUNCATE audit_log")]
    public async Task The_table_refuses_to_be_rewritten(string sql)
    {
        await JsonAsync(await As("writer", Roles.Author).PostYamlAsync("/api/scripts", TestScripts.Session($"kept_{Guid.NewGuid():N}"[..13])), 201);
        var before = await Db.CountAsync(_database, "SELECT COUNT(*) FROM audit_log");

        var error = await Assert.ThrowsAsync<PostgresException>(() => Db.ExecuteAsync(_database, sql));

        Assert.Contains("append-only", error.MessageText);
        Assert.Equal(before, await Db.CountAsync(_database, "SELECT COUNT(*) FROM audit_log"));
        Assert.Equal(0, await Db.CountAsync(_database, "SELECT COUNT(*) FROM audit_log WHERE actor = 'someone-else'"));
    }
}
