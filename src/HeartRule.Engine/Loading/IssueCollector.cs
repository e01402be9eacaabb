using YamlDotNet.RepresentationModel;

namespace HeartRule.Engine.Loading;

internal sealed class IssueCollector
{
    public List<ScriptIssue> Errors { get; } = [];
    public List<ScriptIssue> Warnings { get; } = [];

    public void Error(string path, YamlNode? at, string kind, string message, string? expected = null, string? actual = null, string? suggestion = null) =>
        Errors.Add(new ScriptIssue(path, Line(at), Column(at), kind, message, expected, actual, suggestion));

    public void Warning(string path, YamlNode? at, string kind, string message, string? expected = null, string? actual = null, string? suggestion = null) =>
        Warnings.Add(new ScriptIssue(path, Line(at), Column(at), kind, message, expected, actual, suggestion));

    private static int? Line(YamlNode? n) => n is null ? null : (int)n.Start.Line;
    private static int? Column(YamlNode? n) => n is null ? null : (int)n.Start.Column;
}
