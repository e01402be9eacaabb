namespace HeartRule.Engine.Loading;

/// <summary>Fields older scripts and editors still emit; each is rejected with the modern replacement.</summary>
internal static class DeprecatedFields
{
    public static readonly IReadOnlyDictionary<string, (string Kind, string Message, string Suggestion)> ActionConfig =
        new Dictionary<string, (string, string, string)>
        {
            ["content_template"] = (IssueKinds.Deprecated, "'content_template' is no longer supported", "Rename 'content_template' to 'content'"),
            ["question_template"] = (IssueKinds.Deprecated, "'question_template' is no longer supported", "Rename 'question_template' to 'content'"),
            ["prompt_template"] = (IssueKinds.Deprecated, "'prompt_template' is no longer supported", "Rename 'prompt_template' to 'content'"),
            ["target_variable"] = (IssueKinds.Deprecated, "'target_variable' is no longer supported", "Use 'output: [{get: <variable>, define: <what to extract>}]'"),
            ["extract_to"] = (IssueKinds.Deprecated, "'extract_to' is no longer supported", "Use 'output: [{get: <variable>, define: <what to extract>}]'"),
            ["extraction_prompt"] = (IssueKinds.Deprecated, "'extraction_prompt' is no longer supported", "Move the instruction into 'output: [{get: <variable>, define: <instruction>}]'"),
            ["required"] = (IssueKinds.Deprecated, "'required' is no longer supported (it never had an effect)", "Remove 'required'"),
            ["think_target"] = (IssueKinds.Deprecated, "'think_target' is no longer supported", "Rename 'think_target' to 'content'"),
            ["output_variables"] = (IssueKinds.Deprecated, "'output_variables' is no longer supported", "Use 'output: [{get: <variable>, define: <what to derive>}]'"),
            ["skill_name"] = (IssueKinds.Deprecated, "'skill_name' is no longer supported", "Rename 'skill_name' to 'skill'"),
        };

    /// <summary>Config fields written directly on the action instead of under <c>config</c>.</summary>
    public static readonly IReadOnlySet<string> ConfigFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "content", "tone", "max_rounds", "exit", "require_acknowledgment", "exit_criteria", "output", "skill", "input",
    };
}
