using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using HeartRule.Persistence.Turns;
using Microsoft.IdentityModel.Tokens;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

/// <summary>The error model at the edges: authentication, unknown routes, rate limits, server failures.</summary>
[Collection(ServersCollection.Name)]
public sealed class ProblemsTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;

    public async Task InitializeAsync() => (_host, _) = await servers.HostAsync("api");

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("/api/scripts")]
    [InlineData("/api/sessions")]
    [InlineData("/api/sessions/00000000-0000-0000-0000-000000000001/messages")]
    public async Task Without_a_token_every_api_route_is_unauthorized(string path)
    {
        var response = await _host.Client(null).GetAsync(path);

        var problem = await IsProblemAsync(response, ErrorCodes.Unauthorized);
        Assert.Equal("security", problem.GetProperty("errorType").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Expired_forged_and_garbage_tokens_are_unauthorized()
    {
        var client = _host.Client(null);
        var expired = new DevTokenIssuer(new AuthOptions { SigningKey = PersistenceHost.SigningKey })
            .Issue("someone", TimeSpan.FromMinutes(1), DateTime.UtcNow.AddHours(-2));
        var forged = new DevTokenIssuer(new AuthOptions { SigningKey = "another-signing-key-that-is-long-enough-to-use" }).Issue("someone");

        foreach (var (token, words) in new[] { (expired, "expired"), (forged, "not valid"), ("garbage", "not valid") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/scripts");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await client.SendAsync(request);
            var problem = await IsProblemAsync(response, ErrorCodes.Unauthorized);
            Assert.Contains(words, problem.GetProperty("detail").GetString());
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task A_valid_token_without_a_subject_is_forbidden()
    {
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(PersistenceHost.SigningKey)), SecurityAlgorithms.HmacSha256);
        var token = new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(
            "heartrule", "heartrule", [new Claim("name", "nobody")], DateTime.UtcNow, DateTime.UtcNow.AddMinutes(5), credentials));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sessions");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        await IsProblemAsync(await _host.Client(null).SendAsync(request), ErrorCodes.Forbidden);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_problems_too()
    {
        var client = _host.Client("someone");

        await IsProblemAsync(await client.GetAsync("/api/nothing-here"), ErrorCodes.NotFound);
        await IsProblemAsync(await client.PutAsync("/api/scripts", new StringContent("")), ErrorCodes.ValidationFailed, 405);
    }

    [Fact]
    public async Task Too_many_requests_from_one_user_are_rate_limited_and_others_are_not()
    {
        var (host, _) = await servers.HostAsync("ratelimited", new Dictionary<string, string>
        {
            ["Api:RateLimit:PermitLimit"] = "5",
            ["Api:RateLimit:WindowSeconds"] = "120",
        });
        var busy = host.Client("busy");

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await busy.GetAsync("/api/scripts")).StatusCode);
        var limited = await busy.GetAsync("/api/sessions");

        await IsProblemAsync(limited, ErrorCodes.RateLimited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.OK, (await host.Client("calm").GetAsync("/api/scripts")).StatusCode);
        // The services' internal reads are not part of the API's budget.
        Assert.Equal(HttpStatusCode.OK, (await host.ServiceClient().GetAsync("/internal/scripts/intake")).StatusCode);
    }

    [Fact]
    public async Task A_server_fault_is_an_internal_error_that_leaks_nothing()
    {
        var (host, db) = await servers.HostAsync("broken");
        var session = Guid.NewGuid();
        await host.Get<TurnWriter>().WriteAsync(TestTurns.Turn(session, 0, userId: "victim"), CancellationToken.None);
        // A schema that no longer matches the code: the kind of fault no request can fix.
        await Db.ExecuteAsync(db, "ALTER TABLE messages RENAME TO messages_moved");
        try
        {
            var problem = await IsProblemAsync(await host.Client("victim").GetAsync($"/api/sessions/{session}/messages"), ErrorCodes.InternalError);

            Assert.DoesNotContain("messages", problem.GetProperty("detail").GetString());
            Assert.Equal("system", problem.GetProperty("errorType").GetString());
        }
        finally
        {
            await Db.ExecuteAsync(db, "ALTER TABLE messages_moved RENAME TO messages");
        }
    }

    [Fact]
    public async Task While_the_database_is_down_reads_are_service_unavailable_and_recover_after()
    {
        var client = _host.Client("patient");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/scripts")).StatusCode);

        await servers.StopPostgresAsync();
        try
        {
            var problem = await IsProblemAsync(await client.GetAsync("/api/scripts"), ErrorCodes.ServiceUnavailable);
            Assert.True(problem.GetProperty("recovery").GetProperty("canRetry").GetBoolean());
        }
        finally
        {
            await servers.StartPostgresAsync();
        }

        // Pooled connections broke with the server; the pool replaces them and reads come back.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            status = (await client.GetAsync("/api/scripts")).StatusCode;
            if (status != HttpStatusCode.OK) await Task.Delay(200);
        } while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
