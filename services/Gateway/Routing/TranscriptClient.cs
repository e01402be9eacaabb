using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Protocol;

namespace HeartRule.Gateway.Routing;

/// <summary>Reads what the Persistence service stores of a session: its transcript (shaped into frames), its owner, and who else may watch it.</summary>
public sealed class TranscriptClient(HttpClient http)
{
    /// <summary>
    /// Events read from Persistence per round trip. A replay is handed out a page at a time (the socket's send queue is
    /// bounded), but read in fewer, larger reads, the next one under way while the last is sent: a debugger opening a
    /// session of thousands of events waits for a few round trips, not one per page (docs/benchmarks.md, "Pages").
    /// </summary>
    private const int ReadSize = 500;

    /// <summary>Events with afterSeq &lt; seq ≤ upToSeq (or all that follow), in order, a page of at most <paramref name="pageSize"/> at a time.</summary>
    public async IAsyncEnumerable<IReadOnlyList<RoutedFrame>> ReadPagesAsync(Guid sessionId, long afterSeq, long? upToSeq, int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var size = Math.Max(pageSize, ReadSize);
        var next = ReadAsync(sessionId, afterSeq, size, ct);
        while (next is not null)
        {
            var read = await next;
            var frames = read.Where(e => upToSeq is not { } max || e.Seq <= max).Select(e => FrameFactory.FromStored(sessionId, e)).ToList();
            // Fewer than asked for, or past upToSeq: nothing more to read.
            next = read.Count < size || frames.Count < read.Count ? null : ReadAsync(sessionId, read[^1].Seq, size, ct);
            foreach (var page in frames.Chunk(pageSize)) yield return page;
        }
    }

    private async Task<List<StoredEvent>> ReadAsync(Guid sessionId, long afterSeq, int limit, CancellationToken ct) =>
        await http.GetFromJsonAsync<List<StoredEvent>>($"/internal/sessions/{sessionId}/events?afterSeq={afterSeq}&limit={limit}", ct) ?? [];

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

