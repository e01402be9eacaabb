using HeartRule.Engine.Loading;
using HeartRule.Localization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HeartRule.Engine;

public static class ScriptLoader
{
    /// <summary>
    /// Parses and validates a session or technique script. Never throws on bad input. Findings are worded in
    /// <paramref name="locale"/> (a BCP 47 tag; English when there is no catalogue for it); their paths, kinds,
    /// lines and columns are the same in every language.
    /// </summary>
    public static ScriptLoadResult Load(string yaml, ISkillResolver? skills = null, string? locale = null)
    {
        var issues = new IssueCollector(Catalogue.Resolve(locale));
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml ?? ""));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (stream.Documents.Count > 1)
                issues.Warning("root", stream.Documents[1].RootNode, IssueKinds.Structure, issues.T("validation.extraDocuments"),
                    issues.T("validation.expected.oneDocument"), issues.T("validation.actual.documents", ("count", stream.Documents.Count)),
                    issues.T("validation.removeExtraDocuments"));
        }
        catch (YamlException ex)
        {
            // The parser's own explanation is in English in every locale; the words around it are not.
            var message = (ex.InnerException?.Message ?? ex.Message).Trim();
            issues.Errors.Add(new ScriptIssue("root", (int)ex.Start.Line, (int)ex.Start.Column, IssueKinds.Syntax,
                issues.T("validation.yamlSyntax", ("detail", message)), issues.T("validation.expected.yaml"), null, issues.T("validation.checkIndentation")));
            return new ScriptLoadResult(null, issues.Errors, issues.Warnings);
        }
        if (root is null || YamlValues.IsNull(root))
        {
            issues.Errors.Add(new ScriptIssue("root", 1, 1, IssueKinds.Required, issues.T("validation.emptyScript"), issues.T("validation.expected.rootMapping"),
                issues.T("validation.actual.emptyDocument"), issues.T("validation.startWithSession")));
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
            issues.Errors.Add(new ScriptIssue("root", null, null, IssueKinds.Structure, issues.T("validation.unreadable", ("detail", ex.Message)),
                null, null, issues.T("validation.checkStructure")));
            script = null;
        }
        return new ScriptLoadResult(issues.Errors.Count == 0 ? script : null, issues.Errors, issues.Warnings);
    }
}
