using System.Text;
using System.Text.Json;
using HeartRule.Contracts;
using HeartRule.Infrastructure;
using HeartRule.Persistence.Scripts;
using HeartRule.Persistence.Tests.Fixtures;
using static HeartRule.Persistence.Tests.Fixtures.ProblemAssert;

namespace HeartRule.Persistence.Tests;

/// <summary>Line diffs between versions: the hunks themselves, and the route with its refusals.</summary>
[Collection(ServersCollection.Name)]
public sealed class ScriptDiffTests(Servers servers) : IAsyncLifetime
{
    private PersistenceHost _host = null!;
    private HttpClient _author = null!;

    public async Task InitializeAsync()
    {
        (_host, _) = await servers.HostAsync("api");
        _author = _host.Client("differ-" + Guid.NewGuid().ToString("N")[..8], Roles.Author);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Numbered(int count, Func<int, string>? line = null) =>
        string.Join("\n", Enumerable.Range(1, count).Select(i => line?.Invoke(i) ?? $"line {i}")) + "\n";

    private static string Render(DiffHunk hunk) =>
        $"@@ -{hunk.FromStart},{hunk.FromCount} +{hunk.ToStart},{hunk.ToCount} @@\n" + string.Concat(hunk.Lines.Select(l =>
            $"{(l.Kind == "kept" ? ' ' : l.Kind == "added" ? '+' : '-')}{l.FromLine?.ToString() ?? "_"}:{l.ToLine?.ToString() ?? "_"} {l.Text}\n"));

    [Fact]
    public void A_change_is_a_hunk_with_its_context_and_the_line_numbers_of_both_versions()
    {
        var before = Numbered(10);
        var after = Numbered(10, i => i == 5 ? "line five" : $"line {i}").Replace("line 8\n", "line 8\nline 8½\n", StringComparison.Ordinal);

        var diff = ScriptDiff.Compare("s", 1, before, 2, after, context: 2);

        Assert.Equal((2, 1), (diff.Added, diff.Removed));
        var hunk = Assert.Single(diff.Hunks);
        Assert.Equal("""
            @@ -3,8 +3,9 @@
             3:3 line 3
             4:4 line 4
            -5:_ line 5
            +_:5 line five
             6:6 line 6
             7:7 line 7
             8:8 line 8
            +_:9 line 8½
             9:10 line 9
             10:11 line 10

            """.Replace("\r\n", "\n", StringComparison.Ordinal), Render(hunk));
    }

    [Fact]
    public void Changes_far_apart_make_separate_hunks_and_equal_texts_none()
    {
        var before = Numbered(40);
        var after = Numbered(40, i => i is 2 or 38 ? $"changed {i}" : $"line {i}");

        var diff = ScriptDiff.Compare("s", 1, before, 2, after, context: 3);

        Assert.Equal([(1, 5, 1, 5), (35, 6, 35, 6)], diff.Hunks.Select(h => (h.FromStart, h.FromCount, h.ToStart, h.ToCount)));
        Assert.Single(ScriptDiff.Compare("s", 1, before, 2, after, context: 20).Hunks);
        Assert.Empty(ScriptDiff.Compare("s", 1, before, 2, before, context: 3).Hunks);
        // A final line break is the end of the last line, not one more line: adding one changes nothing.
        Assert.Empty(ScriptDiff.Compare("s", 1, before.TrimEnd('\n'), 2, before, context: 3).Hunks);
        var none = ScriptDiff.Compare("s", 1, before, 2, after, context: 0);
        Assert.All(none.Hunks, h => Assert.DoesNotContain(h.Lines, l => l.Kind == "kept"));
    }

    [Fact]
    public async Task The_route_diffs_any_two_versions_of_a_script()
    {
        var id = $"diffed_{Guid.NewGuid():N}"[..16];
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id, "Hello one")), 201);
        await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", TestScripts.Session(id, "Hello two")), 201);

        var diff = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/diff?from=1&to=2&context=1"));

        Assert.Equal((id, 1, 2, 1, 1), (diff.GetProperty("id").GetString(), diff.GetProperty("from").GetInt32(), diff.GetProperty("to").GetInt32(),
            diff.GetProperty("added").GetInt32(), diff.GetProperty("removed").GetInt32()));
        var lines = Assert.Single(diff.GetProperty("hunks").EnumerateArray()).GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(["kept", "removed", "added", "kept"], lines.Select(l => l.GetProperty("kind").GetString()));
        Assert.Equal(TestScripts.Session(id, "Hello one").Split('\n').Single(l => l.Contains("Hello one", StringComparison.Ordinal)), lines[1].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("toLine").ValueKind);
        Assert.Equal(lines[1].GetProperty("fromLine").GetInt32(), lines[2].GetProperty("toLine").GetInt32());

        var backwards = await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/diff?from=2&to=1"));
        Assert.Contains("Hello two", backwards.GetProperty("hunks")[0].GetProperty("lines").EnumerateArray()
            .Single(l => l.GetProperty("kind").GetString() == "removed").GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Empty((await JsonAsync(await _author.GetAsync($"/api/scripts/{id}/diff?from=2&to=2"))).GetProperty("hunks").EnumerateArray());
        // Every signed-in user reads scripts, so every one may diff them.
        await JsonAsync(await _host.Client("reader-" + id, Roles.Client).GetAsync($"/api/scripts/{id}/diff?from=1&to=2"));
    }

    [Fact]
    public async Task Bad_or_missing_versions_and_versions_too_long_to_diff_are_refused()
    {
        var id = $"difbad_{Guid.NewGuid():N}"[..16];
        await JsonAsync(await _author.PostYamlAsync("/api/scripts", TestScripts.Session(id)), 201);

        foreach (var (query, field) in new[] { ("to=1", "from"), ("from=1", "to"), ("from=0&to=1", "from"), ("from=1&to=1&context=-1", "context"), ("from=1&to=1&context=1001", "context") })
        {
            var problem = await IsProblemAsync(await _author.GetAsync($"/api/scripts/{id}/diff?{query}"), ErrorCodes.ValidationFailed);
            Assert.Equal(field, problem.GetProperty("errors")[0].GetProperty("path").GetString());
        }
        var missing = await IsProblemAsync(await _author.GetAsync($"/api/scripts/{id}/diff?from=1&to=5"), ErrorCodes.ScriptNotFound);
        Assert.Contains("5", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await IsProblemAsync(await _author.GetAsync("/api/scripts/no_such_script/diff?from=1&to=2"), ErrorCodes.ScriptNotFound);

        // Far below the upload limit, far above any real script: the diff's time grows with the square of the lines.
        var comments = new StringBuilder(TestScripts.Session(id)).Append('\n');
        for (var i = 0; i < ScriptDiff.MaxLines; i++) comments.Append("# padding\n");
        await JsonAsync(await _author.PostYamlAsync($"/api/scripts/{id}/versions", comments.ToString()), 201);
        var tooLong = await IsProblemAsync(await _author.GetAsync($"/api/scripts/{id}/diff?from=1&to=2"), ErrorCodes.ValidationFailed);
        Assert.Equal("to", tooLong.GetProperty("errors")[0].GetProperty("path").GetString());
        Assert.Contains(ScriptDiff.MaxLines.ToString(), tooLong.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
