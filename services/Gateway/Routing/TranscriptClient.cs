using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Routing;

/// <summary>Reads what the Persistence service stores of a session: its transcript (shaped into frames), its owner, and who else may watch it.</summary>
public sealed class TranscriptClient(HttpClient http)
{
    /// <summary>Events with afterSeq &lt; seq ≤ upToSeq (or all that follow), in order, a page of at most <paramref name="pageSize"/> at a time.</summary>
    public async IAsyncEnumerable<IReadOnlyList<RoutedFrame>> ReadPagesAsync(Guid sessionId, long afterSeq, long? upToSeq, int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var page = await http.GetFromJsonAsync<List<StoredEvent>>($"/internal/sessions/{sessionId}/events?afterSeq={afterSeq}&limit={pageSize}", ct) ?? [];
            var frames = page.Where(e => upToSeq is not { } max || e.Seq <= max).Select(e => FrameFactory.FromStored(sessionId, e)).ToList();
            if (frames.Count > 0) yield return frames;
            if (page.Count < pageSize || frames.Count < page.Count) yield break;
            afterSeq = page[^1].Seq;
        }
    }

    public async Task<string?> GetOwnerAsync(Guid sessionId, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/internal/sessions/{sessionId}", ct);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        var snapshot = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return snapshot.GetProperty("userId").GetString();
    }

    /// <summary>Whether this user may watch the session of another (Persistence decides, by the script's owners, and audits it).</summary>
    public async Task<bool> MayObserveAsync(Guid sessionId, string userId, IEnumerable<string> roles, bool debug, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync($"/internal/sessions/{sessionId}/observers",
            new { userId, roles = string.Join(',', roles), debug }, ct);
        if (response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Forbidden) return false;
        response.EnsureSuccessStatusCode();
        return true;
    }
}

