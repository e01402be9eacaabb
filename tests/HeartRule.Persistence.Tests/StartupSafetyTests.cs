using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Tests.Fixtures;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

/// <summary>Outside Development: unsafe settings stop the service at startup; docs and health answer only when asked to.</summary>
[Collection(ServersCollection.Name)]
public sealed class StartupSafetyTests(Servers servers)
{
    private static readonly string[] Unreachable =
    [
        "--environment=Production",
        "--ConnectionStrings:heartrule=Host=127.0.0.1;Port=1;Database=none",
        "--ConnectionStrings:messaging=amqp://guest:guest@127.0.0.1:1/",
        "--urls=http://127.0.0.1:0",
    ];

    [Theory]
    [InlineData(AuthOptions.DevelopmentSigningKey, "is the documented development key")]
    [InlineData("only-twenty-six-bytes-long", "is 26 bytes; at least 32 are needed")]
    [InlineData(null, "Auth:SigningKey (at least 32 bytes) must be configured outside Development")]
    public async Task Production_startup_refuses_a_development_short_or_missing_signing_key(string? key, string message)
    {
        string[] args = key is null ? Unreachable : [.. Unreachable, $"--Auth:SigningKey={key}"];
        await using var app = PersistenceApp.Build(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task Development_accepts_the_development_key_but_not_a_short_one()
    {
        string[] args = [.. Unreachable, "--environment=Development", "--Auth:SigningKey=short"];
        await using var app = PersistenceApp.Build(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("is 5 bytes; at least 32 are needed", error.Message);
        Assert.DoesNotContain("development key", error.Message);
    }

    [Fact]
    public async Task A_setting_out_of_range_stops_the_startup_with_its_name()
    {
        string[] args = [.. Unreachable, "--Auth:SigningKey=" + PersistenceHost.SigningKey, "--Api:RateLimit:PermitLimit=0"];
        await using var app = PersistenceApp.Build(args);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("PermitLimit", error.Message);
    }

    [Fact]
    public async Task In_production_api_docs_and_health_are_not_served_by_default()
    {
        var (host, _) = await servers.HostAsync("production", new Dictionary<string, string> { ["environment"] = "Production" });
        var anonymous = host.Client(null);
        var user = host.Client("prod-user");

        foreach (var path in new[] { "/api/openapi.json", "/api/docs/index.html" })
        {
            await IsProblemAsync(await anonymous.GetAsync(path), ErrorCodes.NotFound);
            await IsProblemAsync(await user.GetAsync(path), ErrorCodes.NotFound);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/alive")).StatusCode);
        // The API itself is unaffected.
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/api/scripts")).StatusCode);
    }

    [Fact]
    public async Task In_production_health_answers_on_the_internal_port_only_and_docs_when_enabled()
    {
        var internalPort = FreePort();
        var database = await servers.CreateDatabaseAsync("internalport");
        await using var app = PersistenceApp.Build(
        [
            "--environment=Production",
            $"--ConnectionStrings:heartrule={database}",
            $"--ConnectionStrings:messaging={servers.MessagingConnectionString}",
            $"--Auth:SigningKey={PersistenceHost.SigningKey}",
            "--Persistence:Batch:Queue=turn-completed-test-" + Guid.NewGuid().ToString("N")[..10],
            $"--urls=http://127.0.0.1:0;http://127.0.0.1:{internalPort}",
            $"--Health:Port={internalPort}",
            "--Api:Docs:Enabled=true",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        try
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
            var publicAddress = addresses.Single(a => a.Port != internalPort);
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{internalPort}/health"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"http://127.0.0.1:{internalPort}/alive"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(publicAddress, "/health"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(publicAddress, "/alive"))).StatusCode);
            // Naming the internal port in the Host header (as anyone may, through a proxy) changes nothing.
            using var spoofed = new HttpRequestMessage(HttpMethod.Get, new Uri(publicAddress, "/health"));
            spoofed.Headers.Host = $"127.0.0.1:{internalPort}";
            Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(spoofed)).StatusCode);
            // Enabled by setting, the document is served (to anyone: it describes, it does not answer).
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(publicAddress, "/api/openapi.json"))).StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(publicAddress, "/api/scripts"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PersistenceHost.Token("prod-user"));
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
