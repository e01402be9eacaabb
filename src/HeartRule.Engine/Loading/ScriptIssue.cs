namespace HeartRule.Engine;

/// <summary>
/// One validation finding. <see cref="Kind"/> is one of <see cref="IssueKinds"/>; <see cref="Path"/> uses
/// <c>session.phases[0].topics[1].actions[2].config</c> notation; line and column are 1-based YAML positions.
/// </summary>
public sealed record ScriptIssue(
    string Path, int? Line, int? Column, string Kind, string Message,
    string? Expected, string? Actual, string? Suggestion);

public static class IssueKinds
{
    public const string Syntax = "syntax";
    public const string Type = "type";
    public const string Required = "required";
    public const string Enum = "enum";
    public const string Constraint = "constraint";
    public const string Structure = "structure";
    public const string Deprecated = "deprecated";
    public const string Reference = "reference";
}

public sealed record ScriptLoadResult(Script? Script, IReadOnlyList<ScriptIssue> Errors, IReadOnlyList<ScriptIssue> Warnings)
{
    public bool IsValid => Script is not null && Errors.Count == 0;
}
