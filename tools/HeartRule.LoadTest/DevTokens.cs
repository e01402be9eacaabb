using System.Net.Http.Json;
using System.Text.Json;

namespace HeartRule.LoadTest;

/// <summary>Access tokens from the Gateway's Development endpoint (POST /auth/dev-token), one per load-test user.</summary>
public sealed class DevTokens(Uri gateway)
{
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };

    public async Task<string> IssueAsync(string userId, CancellationToken ct, params string[] roles)
    {
        using var response = await _http.PostAsJsonAsync("/auth/dev-token", roles.Length == 0 ? new { userId } : (object)new { userId, roles }, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return body.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Tokens for many users, a few requests at a time.</summary>
    public async Task<Dictionary<string, string>> IssueManyAsync(IEnumerable<string> userIds, CancellationToken ct)
    {
        var tokens = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(userIds, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
            async (user, token) => tokens[user] = await IssueAsync(user, token));
        return new Dictionary<string, string>(tokens);
    }
}
