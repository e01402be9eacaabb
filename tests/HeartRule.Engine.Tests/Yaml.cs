namespace HeartRule.Engine.Tests;

/// <summary>Builds small one-topic session scripts for focused tests.</summary>
internal static class Yaml
{
    /// <summary>Wraps action YAML (each starting with "- action_type") into a session with one phase and topic.</summary>
    public static Script Session(string actions, string sessionExtra = "", string topicExtra = "") =>
        TestScripts.LoadValid(SessionText(actions, sessionExtra, topicExtra));

    /// <summary>The YAML of <see cref="Session"/>, with a <c>metadata:</c> block when one is given.</summary>
    public static string SessionText(string actions, string sessionExtra = "", string topicExtra = "", string metadata = "")
    {
        var indented = string.Join("\n", actions.Trim('\n').Split('\n').Select(l => "          " + l));
        var yaml = $"""
            session:
              session_id: test
            {Indent(sessionExtra, 2)}
              phases:
                - phase_id: p1
                  topics:
                    - topic_id: t1
            {Indent(topicExtra, 10)}
                      actions:
            {indented}
            """;
        return metadata.Length == 0 ? yaml : $"metadata:\n{Indent(metadata, 2)}\n{yaml}";
    }

    private static string Indent(string text, int spaces) =>
        string.Join("\n", text.Trim('\n').Split('\n').Select(l => l.Length == 0 ? "" : new string(' ', spaces) + l));
}
