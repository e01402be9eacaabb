using HeartRule.Engine.Loading;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Engine;

public static class ScriptLoader
{
    /// <summary>Parses and validates a session or technique script. Never throws on bad input.</summary>
    public static ScriptLoadResult Load(string yaml, ISkillResolver? skills = null)
    {
        var issues = new IssueCollector();
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml ?? ""));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (stream.Documents.Count > 1)
                issues.Warning("root", stream.Documents[1].RootNode, IssueKinds.Structure, "Only the first YAML document is used",
                    "one document", $"{stream.Documents.Count} documents", "Remove the '---' separators and the extra documents");
        }
        catch (YamlException ex)
        {
            var message = (ex.InnerException?.Message ?? ex.Message).Trim();
            issues.Errors.Add(new ScriptIssue("root", (int)ex.Start.Line, (int)ex.Start.Column, IssueKinds.Syntax,
                $"YAML syntax error: {message}", "valid YAML", null,
                "Check the indentation, colons and quotes at this line and the one above"));
            return new ScriptLoadResult(null, issues.Errors, issues.Warnings);
        }
        if (root is null || YamlValues.IsNull(root))
        {
            issues.Errors.Add(new ScriptIssue("root", 1, 1, IssueKinds.Required, "The script is empty", "a 'session:' or 'topic:' mapping", "an empty document",
                "Start the file with 'session:' and its session_id and phases"));
            return new ScriptLoadResult(null, issues.Errors, issues.Warnings);
        }
        Script? script;
        try
        {
            script = new ScriptReader(issues, skills).Read(root);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The reader is written to report, not throw; this guards the promise to callers (and a skill
            // resolver's own failures) so a service never turns an odd upload into a 500.
            issues.Errors.Add(new ScriptIssue("root", null, null, IssueKinds.Structure, $"The script could not be read: {ex.Message}",
                null, null, "Check the structure against docs/script-language.md"));
            script = null;
        }
        return new ScriptLoadResult(issues.Errors.Count == 0 ? script : null, issues.Errors, issues.Warnings);
    }
}
