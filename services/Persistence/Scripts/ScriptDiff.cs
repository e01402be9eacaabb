using DiffPlex;
using DiffPlex.Chunkers;

namespace HeartRule.Persistence.Scripts;

/// <summary>One line of a diff: <c>kept</c> (in both versions), <c>removed</c> (only in the older) or <c>added</c> (only in the newer).</summary>
/// <param name="FromLine">Its line number in the "from" version (1-based); null for an added line.</param>
/// <param name="ToLine">Its line number in the "to" version (1-based); null for a removed line.</param>
public sealed record DiffLine(string Kind, int? FromLine, int? ToLine, string Text);

/// <summary>A run of changes with the kept lines around them, as a unified diff's <c>@@ -FromStart,FromCount +ToStart,ToCount @@</c>.</summary>
public sealed record DiffHunk(int FromStart, int FromCount, int ToStart, int ToCount, IReadOnlyList<DiffLine> Lines);

/// <summary>The line diff between two versions of a script.</summary>
/// <param name="Added">Lines only in the "to" version.</param>
/// <param name="Removed">Lines only in the "from" version.</param>
/// <param name="Hunks">Empty when the two versions read the same.</param>
public sealed record ScriptDiffView(string Id, int From, int To, int Added, int Removed, IReadOnlyList<DiffHunk> Hunks);

/// <summary>
/// Line diffs with DiffPlex (Myers' algorithm). Its time grows with the product of the lengths and the edit distance
/// (two unrelated 10,000-line texts take about a second, 50,000 lines about ten), so versions are compared only up
/// to <see cref="MaxLines"/> lines: far more than any real script, a fraction of what the 512 Ki-character upload
/// limit allows.
/// </summary>
public static class ScriptDiff
{
    public const int MaxLines = 5000;
    public const int DefaultContext = 3;
    public const int MaxContext = 1000;

    /// <summary>The number of lines of a script's text, as the diff counts them (a final line break ends the last line; it starts no new one).</summary>
    public static int LineCount(string text) => LineChunker.Instance.Chunk(TrimFinalBreak(text)).Count;

    public static ScriptDiffView Compare(string id, int from, string fromText, int to, string toText, int context)
    {
        var diff = Differ.Instance.CreateDiffs(TrimFinalBreak(fromText), TrimFinalBreak(toText), ignoreWhiteSpace: false, ignoreCase: false, LineChunker.Instance);
        var a = diff.PiecesOld;
        var b = diff.PiecesNew;
        var hunks = new List<DiffHunk>();
        var blocks = diff.DiffBlocks;
        var first = 0;
        while (first < blocks.Count)
        {
            // One hunk takes every next change that its context would reach (unified diff's rule).
            var last = first;
            while (last + 1 < blocks.Count && blocks[last + 1].DeleteStartA - (blocks[last].DeleteStartA + blocks[last].DeleteCountA) <= 2 * context) last++;
            var startA = Math.Max(0, blocks[first].DeleteStartA - context);
            var startB = blocks[first].InsertStartB - (blocks[first].DeleteStartA - startA);
            var lines = new List<DiffLine>();
            int i = startA, j = startB;
            for (var k = first; k <= last; k++)
            {
                var block = blocks[k];
                for (; i < block.DeleteStartA; i++, j++) lines.Add(new DiffLine("kept", i + 1, j + 1, a[i]));
                for (; i < block.DeleteStartA + block.DeleteCountA; i++) lines.Add(new DiffLine("removed", i + 1, null, a[i]));
                for (j = block.InsertStartB; j < block.InsertStartB + block.InsertCountB; j++) lines.Add(new DiffLine("added", null, j + 1, b[j]));
            }
            for (var end = Math.Min(a.Count, i + context); i < end; i++, j++) lines.Add(new DiffLine("kept", i + 1, j + 1, a[i]));
            hunks.Add(new DiffHunk(startA + 1, i - startA, startB + 1, j - startB, lines));
            first = last + 1;
        }
        return new ScriptDiffView(id, from, to, blocks.Sum(d => d.InsertCountB), blocks.Sum(d => d.DeleteCountA), hunks);
    }

    private static string TrimFinalBreak(string text) =>
        text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') || text.EndsWith('\r') ? text[..^1] : text;
}
