using HeartRule.Localization;

namespace HeartRule.Engine.Loading;

/// <summary>
/// Fields older scripts and editors still emit; each is rejected with the modern replacement. A plain rename also
/// names its new field as the finding's expected value, the same in every language, so an editor can apply it.
/// </summary>
internal static class DeprecatedFields
{
    public static readonly IReadOnlyDictionary<string, FieldHint> ActionConfig = new Dictionary<string, (string Key, string Suggestion)>
    {
        ["content_template"] = ("validation.deprecated.rename", "content"),
        ["question_template"] = ("validation.deprecated.rename", "content"),
        ["prompt_template"] = ("validation.deprecated.rename", "content"),
        ["target_variable"] = ("validation.deprecated.useOutput", ""),
        ["extract_to"] = ("validation.deprecated.useOutput", ""),
        ["extraction_prompt"] = ("validation.deprecated.moveToDefine", ""),
        ["required"] = ("validation.deprecated.remove", ""),
        ["think_target"] = ("validation.deprecated.rename", "content"),
        ["output_variables"] = ("validation.deprecated.useOutputDerive", ""),
        ["skill_name"] = ("validation.deprecated.rename", "skill"),
    }.ToDictionary(kv => kv.Key, kv => new FieldHint(IssueKinds.Deprecated,
        LocalText.Of(kv.Key == "required" ? "validation.deprecated.requiredField" : "validation.deprecated.field", ("field", kv.Key)),
        LocalText.Of(kv.Value.Key, ("field", kv.Key), ("replacement", kv.Value.Suggestion)),
        kv.Value.Suggestion.Length == 0 ? null : kv.Value.Suggestion));

    /// <summary>Config fields written directly on the action instead of under <c>config</c>.</summary>
    public static readonly IReadOnlySet<string> ConfigFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "content", "tone", "max_rounds", "exit", "require_acknowledgment", "exit_criteria", "output", "skill", "input",
    };
}
