using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace HeartRule.IntegrationTests;

/// <summary>
/// The TypeScript client (clients/typescript) against the real gateways: its system tests run under Node.js with both
/// nodes' addresses, cut their own sockets mid-turn and while an input waits; what they saw is then checked against
/// the stored transcripts. Node.js and the package's modules must be there (eng/test.sh installs them): without them
/// this fails, it does not skip.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TypeScriptSdkTests(SystemFixture system)
{
    private const string User = "ts-sdk";

    [Fact]
    public async Task The_TypeScript_client_resumes_on_the_other_node_and_delivers_every_message_once_in_order()
    {
        var package = Path.Combine(RepoRoot(), "clients", "typescript");
        Assert.True(Directory.Exists(Path.Combine(package, "node_modules")),
            $"{package} has no node_modules: run `npm ci --no-audit --no-fund` there (eng/test.sh does).");
        var resultsFile = Path.Combine(Path.GetTempPath(), $"heartrule-ts-sdk-{Guid.NewGuid():N}.json");

        var (exitCode, output) = await RunAsync(package, "npm", ["run", "test:system"], new()
        {
            ["HEARTRULE_GATEWAY_0"] = system.GatewayWs(0).ToString(),
            ["HEARTRULE_GATEWAY_1"] = system.GatewayWs(1).ToString(),
            ["HEARTRULE_TOKEN"] = await system.TokenAsync(User),
            ["HEARTRULE_RESULTS"] = resultsFile,
            ["NO_COLOR"] = "1",
        });

        Assert.True(exitCode == 0, $"npm run test:system exited with {exitCode}:\n{output}");
        Assert.Matches(@"Tests\s+2 passed \(2\)", output);
        using var results = JsonDocument.Parse(await File.ReadAllTextAsync(resultsFile));
        File.Delete(resultsFile);

        var drop = results.RootElement.GetProperty("drop");
        Assert.Equal(system.GatewayWs(1).ToString(), drop.GetProperty("resumedOn").GetString());
        var dropSeen = Seen(drop);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), drop.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(await StoredAsync(drop, turns: 3), dropSeen);

        var offline = results.RootElement.GetProperty("offline");
        var offlineStored = await StoredAsync(offline, turns: 2);
        Assert.Equal(offlineStored, Seen(offline));
        Assert.Single(offlineStored, m => m.Role == "user" && m.Content == offline.GetProperty("text").GetString());
    }

    private sealed record Message(long Seq, Guid MessageId, string Role, string Content);

    private static List<Message> Seen(JsonElement conversation) =>
        conversation.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "message")
            .Select(e => new Message(e.GetProperty("seq").GetInt64(), e.GetProperty("messageId").GetGuid(), e.GetProperty("role").GetString()!, e.GetProperty("content").GetString()!))
            .ToList();

    /// <summary>The transcript as Persistence stored it, once all the session's turns are written.</summary>
    private async Task<List<Message>> StoredAsync(JsonElement conversation, int turns)
    {
        var sessionId = conversation.GetProperty("sessionId").GetGuid();
        await system.WaitUntilStoredAsync(sessionId, turns);
        using var api = await system.ApiClientAsync(User);
        var page = await api.GetFromJsonAsync<JsonElement>($"/api/sessions/{sessionId}/messages");
        return page.GetProperty("items").EnumerateArray()
            .Select(m => new Message(m.GetProperty("seq").GetInt64(), m.GetProperty("id").GetGuid(), m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))
            .ToList();
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string directory, string command, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command, arguments) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        // Throws when npm is not installed: a missing toolchain fails the test.
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"npm run test:system did not finish in time:\n{await stdout}\n{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HeartRule.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("HeartRule.sln not found above " + AppContext.BaseDirectory);
    }
}
